// One status change on a request, whoever makes it: a write transaction holding the change (through the domain's
// transition()), the fields it sets, its audit row (who, when, before, after) and its emails in the outbox. The mail
// worker is woken only after the commit.
import crypto from 'node:crypto';
import { writeTransaction, type Db } from '../db/connection.js';
import type { AuditRepo } from '../db/repos/audit.js';
import type { OutboxRepo } from '../db/repos/outbox.js';
import type { RequestsRepo } from '../db/repos/requests.js';
import type { DeskFields, DeskRequestsRepo } from '../db/repos/desk-requests.js';
import type { Actor } from '../domain/accounts.js';
import type { StoredRequest } from '../domain/request.js';
import { REQUESTER_ACTIONS, transition, type Action, type RequesterAction } from '../domain/workflow.js';
import { AppError, notFound } from '../errors.js';

export interface TransitionDeps {
  db: Db;
  requests: RequestsRepo;
  desk: DeskRequestsRepo;
  audit: AuditRepo;
  outbox: OutboxRepo;
  clock: () => Date;
  onQueued: () => void;
  deskEmail: string;
  /** The licence conditions now in force (config/documents/conditions): what an acceptance or a licence records. */
  conditionsVersion: string;
}

/** An email a change sends: to the requester (in the request's language) or to the desk (in English). */
export interface StepMail {
  to: 'requester' | 'desk';
  template: string;
  params: Record<string, unknown>;
}

interface Step {
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  mails?: StepMail[];
}

export type StepFor = (fields: DeskFields, licensingRequest: StoredRequest, now: string) => Step;

/** Queues a change's emails inside the caller's transaction. */
export function queueMails(
  deps: Pick<TransitionDeps, 'outbox' | 'deskEmail'>,
  licensingRequest: StoredRequest,
  mails: StepMail[],
  now: string,
) {
  for (const { to, template, params } of mails) {
    const toDesk = to === 'desk';
    deps.outbox.enqueue(
      {
        requestId: licensingRequest.id,
        template,
        locale: toDesk ? 'en' : licensingRequest.locale,
        recipient: toDesk ? deps.deskEmail : licensingRequest.requester.email,
        params,
      },
      now,
    );
  }
}

export function requestTransitions(deps: TransitionDeps) {
  return function act(actor: Actor, id: number, action: Action | RequesterAction, stepFor: StepFor) {
    const by = (REQUESTER_ACTIONS as readonly string[]).includes(action) ? 'requester' : 'desk';
    const queued = writeTransaction(deps.db, () => {
      const fields = deps.desk.fields(id);
      const licensingRequest = deps.requests.findById(id);
      if (!fields || !licensingRequest) throw notFound();
      const to = transition(fields.status, action);
      const now = deps.clock().toISOString();
      if (!deps.desk.setStatus(id, fields.status, to, now, by)) {
        const message = 'Someone else changed this request just now. Reload the page and try again.';
        throw new AppError(409, 'conflict', message);
      }
      const step = stepFor(fields, licensingRequest, now);
      deps.audit.record({
        actor,
        action: `request.${action}`,
        subjectType: 'request',
        subjectId: id,
        at: now,
        before: { status: fields.status, ...step.before },
        after: { status: to, ...step.after },
      });
      queueMails(deps, licensingRequest, step.mails ?? [], now);
      return (step.mails ?? []).length > 0;
    });
    if (queued) deps.onQueued();
  };
}

/** A licence's verification code: 80 random bits as 20 hex digits, so licence numbers alone verify nothing. */
export const newLicenceCode = (): string => crypto.randomBytes(10).toString('hex');
