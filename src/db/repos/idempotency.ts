// Idempotency keys: the API's Idempotency-Key header and the HTML form's token both land here, scoped
// so that a key answers only the body it was first used with.
import type { Db } from '../connection.js';

export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export function idempotencyRepo(db: Db) {
  const find = db.prepare('SELECT request_id, body_hash, created_at FROM idempotency_keys WHERE key = ?');
  const remove = db.prepare('DELETE FROM idempotency_keys WHERE key = ?');
  const insert = db.prepare(
    'INSERT INTO idempotency_keys (key, request_id, body_hash, created_at) VALUES (?, ?, ?, ?)',
  );
  const purge = db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?');

  return {
    /** The request a live key points at, or undefined; an expired key is forgotten. */
    lookup(key: string, now: Date): { requestId: number; bodyHash: string } | undefined {
      const row = find.get(key) as { request_id: number; body_hash: string; created_at: string } | undefined;
      if (!row) return undefined;
      if (Date.parse(row.created_at) < now.getTime() - IDEMPOTENCY_WINDOW_MS) {
        remove.run(key);
        return undefined;
      }
      return { requestId: row.request_id, bodyHash: row.body_hash };
    },
    remember: (key: string, requestId: number, bodyHash: string, now: string) =>
      insert.run(key, requestId, bodyHash, now),
    purgeOlderThan: (cutoff: Date) => purge.run(cutoff.toISOString()).changes,
  };
}

export type IdempotencyRepo = ReturnType<typeof idempotencyRepo>;
