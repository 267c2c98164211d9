// The services the HTTP layer calls: every use case, built once (by src/container.ts) from the repositories,
// the writer and the mail worker it is given. Routes see only this.
import fs from 'node:fs';
import { projectPath } from '../paths.js';
import type { Config } from '../config.js';
import type { Db } from '../db/connection.js';
import type { SqliteSessionStore } from '../db/session-store.js';
import type { RequestsRepo } from '../db/repos/requests.js';
import type { OutboxRepo } from '../db/repos/outbox.js';
import type { AuditRepo } from '../db/repos/audit.js';
import type { UsersRepo } from '../db/repos/users.js';
import type { Migration } from '../db/migrate.js';
import type { RequestWriter } from '../db/writer/index.js';
import type { RateCard } from '../domain/quote-types.js';
import type { Validators } from '../validation/ajv.js';
import type { StorageCondition } from '../storage-condition.js';
import { submissionService } from './submit-request.js';
import { quoteService } from './quote-request.js';
import { formOptionsService } from './form-options.js';
import type { FormTokens } from './form-tokens.js';
import { requesterPageService } from './requester-pages.js';
import { deskRequestsRepo } from '../db/repos/desk-requests.js';
import { messagesRepo } from '../db/repos/messages.js';
import { requestLinksRepo } from '../db/repos/request-links.js';
import { deskQueueService } from './desk-queue.js';
import { deskRequestService } from './desk-requests.js';
import { mailStatusService } from './mail-status.js';
import { signInService } from './sign-in.js';
import { deskSessions } from './desk-sessions.js';
import { secondFactorService } from './second-factor.js';
import { secondFactorsRepo } from '../db/repos/second-factors.js';
import { passkeyService } from './passkeys.js';
import { apiDescription } from './api-description.js';
import { readApiService } from './read-api.js';
import { webhookService } from './webhooks.js';
import { overdueDigest } from './overdue-digest.js';
import { webhooksRepo } from '../db/repos/webhooks.js';
import { requestColumns } from '../db/repos/export-queries.js';
import { apiTokensRepo } from '../db/repos/api-tokens.js';
import { singleSignOnService } from './single-sign-on.js';
import { ssoIdentitiesRepo } from '../db/repos/sso-identities.js';
import { passkeysRepo } from '../db/repos/passkeys.js';
import { signInChallengesRepo } from '../db/repos/sign-in-challenges.js';
import { userAdmin } from './user-admin.js';
import { exportService } from './exports.js';
import { personalDataService } from './personal-data.js';
import { healthService } from './health.js';
import { licenceCheckService, licenceListService } from './licences.js';
import { printStyles, type PdfPrinter } from '../pdf/chromium-pdf.js';
import type { LegalTexts } from '../documents/legal-texts.js';
import { licenceListRepo, licencesRepo } from '../db/repos/licences.js';
import { renewalReminders } from './renewal-reminders.js';
import { renewalFormService } from './renewal-form.js';

export interface ServiceDeps {
  config: Readonly<Config>;
  db: Db;
  clock: () => Date;
  rateCard: RateCard;
  validators: Validators;
  repos: { requests: RequestsRepo; outbox: OutboxRepo; audit: AuditRepo; users: UsersRepo };
  writer: RequestWriter;
  /** Wakes the mail worker after a commit that queued mail. */
  mailQueued: () => void;
  storage: StorageCondition;
  sessionStore: SqliteSessionStore;
  sessionSecret: string;
  formTokens: FormTokens;
  migrations: Migration[];
  pdf: PdfPrinter;
  legal: LegalTexts;
}

