// The email outbox. Enqueue happens inside the caller's transaction; the worker claims due rows in a
// transaction of its own, so two workers never send one row and a row claimed by a worker that died is
// taken again after CLAIM_TIMEOUT_MS. See docs/internals.md#outbox.
import crypto from 'node:crypto';
import { writeTransactionWhenFree, type Db } from '../connection.js';

export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'cancelled';

export interface OutboxRow {
  id: number;
  request_id: number | null;
  template: string;
  locale: string;
  recipient: string;
  params_json: string;
  message_id: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  claimed_at: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface NewMessage {
  requestId: number | null;
  template: string;
  locale: string;
  recipient: string;
  params?: Record<string, unknown>;
}

/** What became of one claimed message. */
export type DeliveryOutcome =
  | { id: number; kind: 'sent' }
  | { id: number; kind: 'retry'; at: Date; reason: string }
  /** Not the message's fault (our own disk is full): due again at `at`, the attempt not counted. */
  | { id: number; kind: 'postponed'; at: Date; reason: string }
  | { id: number; kind: 'failed'; reason: string };

/** A worker that claimed a row and vanished (crash, SIGKILL) releases it after this long. */
export const CLAIM_TIMEOUT_MS = 90_000;

/**
 * Queued messages due by @now and claims older than @staleBefore, earliest due first: the first @limit of
 * each kind, then of both, since one WHERE … OR … sorts the whole backlog (docs/internals.md#outbox).
 */
export const DUE_SQL = `SELECT * FROM (
    SELECT * FROM (SELECT * FROM outbox WHERE status = 'queued' AND next_attempt_at <= @now
                   ORDER BY next_attempt_at, id LIMIT @limit)
    UNION ALL
    SELECT * FROM (SELECT * FROM outbox WHERE status = 'sending' AND claimed_at <= @staleBefore
                   ORDER BY next_attempt_at, id LIMIT @limit)
  ) ORDER BY next_attempt_at, id LIMIT @limit`;

export function outboxRepo(db: Db, messageIdDomain: string) {
  const insert = db.prepare(`INSERT INTO outbox
    (request_id, template, locale, recipient, params_json, message_id, next_attempt_at, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const due = db.prepare(DUE_SQL);
  const claim = db.prepare(
    `UPDATE outbox SET status = 'sending', claimed_at = ?, attempts = attempts + 1 WHERE id = ?`,
  );
  const markSent = db.prepare(
    `UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ? AND status = 'sending'`,
  );
  const markRetry = db.prepare(
    `UPDATE outbox SET status = 'queued', next_attempt_at = ?, last_error = ?, claimed_at = NULL
     WHERE id = ? AND status = 'sending'`,
  );
  const markPostponed = db.prepare(
    `UPDATE outbox SET status = 'queued', next_attempt_at = ?, last_error = ?, claimed_at = NULL,
       attempts = attempts - 1
     WHERE id = ? AND status = 'sending'`,
  );
  const markFailed = db.prepare(
    `UPDATE outbox SET status = 'failed', last_error = ?, claimed_at = NULL WHERE id = ? AND status = 'sending'`,
  );
  const releaseAll = db.prepare(
    `UPDATE outbox SET status = 'queued', claimed_at = NULL, next_attempt_at = ? WHERE status = 'sending'`,
  );
  const forRequest = db.prepare('SELECT * FROM outbox WHERE request_id = ? ORDER BY id');
  // The template is written out so SQLite can read the partial index outbox_acks (migrations/0022).
  const recentAcksTo = db
    .prepare(
      `SELECT COUNT(*) FROM outbox
    WHERE lower(recipient) = lower(?) AND template = 'requester_ack' AND created_at > ?`,
    )
    .pluck();
  const needingAttention = db.prepare(`SELECT o.*, r.reference FROM outbox o LEFT JOIN requests r ON r.id = o.request_id
    WHERE o.status = 'failed' OR (o.status IN ('queued', 'sending') AND o.created_at <= ?)
    ORDER BY o.status = 'failed' DESC, o.created_at LIMIT ?`);
  const byId = db.prepare('SELECT * FROM outbox WHERE id = ?');
  const nextDue = db.prepare(`SELECT MIN(next_attempt_at) AS at FROM outbox WHERE status = 'queued'`);
  // Kept by triggers (migrations/0025): counting the table on every read would grow with it.
  const counts = db.prepare('SELECT status, n FROM outbox_status_counts');
  // Reads the queued range of outbox_due only: the backlog, not the history.
  const oldestQueued = db.prepare(`SELECT MIN(created_at) FROM outbox WHERE status = 'queued'`).pluck();

  return {
    /** Call inside the transaction that makes the change the message reports. */
    enqueue(message: NewMessage, now: string): number {
      // Time first, so each new id goes at the end of the UNIQUE index rather than on a random page.
      const messageId = `<${Date.now().toString(36).padStart(9, '0')}.${crypto.randomUUID()}@${messageIdDomain}>`;
      const { requestId, template, locale, recipient, params } = message;
      const info = insert.run(
        requestId,
        template,
        locale,
        recipient,
        JSON.stringify(params ?? {}),
        messageId,
        now,
        now,
      );
      return Number(info.lastInsertRowid);
    },
    /** Claims up to `limit` due rows and returns them; waits for the write lock on a timer, never asleep. */
    claimDue(now: Date, limit: number): Promise<OutboxRow[]> {
      const nowIso = now.toISOString();
      const staleBefore = new Date(now.getTime() - CLAIM_TIMEOUT_MS).toISOString();
      return writeTransactionWhenFree(db, () => {
        const rows = due.all({ now: nowIso, staleBefore, limit }) as OutboxRow[];
        for (const row of rows) claim.run(nowIso, row.id);
        return rows.map((row) => ({
          ...row,
          status: 'sending' as const,
          attempts: row.attempts + 1,
          claimed_at: nowIso,
        }));
      });
    },
    /** The outcomes of one delivered batch, in one transaction: one commit, not one per message. */
    record(outcomes: DeliveryOutcome[], now: Date): Promise<void> {
      const nowIso = now.toISOString();
      return writeTransactionWhenFree(db, () => {
        for (const outcome of outcomes) {
          const { id } = outcome;
          if (outcome.kind === 'sent') markSent.run(nowIso, id);
          else if (outcome.kind === 'retry') markRetry.run(outcome.at.toISOString(), outcome.reason, id);
          else if (outcome.kind === 'postponed') markPostponed.run(outcome.at.toISOString(), outcome.reason, id);
          else markFailed.run(outcome.reason, id);
        }
      });
    },
    /** At start-up: one process owns the database, so claims left by its previous process are released now. */
    releaseAllClaims: (now: Date) => releaseAll.run(now.toISOString()).changes,
    /** Failed messages, and messages still unsent after `queuedLongerThanMs`: what staff should look at. */
    needingAttention: (now: Date, queuedLongerThanMs: number, limit: number) =>
      needingAttention.all(new Date(now.getTime() - queuedLongerThanMs).toISOString(), limit) as (OutboxRow & {
        reference: string | null;
      })[],
    /** Acknowledgements queued for `recipient`, in any letter case, since `sinceIso` (the daily cap per address). */
    countRecentAcksTo: (recipient: string, sinceIso: string) => recentAcksTo.get(recipient, sinceIso) as number,
    forRequest: (requestId: number) => forRequest.all(requestId) as OutboxRow[],
    findById: (id: number) => byId.get(id) as OutboxRow | undefined,
    nextDueAt(): string | null {
      return (nextDue.get() as { at: string | null }).at;
    },
    /** How many messages are in each state. */
    counts(): Record<OutboxStatus, number> {
      const out: Record<OutboxStatus, number> = { queued: 0, sending: 0, sent: 0, failed: 0, cancelled: 0 };
      for (const row of counts.all() as { status: OutboxStatus; n: number }[]) out[row.status] = row.n;
      return out;
    },
    /** When the longest-waiting queued message was written, or null when none waits. */
    oldestQueuedAt: () => oldestQueued.get() as string | null,
  };
}

export type OutboxRepo = ReturnType<typeof outboxRepo>;
