// The desk's workflow actions. Each is one write transaction holding the status
// change (through the domain's transition()), the fields it sets, its audit row
// (who, when, before, after) and the email to the requester in the outbox, in the
// request's language. The worker is woken only after the commit.
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

export function deskWorkflow(d: DeskDeps) {
  function act(actor: Actor, id: number, action: Action, step: (f: DeskFields, r: StoredRequest, now: string) => Step) {
    const queued = writeTransaction(d.db, () => {
      const fields = d.desk.fields(id);
      const request = d.requests.findById(id);
      if (!fields || !request) throw notFound();
      const to = transition(fields.status, action);
      const now = d.clock().toISOString();
      if (!d.desk.setStatus(id, fields.status, to, now)) {
        throw new AppError(409, 'conflict', 'Someone else changed this request just now. Reload the page and try again.');
      }
      const s = step(fields, request, now);
      d.audit.record({
        actor, action: `request.${action}`, subjectType: 'request', subjectId: id, at: now,
        before: { status: fields.status, ...s.before },
        after: { status: to, ...s.after },
      });
      if (s.mail) {
        d.outbox.enqueue(
          { requestId: id, template: s.mail.template, locale: request.locale, recipient: request.requester.email, params: s.mail.params },
          now,
        );
      }
      return !!s.mail;
    });
    if (queued) d.onQueued();
  }

  return {
    startReview: (actor: Actor, id: number) => act(actor, id, 'start_review', () => ({})),

    /** Sends the indicative quote as it is, or a final fee with its reason; the computed quote is never changed. */
    sendQuote(actor: Actor, id: number, input: QuoteInput) {
      act(actor, id, 'send_quote', (f, r, now) => {
        const q = checkQuote(input, f, now);
        d.desk.setQuote(id, q, now);
        const feeMinor = q.finalFeeMinor ?? f.quote_total_minor;
        return {
          before: { finalFeeMinor: f.final_fee_minor, feeReason: f.fee_reason, quoteValidUntil: f.quote_valid_until },
          after: { finalFeeMinor: q.finalFeeMinor, feeReason: q.feeReason, quoteValidUntil: q.validUntil, indicativeMinor: f.quote_total_minor },
          mail: { template: 'quote_sent', params: { feeMinor, currency: r.quote.currency, validUntil: q.validUntil } },
        };
      });
    },

    license(actor: Actor, id: number, input: LicenceInput) {
      act(actor, id, 'license', (f, r, now) => {
        const l = { ...checkLicence(input), number: licenceNumberFor(f.reference) };
        d.desk.setLicence(id, l, now);
        const feeMinor = f.final_fee_minor ?? f.quote_total_minor;
        return {
          after: { licenceNumber: l.number, start: l.start, end: l.end, creditLine: l.creditLine, linkBack: l.linkBack, feeMinor },
          mail: {
            template: 'licence_confirmation',
            params: { licenceNumber: l.number, start: l.start, end: l.end, creditLine: l.creditLine, linkBack: l.linkBack, feeMinor, currency: r.quote.currency },
          },
        };
      });
    },

    decline(actor: Actor, id: number, reasonRaw: string) {
      const reason = reasonRaw.trim().slice(0, 2000) || null;
      act(actor, id, 'decline', (_f, _r, now) => {
        d.desk.setDecline(id, reason, now);
        return { after: { declineReason: reason }, mail: { template: 'decline', params: { reason } } };
      });
    },

    withdraw: (actor: Actor, id: number, reasonRaw: string) =>
      act(actor, id, 'withdraw', () => ({ after: { reason: reasonRaw.trim().slice(0, 2000) || null } })),

    markSpam: (actor: Actor, id: number) => act(actor, id, 'mark_spam', () => ({})),
  };
}
