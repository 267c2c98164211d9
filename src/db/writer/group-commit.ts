// The one write path for new licensing requests: a request, its articles, its outbox messages and its
// idempotency key are stored in one transaction, or not at all. Requests that reach the writer in the same
// turn of the event loop share one COMMIT, each in a SAVEPOINT of its own, and a caller hears its outcome
// only after that COMMIT has returned. See docs/internals.md#group-commit.
import type { Db } from '../connection.js';
import { writeTransaction } from '../connection.js';
import type { RequestsRepo, NewRequest } from '../repos/requests.js';
import type { OutboxRepo } from '../repos/outbox.js';
import { IDEMPOTENCY_WINDOW_MS, type IdempotencyRepo } from '../repos/idempotency.js';

/** An email to queue with the request, as the submit service decided. */
export interface EmailToQueue {
  template: string;
  locale: string;
  recipient: string;
  /** Skipped when this many acknowledgements went to the recipient since `since` (counted in the same transaction). */
  unlessAcksSince?: { count: number; since: string };
}

export interface WriteCommand extends NewRequest {
  emails: EmailToQueue[];
  idempotency?: { key: string; bodyHash: string };
}

export type WriteResult =
  { kind: 'created'; id: number; reference: string } | { kind: 'replayed'; id: number; sameBody: boolean };

/** A batch larger than this is flushed at once rather than waiting for the next turn. */
const MAX_BATCH = 64;

export interface WriterOptions {
  maxBatch?: number;
  /** Called after each COMMIT with the number of requests it carried (for metrics and the bench). */
  onBatch?: (size: number) => void;
}

interface Pending {
  command: WriteCommand;
  now: Date;
  resolve: (result: WriteResult) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: WriteResult } | { ok: false; error: unknown };

/** What the service writes requests through: this module's writer, or the same on a thread (./writer-thread.ts). */
export interface RequestWriter {
  /** Resolves once the writer can write (its thread, if it has one, has opened the database); rejects if it cannot. */
  ready(): Promise<void>;
  /** Queues the request for the next batch; resolves once it is committed (or replayed). */
  write(command: WriteCommand, now: Date): Promise<WriteResult>;
  /** How many requests are waiting for their COMMIT. */
  waiting(): number;
  /** Writes what is queued now; then the service may close the database. */
  close(): Promise<void>;
}

export function requestWriter(
  db: Db,
  repos: { requests: RequestsRepo; outbox: OutboxRepo; idempotency: IdempotencyRepo },
  options: WriterOptions = {},
): RequestWriter {
  const { requests, outbox, idempotency } = repos;
  const maxBatch = Math.max(1, options.maxBatch ?? MAX_BATCH);
  const queue: Pending[] = [];
  let scheduled = false;

  /** One request's rows; a nested transaction, i.e. a SAVEPOINT inside the batch's transaction. */
  const writeOne = db.transaction((command: WriteCommand, now: Date): WriteResult => {
    const key = command.idempotency;
    if (key) {
      // Sees keys written earlier in the same batch: same connection, same transaction.
      const seen = idempotency.lookup(key.key, now);
      if (seen) return { kind: 'replayed', id: seen.requestId, sameBody: seen.bodyHash === key.bodyHash };
    }
    const { id, reference } = requests.insert(command);
    for (const { template, locale, recipient, unlessAcksSince: cap } of command.emails) {
      if (cap && outbox.countRecentAcksTo(recipient, cap.since) >= cap.count) continue;
      outbox.enqueue({ requestId: id, template, locale, recipient }, command.now);
    }
    if (key) idempotency.remember(key.key, id, key.bodyHash, command.now);
    return { kind: 'created', id, reference };
  });

  /** Keys live 24 h; once an hour, the expired ones are deleted in the batch's transaction. */
  let lastPurgeMs = 0;
  function forgetExpiredKeys(now: Date) {
    if (now.getTime() - lastPurgeMs < 3_600_000) return;
    lastPurgeMs = now.getTime();
    idempotency.purgeOlderThan(new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS));
  }

  function flush() {
    scheduled = false;
    const batch = queue.splice(0, maxBatch);
    if (queue.length) schedule();
    if (!batch.length) return;
    let outcomes: Outcome[];
    try {
      outcomes = writeTransaction(db, () => {
        forgetExpiredKeys(batch[0]!.now);
        return batch.map((pending): Outcome => {
          try {
            return { ok: true, value: writeOne(pending.command, pending.now) };
          } catch (error) {
            // Some errors (disk full, I/O) make SQLite roll back the whole transaction:
            // then nothing in this batch is stored, and every caller must hear so.
            if (!db.inTransaction) throw error;
            return { ok: false, error };
          }
        });
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    // Only now, after COMMIT returned, does any caller learn its outcome.
    options.onBatch?.(batch.length);
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  }

  return {
    write(command: WriteCommand, now: Date): Promise<WriteResult> {
      return new Promise<WriteResult>((resolve, reject) => {
        queue.push({ command, now, resolve, reject });
        if (queue.length >= maxBatch) flush();
        else schedule();
      });
    },
    ready: () => Promise.resolve(),
    waiting: () => queue.length,
    close(): Promise<void> {
      while (queue.length) flush();
      return Promise.resolve();
    },
  };
}
