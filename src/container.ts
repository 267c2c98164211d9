// Builds the service's parts from their dependencies, with no I/O beyond the database handle and files passed
// in, so tests can build as many as they like: the repositories, the request writer, the mail worker, and the
// services the HTTP layer calls.
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { pagesLeft, type Db } from './db/connection.js';
import { requestsRepo } from './db/repos/requests.js';
import { outboxRepo } from './db/repos/outbox.js';
import { idempotencyRepo } from './db/repos/idempotency.js';
import { settingsRepo } from './db/repos/settings.js';
import { auditRepo } from './db/repos/audit.js';
import { usersRepo } from './db/repos/users.js';
import { SqliteSessionStore } from './db/session-store.js';
import { createRequestWriter, type WriterOptions } from './db/writer/index.js';
import { readMigrations } from './db/migrate.js';
import { loadRateCard } from './validation/rate-card-file.js';
import type { RateCard } from './domain/quote-types.js';
import { createValidators, type Validators } from './validation/ajv.js';
import { createViews } from './views.js';
import { outboxWorker } from './mail/outbox-worker.js';
import { webhookWorker } from './webhooks/worker.js';
import { webhooksRepo } from './db/repos/webhooks.js';
import type { MailTransport } from './mail/transport.js';
import { formTokens } from './services/form-tokens.js';
import { createMetrics } from './services/metrics.js';
import { messagesRepo } from './db/repos/messages.js';
import { chromiumPdf, printStyles } from './pdf/chromium-pdf.js';
import { hasLicence, printableLicence } from './documents/licence-document.js';
import { loadLegalTexts } from './documents/legal-texts.js';
import { deskRequestsRepo } from './db/repos/desk-requests.js';
import { createServices } from './services/services.js';
import { roomIn, storageCondition } from './storage-condition.js';

export interface ContainerDeps {
  config: Readonly<Config>;
  db: Db;
  transport: MailTransport;
  logger: Logger;
  clock?: () => Date;
  rateCard?: RateCard;
  validators?: Validators;
  /** Options of the writer when it runs on this thread (WRITER_THREAD=0), e.g. a probe counting its batches. */
  writerOptions?: WriterOptions;
}

export function createContainer(deps: ContainerDeps) {
  const { config, db, logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  const rateCard = deps.rateCard ?? loadRateCard(config.rateCardPath);
  const validators = deps.validators ?? createValidators();
  const views = createViews(config.env === 'production');
  const messageIdDomain = new URL(config.publicBaseUrl).hostname || 'reprise.local';

  const databaseDir = config.databasePath === ':memory:' ? undefined : path.dirname(config.databasePath);
  const storage = storageCondition({
    logger: logger.child({ component: 'storage' }),
    clock,
    folders: { database: databaseDir, mail: config.smtpUrl ? undefined : config.mailDir },
    // A lowered max_page_count makes SQLite answer "full" on a roomy disk too.
    hasRoom: { database: () => roomIn(databaseDir) && pagesLeft(db) >= 64 },
  });

  const repos = {
    requests: requestsRepo(db),
    outbox: outboxRepo(db, messageIdDomain),
    idempotency: idempotencyRepo(db),
    settings: settingsRepo(db),
    audit: auditRepo(db),
    users: usersRepo(db),
  };
  const sessionStore = new SqliteSessionStore(db, config.sessionIdleMinutes * 60_000, storage);
  const writer = createRequestWriter({
    db,
    databasePath: config.databasePath,
    onThread: config.writerThread,
    messageIdDomain,
    repos,
    logger: logger.child({ component: 'writer' }),
    options: deps.writerOptions,
  });
  const pdf = chromiumPdf(config.chromiumPath);
  const legal = loadLegalTexts(config.documentsDir);
  const worker = outboxWorker({
    outbox: repos.outbox,
    transport: deps.transport,
    clock,
    logger: logger.child({ component: 'outbox' }),
    busy: () => writer.waiting() > 0,
    storage,
    mail: {
      views,
      mailFrom: config.mailFrom,
      deskEmail: config.deskEmail,
      publicBaseUrl: config.publicBaseUrl,
      findRequest: repos.requests.findById,
      findMessage: messagesRepo(db).find,
      licencePdf: async (requestId: number) => {
        const licensed = repos.requests.findById(requestId);
        const fields = deskRequestsRepo(db).fields(requestId);
        if (!licensed || !fields || !hasLicence(fields) || !pdf.available()) return undefined;
        const html = printableLicence(views, config, legal, licensed, fields, printStyles());
        return { filename: `${fields.licence_number}.pdf`, content: await pdf.print(html) };
      },
    },
  });
  const webhooks = webhookWorker({
    db,
    repo: webhooksRepo(db),
    clock,
    logger: logger.child({ component: 'webhooks' }),
    publicBaseUrl: config.publicBaseUrl,
    allowPrivate: config.webhooksAllowPrivate,
  });
  const services = createServices({
    config,
    db,
    clock,
    rateCard,
    validators,
    repos,
    writer,
    storage,
    sessionStore,
    mailQueued: () => worker.kick(),
    sessionSecret: config.sessionSecret ?? repos.settings.secret('session_secret'),
    formTokens: formTokens(config.formSecret ?? repos.settings.secret('form_token_secret'), config.formMinFillSeconds),
    migrations: readMigrations(),
    pdf,
    legal,
  });

  return {
    config,
    db,
    clock,
    logger,
    rateCard,
    views,
    repos,
    writer,
    worker,
    webhooks,
    storage,
    metrics: createMetrics(repos.outbox, storage, clock),
    services,
    pdf,
  };
}

export type Container = ReturnType<typeof createContainer>;