export function createServices(deps: ServiceDeps) {
  const { config, db, clock, repos, storage } = deps;
  const formOptions = formOptionsService(deps.validators);
  const challenges = signInChallengesRepo(db);
  return {
    clock,
    storage,
    rateCard: deps.rateCard,
    formOptions,
    formTokens: {
      issue: () => deps.formTokens.issue(clock()),
      check: (token: string) => deps.formTokens.check(token, clock()),
    },
    submissions: submissionService({
      validators: deps.validators,
      rateCard: deps.rateCard,
      writer: deps.writer,
      requests: repos.requests,
      deskEmail: config.deskEmail,
      ackCapPerDay: config.ackEmailsPerAddressPerDay,
      clock,
      onQueued: deps.mailQueued,
      storage,
    }),
    /** The OpenAPI description of the JSON API (built once, from the schemas). */
    apiDescription: apiDescription({
      validators: deps.validators,
      publicBaseUrl: config.publicBaseUrl,
      version: (JSON.parse(fs.readFileSync(projectPath('package.json'), 'utf8')) as { version: string }).version,
      requestColumns: requestColumns(db),
    }),
    webhooks: webhookService({
      db,
      repo: webhooksRepo(db),
      audit: repos.audit,
      clock,
      allowPrivate: config.webhooksAllowPrivate,
    }),
    overdueDigest: overdueDigest({
      db,
      repo: webhooksRepo(db),
      clock,
      hour: config.overdueDigestHour,
      overdueWorkingDays: config.overdueWorkingDays,
    }),
    readApi: readApiService({ db, tokens: apiTokensRepo(db), audit: repos.audit, clock }),
    quotes: quoteService({ validators: deps.validators, rateCard: deps.rateCard, clock }),
    requesterPages: requesterPageService({
      db,
      requests: repos.requests,
      desk: deskRequestsRepo(db),
      audit: repos.audit,
      outbox: repos.outbox,
      messages: messagesRepo(db),
      links: requestLinksRepo(db),
      clock,
      onQueued: deps.mailQueued,
      deskEmail: config.deskEmail,
      conditionsVersion: deps.legal.conditionsVersion,
      rateCard: deps.rateCard,
      secret: deps.sessionSecret,
    }),
    deskQueue: deskQueueService({
      db,
      clock,
      overdueWorkingDays: config.overdueWorkingDays,
      options: formOptions('en'),
    }),
    deskRequests: deskRequestService({
      db,
      requests: repos.requests,
      outbox: repos.outbox,
      audit: repos.audit,
      clock,
      onQueued: deps.mailQueued,
      deskEmail: config.deskEmail,
      conditionsVersion: deps.legal.conditionsVersion,
    }),
    mailStatus: mailStatusService({ outbox: repos.outbox, clock }),
    signIn: signInService({
      db,
      users: repos.users,
      audit: repos.audit,
      clock,
      scryptLog2N: config.passwordScryptLog2N,
    }),
    sessions: { store: deps.sessionStore, secret: deps.sessionSecret },
    deskSessions: deskSessions({ db, store: deps.sessionStore, audit: repos.audit, clock }),
    secondFactor: secondFactorService({
      db,
      factors: secondFactorsRepo(db),
      audit: repos.audit,
      sessions: deps.sessionStore,
      clock,
      publisherName: config.publisher.name,
    }),
    passkeys: passkeyService({
      db,
      passkeys: passkeysRepo(db),
      challenges,
      users: repos.users,
      audit: repos.audit,
      clock,
      publicBaseUrl: config.publicBaseUrl,
      publisherName: config.publisher.name,
    }),
    /** Single sign-on, when a provider is configured. */
    singleSignOn: config.oidc
      ? singleSignOnService({
          db,
          users: repos.users,
          identities: ssoIdentitiesRepo(db),
          challenges,
          audit: repos.audit,
          clock,
          provider: config.oidc,
          publicBaseUrl: config.publicBaseUrl,
        })
      : null,
    users: userAdmin({
      db,
      users: repos.users,
      audit: repos.audit,
      sessions: deps.sessionStore,
      scryptLog2N: config.passwordScryptLog2N,
      clock,
    }),
    exports: exportService({ db, databasePath: config.databasePath, clock, endingDays: config.licenceEndingDays }),
    personalData: personalDataService({ db, clock, retentionMonths: config.retentionMonths }),
    /** The licence conditions (each version) and the privacy notice, in each language. */
    legal: deps.legal,
    /** Prints a complete HTML document (the licence page) as an A4 PDF. */
    licencePdf: { print: (html: string) => deps.pdf.print(html), styles: printStyles },
    licenceList: licenceListService({ list: licenceListRepo(db), clock, endingDays: config.licenceEndingDays }),
    renewalForm: renewalFormService({ requests: repos.requests, desk: deskRequestsRepo(db), clock }),
    renewalReminders: renewalReminders({
      db,
      licences: licencesRepo(db),
      requests: repos.requests,
      outbox: repos.outbox,
      deskEmail: config.deskEmail,
      clock,
      onQueued: deps.mailQueued,
      days: config.renewalReminderDays,
    }),
    licenceCheck: licenceCheckService({ licences: licencesRepo(db), requests: repos.requests, clock }),
    health: healthService({ db, migrations: deps.migrations, storage }),
  };
}

export type Services = ReturnType<typeof createServices>;
