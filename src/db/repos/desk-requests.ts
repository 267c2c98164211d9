// What the desk reads and writes about one request beyond the requester's own fields: its desk fields,
// the workflow's status changes (each guarded by the status it expects, inside the caller's write
// transaction), possible duplicates, and putting a failed email back in the outbox.
import type { Db } from '../connection.js';
import { CLOSED, type Status } from '../../domain/workflow.js';

export interface DeskFields {
  id: number;
  reference: string;
  status: Status;
  final_fee_minor: number | null;
  fee_reason: string | null;
  quote_total_minor: number | null;
  currency: string;
  quote_sent_at: string | null;
  quote_valid_until: string | null;
  licence_number: string | null;
  licence_start: string | null;
  licence_end: string | null;
  credit_line: string | null;
  link_back: string | null;
  licensed_at: string | null;
  declined_at: string | null;
  decline_reason: string | null;
  closed_at: string | null;
  last_action_at: string | null;
  accepted_at: string | null;
  accepted_name: string | null;
  accepted_conditions_version: string | null;
  accepted_amount_minor: number | null;
  closed_by: 'desk' | 'requester' | null;
  licensed_automatically: 0 | 1;
  unanswered_since: string | null;
  licence_code: string | null;
  licence_conditions_version: string | null;
  licence_revoked_at: string | null;
  licence_revoke_reason: string | null;
  licence_version: number | null;
  licence_issued_at: string | null;
  renews_request_id: number | null;
  renewal_reminded_at: string | null;
}

export interface Acceptance {
  name: string;
  conditionsVersion: string;
  amountMinor: number | null;
}

export interface DuplicateRow {
  reference: string;
  status: Status;
  created_at: string;
  requester_email: string;
  org_name: string;
  url: string;
}

export interface QuoteChange {
  finalFeeMinor: number | null;
  feeReason: string | null;
  validUntil: string;
}
export interface LicenceChange {
  number: string;
  start: string;
  end: string;
  creditLine: string;
  linkBack: string;
  /** The verification code printed on the licence (20 hex digits). */
  code: string;
  conditionsVersion: string;
}

export function deskRequestsRepo(db: Db) {
  const fields = db.prepare(`SELECT id, reference, status, final_fee_minor, fee_reason, quote_total_minor, currency,
    quote_sent_at, quote_valid_until, licence_number, licence_start, licence_end, credit_line, link_back, licensed_at,
    declined_at, decline_reason, closed_at, last_action_at, accepted_at, accepted_name, accepted_conditions_version,
    accepted_amount_minor, closed_by, licensed_automatically, unanswered_since, licence_code, licence_conditions_version,
    licence_revoked_at, licence_revoke_reason, licence_version, licence_issued_at, renews_request_id,
    renewal_reminded_at FROM requests WHERE id = ?`);
  const revoke = db.prepare(`UPDATE requests SET licence_revoked_at = @now, licence_revoke_reason = @reason,
    last_action_at = @now, updated_at = @now
    WHERE id = @id AND status = 'licensed' AND licence_revoked_at IS NULL`);
  const setStatus = db.prepare(`UPDATE requests SET status = @to, last_action_at = @now, updated_at = @now,
    closed_at = CASE WHEN @closes THEN @now ELSE closed_at END,
    closed_by = CASE WHEN @closes THEN @by ELSE closed_by END
    WHERE id = @id AND status = @from`);
  const setAcceptance = db.prepare(`UPDATE requests SET accepted_at = @now, accepted_name = @name,
    accepted_conditions_version = @conditionsVersion, accepted_amount_minor = @amountMinor WHERE id = @id`);
  const setQuote = db.prepare(`UPDATE requests SET final_fee_minor = @fee, fee_reason = @reason, quote_sent_at = @now,
    quote_valid_until = @validUntil WHERE id = @id`);
  const setLicence = db.prepare(`UPDATE requests
    SET licence_number = @number, licence_start = @start, licence_end = @end, credit_line = @creditLine,
      link_back = @linkBack, licensed_at = @now, licensed_automatically = @automatically,
      licence_code = @code, licence_conditions_version = @conditionsVersion, licence_version = 1,
      licence_issued_at = @now
    WHERE id = @id`);
  const setDecline = db.prepare('UPDATE requests SET decline_reason = @reason, declined_at = @now WHERE id = @id');
  const touch = db.prepare('UPDATE requests SET last_action_at = @now, updated_at = @now WHERE id = @id');
  const duplicates = db.prepare(`SELECT r.reference, r.status, r.created_at, r.requester_email, r.org_name,
      MIN(other.url) AS url
    FROM request_articles mine
    JOIN request_articles other ON other.url = mine.url AND other.request_id <> mine.request_id
    JOIN requests r ON r.id = other.request_id
    WHERE mine.request_id = @id AND r.created_at BETWEEN @from AND @to
      AND (lower(r.requester_email) = lower(@email) OR r.org_name = @org COLLATE NOCASE)
    GROUP BY r.id ORDER BY r.created_at DESC LIMIT 20`);
  const requeue = db.prepare(`UPDATE outbox
    SET status = 'queued', attempts = 0, next_attempt_at = @now, claimed_at = NULL
    WHERE id = @id AND request_id = @requestId AND status = 'failed'`);

  return {
    fields: (id: number) => fields.get(id) as DeskFields | undefined,
    /** False when the request is no longer in `from` (someone else acted first). */
    setStatus: (id: number, from: Status, to: Status, now: string, by: 'desk' | 'requester' = 'desk') =>
      setStatus.run({ id, from, to, now, by, closes: CLOSED.includes(to) ? 1 : 0 }).changes === 1,
    setAcceptance: (id: number, acceptance: Acceptance, now: string) => setAcceptance.run({ id, ...acceptance, now }),
    setQuote: (id: number, quote: QuoteChange, now: string) =>
      setQuote.run({ id, fee: quote.finalFeeMinor, reason: quote.feeReason, validUntil: quote.validUntil, now }),
    setLicence: (id: number, licence: LicenceChange, now: string, automatically = false) =>
      setLicence.run({ id, ...licence, now, automatically: automatically ? 1 : 0 }),
    setDecline: (id: number, reason: string | null, now: string) => setDecline.run({ id, reason, now }),
    touch: (id: number, now: string) => touch.run({ id, now }),
    /** False when the request holds no licence, or it was already revoked. */
    revokeLicence: (id: number, reason: string, now: string) => revoke.run({ id, reason, now }).changes === 1,
    /** Requests from the same email or organisation for one of the same article URLs within 30 days either side. */
    duplicates(request: { id: number; createdAt: string; email: string; org: string }): DuplicateRow[] {
      const at = Date.parse(request.createdAt);
      const days30 = 30 * 86_400_000;
      return duplicates.all({
        id: request.id,
        email: request.email,
        org: request.org,
        from: new Date(at - days30).toISOString(),
        to: new Date(at + days30).toISOString(),
      }) as DuplicateRow[];
    },
    requeueFailed: (id: number, requestId: number, now: string) => requeue.run({ id, requestId, now }).changes === 1,
  };
}

export type DeskRequestsRepo = ReturnType<typeof deskRequestsRepo>;
