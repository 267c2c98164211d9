// The desk's workflow actions. Each is one write transaction holding the status change (through the
// domain's transition()), the fields it sets, its audit row (who, when, before, after) and the email to the
// requester in the outbox, in the request's language. The mail worker is woken only after the commit.
import { writeTransaction, type Db } from '../db/connection.js';
import type { AuditRepo } from '../db/repos/audit.js';
import type { Actor } from '../domain/accounts.js';
import type { OutboxRepo } from '../db/repos/outbox.js';
import type { RequestsRepo, StoredRequest } from '../db/repos/requests.js';
import type { DeskFields, DeskRequestsRepo } from '../db/repos/desk-requests.js';
import { transition, type Action } from '../domain/workflow.js';
import { AppError, notFound } from '../errors.js';
import { checkLicence, checkQuote, type LicenceInput, type QuoteInput } from './desk-checks.js';
import { licenceNumberFor } from '../domain/licence.js';

export interface DeskDeps {
  db: Db;
  requests: RequestsRepo;
  desk: DeskRequestsRepo;
  audit: AuditRepo;
  outbox: OutboxRepo;
  clock: () => Date;
  onQueued: () => void;
}

interface Step {
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  mail?: { template: string; params: Record<string, unknown> };
}

export function deskWorkflow(deps: DeskDeps) {
  type StepFor = (fields: DeskFields, licensingRequest: StoredRequest, now: string) => Step;
  function act(actor: Actor, id: number, action: Action, stepFor: StepFor) {
    const queued = writeTransaction(deps.db, () => {
      const fields = deps.desk.fields(id);
      const licensingRequest = deps.requests.findById(id);
      if (!fields || !licensingRequest) throw notFound();
      const to = transition(fields.status, action);
      const now = deps.clock().toISOString();
      if (!deps.desk.setStatus(id, fields.status, to, now)) {
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
      if (step.mail) {
        const { template, params } = step.mail;
        const recipient = licensingRequest.requester.email;
        deps.outbox.enqueue({ requestId: id, template, locale: licensingRequest.locale, recipient, params }, now);
      }
      return !!step.mail;
    });
    if (queued) deps.onQueued();
  }

  return {
    startReview: (actor: Actor, id: number) => act(actor, id, 'start_review', () => ({})),

    /** Sends the indicative quote as it is, or a final fee with its reason; the computed quote is never changed. */
    sendQuote(actor: Actor, id: number, input: QuoteInput) {
      act(actor, id, 'send_quote', (fields, licensingRequest, now) => {
        const quote = checkQuote(input, fields, now);
        deps.desk.setQuote(id, quote, now);
        const feeMinor = quote.finalFeeMinor ?? fields.quote_total_minor;
        return {
          before: {
            finalFeeMinor: fields.final_fee_minor,
            feeReason: fields.fee_reason,
            quoteValidUntil: fields.quote_valid_until,
          },
          after: {
            finalFeeMinor: quote.finalFeeMinor,
            feeReason: quote.feeReason,
            quoteValidUntil: quote.validUntil,
            indicativeMinor: fields.quote_total_minor,
          },
          mail: {
            template: 'quote_sent',
            params: { feeMinor, currency: licensingRequest.quote.currency, validUntil: quote.validUntil },
          },
        };
      });
    },

    license(actor: Actor, id: number, input: LicenceInput) {
      act(actor, id, 'license', (fields, licensingRequest, now) => {
        const licence = { ...checkLicence(input), number: licenceNumberFor(fields.reference) };
        deps.desk.setLicence(id, licence, now);
        const feeMinor = fields.final_fee_minor ?? fields.quote_total_minor;
        const { number, start, end, creditLine, linkBack } = licence;
        return {
          after: { licenceNumber: number, start, end, creditLine, linkBack, feeMinor },
          mail: {
            template: 'licence_confirmation',
            params: {
              licenceNumber: number,
              start,
              end,
              creditLine,
              linkBack,
              feeMinor,
              currency: licensingRequest.quote.currency,
            },
          },
        };
      });
    },

    decline(actor: Actor, id: number, reasonRaw: string) {
      const reason = reasonRaw.trim().slice(0, 2000) || null;
      act(actor, id, 'decline', (_fields, _licensingRequest, now) => {
        deps.desk.setDecline(id, reason, now);
        return { after: { declineReason: reason }, mail: { template: 'decline', params: { reason } } };
      });
    },

    withdraw: (actor: Actor, id: number, reasonRaw: string) =>
      act(actor, id, 'withdraw', () => ({ after: { reason: reasonRaw.trim().slice(0, 2000) || null } })),

    markSpam: (actor: Actor, id: number) => act(actor, id, 'mark_spam', () => ({})),
  };
}
