// Anonymising requests: the personal fields of a request replaced by a marker, the emails still waiting
// for that person cancelled, and the person's address removed from the outbox. Used by the retention run
// and by erasure on request; call inside a write transaction.
import { checkpointWithoutWaiting, type Db } from '../connection.js';
import { CLOSED } from '../../domain/workflow.js';

/** What stands in place of erased personal data, in every personal field that held something. */
export const ERASED = '[erased]';

/** The personal fields of a request. Everything else (organisation, articles, usage, fees, licence, dates) is kept. */
export const PERSONAL_FIELDS = [
  'requester_name',
  'requester_email',
  'requester_phone',
  'requester_job_title',
  'message',
] as const;

interface Candidate {
  id: number;
  reference: string;
  status: string;
  closed: string;
}

/** The closed statuses as SQL, as migration 0014's partial index lists them (a test holds the two together). */
export const CLOSED_SQL = CLOSED.map((status) => `'${status}'`).join(', ');

// The index is named: without statistics the planner would rather scan a status index and sort.
// A licence's holder is its counterpart until it ends: counted from the licence's end, not its issue.
const CANDIDATES = `FROM requests INDEXED BY requests_retention
  WHERE anonymised_at IS NULL AND status IN (${CLOSED_SQL})
    AND coalesce(closed_at, updated_at) < @cutoff
    AND (licence_end IS NULL OR licence_end < substr(@cutoff, 1, 10))`;

export function retentionRepo(db: Db) {
  const candidates = db.prepare(
    `SELECT id, reference, status, coalesce(closed_at, updated_at) AS closed ${CANDIDATES}
     ORDER BY coalesce(closed_at, updated_at), id LIMIT @limit`,
  );
  const countByStatus = db.prepare(`SELECT status, COUNT(*) AS n ${CANDIDATES} GROUP BY status`);
  const byEmail = db.prepare(
    `SELECT id, reference, status, coalesce(closed_at, updated_at) AS closed FROM requests
     WHERE lower(requester_email) = lower(?) AND anonymised_at IS NULL ORDER BY id`,
  );
  const emailOf = db.prepare('SELECT requester_email FROM requests WHERE id = ? AND anonymised_at IS NULL').pluck();
  // NULL stays NULL: a field the person left empty had nothing to erase.
  const anonymise = db.prepare(`UPDATE requests SET
      requester_name = @marker,
      requester_email = @marker,
      requester_phone = CASE WHEN requester_phone IS NULL THEN NULL ELSE @marker END,
      requester_job_title = CASE WHEN requester_job_title IS NULL THEN NULL ELSE @marker END,
      message = CASE WHEN message IS NULL THEN NULL ELSE @marker END,
      accepted_name = CASE WHEN accepted_name IS NULL THEN NULL ELSE @marker END,
      decline_reason = CASE WHEN decline_reason IS NULL THEN NULL ELSE @marker END,
      licence_revoke_reason = CASE WHEN licence_revoke_reason IS NULL THEN NULL ELSE @marker END,
      anonymised_at = @now,
      updated_at = @now -- so the read API's "changed since" brings the erasure to its clients
    WHERE id = @id AND anonymised_at IS NULL`);
  // A message being sent right now ('sending') cannot be recalled; queued and failed ones (which staff
  // could retry) can.
  const cancelMail = db.prepare(`UPDATE outbox SET status = 'cancelled', last_error = 'cancelled: personal data erased',
      claimed_at = NULL WHERE request_id = ? AND lower(recipient) = lower(?) AND status IN ('queued', 'failed')`);
  const scrubRecipient = db.prepare(
    `UPDATE outbox SET recipient = @marker WHERE request_id = @id AND lower(recipient) = lower(@email)`,
  );
  // A server's answer often quotes the address ("550 <x@y> unknown"), on any of the request's messages.
  const scrubErrors = db.prepare(
    `UPDATE outbox SET last_error = replace(last_error, @email, @marker)
     WHERE request_id = @id AND instr(last_error, @email) > 0`,
  );
  // Staff notes are free text about the requester: they go with the personal data.
  const scrubNotes = db.prepare('UPDATE request_notes SET body = ? WHERE request_id = ?');
  // Messages with the desk, the signer's name, and the reasons and names some emails carry in their params.
  const scrubCorrections = db.prepare('UPDATE licence_versions SET reason = ? WHERE request_id = ?');
  const scrubMessages = db.prepare('UPDATE request_messages SET body = ? WHERE request_id = ?');
  const scrubParams = db.prepare(
    `UPDATE outbox SET params_json = json_remove(params_json, '$.signer', '$.reason') WHERE request_id = ?`,
  );
  const optimizeSearch = db.prepare(`INSERT INTO request_search (request_search) VALUES ('optimize')`);

  return {
    /** Closed requests whose closing date (and licence's end) is before `cutoff` (ISO), oldest first. */
    candidates: (cutoff: string, limit: number) => candidates.all({ cutoff, limit }) as Candidate[],
    countDue(cutoff: string): Record<string, number> {
      const rows = countByStatus.all({ cutoff }) as { status: string; n: number }[];
      return Object.fromEntries(rows.map((row) => [row.status, row.n]));
    },
    byEmail: (email: string) => byEmail.all(email) as Candidate[],
    /**
     * After anonymising, so the erased text leaves the search index's pages and the WAL: merges the index's
     * segments and checkpoints. False when a reader (Litestream) left the checkpoint to later.
     */
    purgeResidue(): boolean {
      optimizeSearch.run();
      return checkpointWithoutWaiting(db);
    },
    /** Anonymises one request; returns the number of emails cancelled, or null when it was already anonymised. */
    anonymise(id: number, now: string): { emailsCancelled: number } | null {
      const email = emailOf.get(id) as string | undefined;
      if (email === undefined) return null;
      const emailsCancelled = cancelMail.run(id, email).changes;
      scrubRecipient.run({ marker: ERASED, id, email });
      scrubErrors.run({ marker: ERASED, id, email });
      scrubNotes.run(ERASED, id);
      scrubMessages.run(ERASED, id);
      scrubCorrections.run(ERASED, id);
      scrubParams.run(id);
      anonymise.run({ marker: ERASED, now, id });
      return { emailsCancelled };
    },
  };
}
