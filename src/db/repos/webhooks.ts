// Webhook endpoints and their deliveries. Events come from triggers (migration 0036); here the worker claims due
// deliveries, records each attempt, and the admin pages read the log.
import type { Db } from '../connection.js';

export interface WebhookEndpoint {
  id: number;
  url: string;
  format: 'standard' | 'chat';
  events: string;
  secret: string;
  /** After a rotation: the secret before, which signs too until previousSecretUntil. */
  previousSecret: string | null;
  previousSecretUntil: string | null;
  createdBy: string;
  createdAt: string;
  disabledAt: string | null;
  disabledReason: string | null;
}

/** A delivery with what its attempt needs: the endpoint and the event. */
export interface DueDelivery {
  id: number;
  messageId: string;
  attempts: number;
  endpointId: number;
  url: string;
  format: 'standard' | 'chat';
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: string | null;
  type: string;
  at: string;
  data: string;
}

interface DeliveryLogRow {
  id: number;
  type: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string;
}

export type AttemptOutcome =
  | { kind: 'delivered'; status: number; durationMs: number }
  | { kind: 'retry'; at: string; status: number | null; error: string; durationMs: number | null }
  | { kind: 'failed'; status: number | null; error: string; durationMs: number | null }
  /** 410 Gone: the receiver asks for nothing more; the endpoint is disabled. */
  | { kind: 'gone'; status: number; durationMs: number };

const ENDPOINT = `id, url, format, events, secret, previous_secret AS previousSecret,
  previous_secret_until AS previousSecretUntil, created_by AS createdBy, created_at AS createdAt,
  disabled_at AS disabledAt, disabled_reason AS disabledReason`;

export function webhooksRepo(db: Db) {
  const insertEndpoint = db.prepare(`INSERT INTO webhook_endpoints (url, format, events, secret, created_by, created_at)
    VALUES (@url, @format, @events, @secret, @createdBy, @at)`);
  const endpoints = db.prepare(`SELECT ${ENDPOINT} FROM webhook_endpoints ORDER BY disabled_at IS NOT NULL, id`);
  const endpoint = db.prepare(`SELECT ${ENDPOINT} FROM webhook_endpoints WHERE id = ?`);
  const disable = db.prepare(`UPDATE webhook_endpoints SET disabled_at = @at, disabled_reason = @reason
    WHERE id = @id AND disabled_at IS NULL`);
  const enable = db.prepare('UPDATE webhook_endpoints SET disabled_at = NULL, disabled_reason = NULL WHERE id = ?');
  const cancelPending = db.prepare(`UPDATE webhook_deliveries SET status = 'cancelled'
    WHERE endpoint_id = ? AND status IN ('pending', 'sending')`);
  const remove = db.prepare('DELETE FROM webhook_endpoints WHERE id = ?');
  // SET reads the row as it was: the current secret becomes the previous one, and an older previous one is dropped.
  const rotate = db.prepare(`UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = @until,
    secret = @secret WHERE id = @id AND format = 'standard'`);
  const forgetPrevious = db.prepare(`UPDATE webhook_endpoints SET previous_secret = NULL, previous_secret_until = NULL
    WHERE previous_secret_until <= ?`);
  const insertEvent = db.prepare(`INSERT INTO webhook_events (type, request_id, at, data_json) VALUES (?, NULL, ?, ?)`);
  const insertDelivery = db.prepare(`INSERT INTO webhook_deliveries (endpoint_id, event_id, next_attempt_at, created_at)
    VALUES (?, ?, ?, ?)`);
  const due =
    db.prepare(`SELECT d.id, d.message_id AS messageId, d.attempts, d.endpoint_id AS endpointId, e.url, e.format,
      e.secret, e.previous_secret AS previousSecret, e.previous_secret_until AS previousSecretUntil,
      v.type, v.at, v.data_json AS data
    FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id JOIN webhook_events v ON v.id = d.event_id
    WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND e.disabled_at IS NULL
    ORDER BY d.next_attempt_at, d.id LIMIT ?`);
  // A claim whose outcome was never written (a crash, a database too busy to take it) goes out again.
  const reclaim = db.prepare(`UPDATE webhook_deliveries SET status = 'pending', claimed_at = NULL
    WHERE status = 'sending' AND claimed_at < ?`);
  const claim = db.prepare(`UPDATE webhook_deliveries SET status = 'sending', claimed_at = ?, attempts = attempts + 1
    WHERE id = ? AND status = 'pending'`);
  const delivered = db.prepare(`UPDATE webhook_deliveries SET status = 'delivered', delivered_at = @at,
    last_status = @status, last_error = NULL, last_duration_ms = @durationMs WHERE id = @id AND status = 'sending'`);
  const retry = db.prepare(`UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = @next,
    last_status = @status, last_error = @error, last_duration_ms = @durationMs, claimed_at = NULL
    WHERE id = @id AND status = 'sending'`);
  const failed = db.prepare(`UPDATE webhook_deliveries SET status = 'failed', last_status = @status,
    last_error = @error, last_duration_ms = @durationMs WHERE id = @id AND status = 'sending'`);
  const release = db.prepare(
    `UPDATE webhook_deliveries SET status = 'pending', claimed_at = NULL WHERE status = 'sending'`,
  );
  const log =
    db.prepare(`SELECT d.id, v.type, d.status, d.attempts, d.last_status AS lastStatus, d.last_error AS lastError,
      d.last_duration_ms AS lastDurationMs, d.created_at AS createdAt, d.delivered_at AS deliveredAt,
      d.next_attempt_at AS nextAttemptAt
    FROM webhook_deliveries d JOIN webhook_events v ON v.id = d.event_id WHERE d.endpoint_id = ? ORDER BY d.id DESC LIMIT ?`);
  const digestSent = db.prepare(`SELECT 1 FROM webhook_events WHERE type = 'overdue.digest' AND at >= ? LIMIT 1`);
  // The desk's own overdue rule and index (src/db/repos/desk-queries.ts): awaiting the desk, no action since `before`.
  const overdueFrom = `FROM requests r INDEXED BY requests_waiting WHERE r.status IN ('new', 'in_review')
    AND r.created_at < @before AND COALESCE(r.last_action_at, r.created_at) < @before`;
  const overdueCount = db.prepare(`SELECT COUNT(*) FROM (SELECT 1 ${overdueFrom} LIMIT 10000)`).pluck();
  const overdueOldest = db
    .prepare(
      `SELECT r.reference ${overdueFrom} ORDER BY COALESCE(r.last_action_at, r.created_at), r.created_at LIMIT @limit`,
    )
    .pluck();
  const pruneDeliveries =
    db.prepare(`DELETE FROM webhook_deliveries WHERE status IN ('delivered', 'failed', 'cancelled')
    AND created_at < ?`);
  const pruneEvents = db.prepare(`DELETE FROM webhook_events WHERE at < ?
    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)`);

  return {
    addEndpoint: (row: Pick<WebhookEndpoint, 'url' | 'format' | 'events' | 'secret' | 'createdBy'> & { at: string }) =>
      Number(insertEndpoint.run(row).lastInsertRowid),
    endpoints: () => endpoints.all() as WebhookEndpoint[],
    endpoint: (id: number) => endpoint.get(id) as WebhookEndpoint | undefined,
    /** Disabled with its reason, its waiting deliveries cancelled; false when it was disabled already. */
    disable(id: number, reason: string, at: string) {
      if (disable.run({ id, reason, at }).changes === 0) return false;
      cancelPending.run(id);
      return true;
    },
    enable: (id: number) => enable.run(id).changes === 1,
    remove: (id: number) => remove.run(id).changes === 1,
    /** A standard endpoint's new secret; the one it replaces signs too until `until`. False for a chat endpoint. */
    rotateSecret: (id: number, secret: string, until: string) => rotate.run({ id, secret, until }).changes === 1,
    /** An event not tied to a request (the overdue digest): every endpoint that wants its type gets it. */
    queueEvent: (type: string, data: Record<string, unknown>, at: string) =>
      insertEvent.run(type, at, JSON.stringify(data)),
    digestSentSince: (at: string) => digestSent.get(at) !== undefined,
    /** How many requests are overdue (counted up to 10,000) and the `limit` that have waited longest. */
    overdue: (before: string, limit: number) => ({
      count: overdueCount.get({ before }) as number,
      references: overdueOldest.all({ before, limit }) as string[],
    }),
    /** A test event for one endpoint, whatever the events it wants. */
    queueTest(endpointId: number, data: Record<string, unknown>, at: string) {
      const event = Number(insertEvent.run('webhook.test', at, JSON.stringify(data)).lastInsertRowid);
      insertDelivery.run(endpointId, event, at, at);
    },
    /** Due deliveries, claimed: each is 'sending' and its attempt counted (call in a transaction). */
    claimDue(now: string, limit: number, staleBefore: string): DueDelivery[] {
      reclaim.run(staleBefore);
      const rows = due.all(now, limit) as DueDelivery[];
      return rows
        .filter((row) => claim.run(now, row.id).changes === 1)
        .map((row) => ({ ...row, attempts: row.attempts + 1 }));
    },
    record(id: number, outcome: AttemptOutcome, at: string) {
      if (outcome.kind === 'delivered')
        delivered.run({ id, at, status: outcome.status, durationMs: outcome.durationMs });
      else if (outcome.kind === 'retry')
        retry.run({
          id,
          next: outcome.at,
          status: outcome.status,
          error: outcome.error,
          durationMs: outcome.durationMs,
        });
      else if (outcome.kind === 'failed')
        failed.run({ id, status: outcome.status, error: outcome.error, durationMs: outcome.durationMs });
      else
        failed.run({
          id,
          status: outcome.status,
          error: 'Gone (410): the endpoint is disabled',
          durationMs: outcome.durationMs,
        });
    },
    /** Deliveries left 'sending' by a stop or a crash go out again (at least once; receivers dedupe by webhook-id). */
    releaseClaimed: () => release.run().changes,
    log: (endpointId: number, limit: number) => log.all(endpointId, limit) as DeliveryLogRow[],
    pruneBefore(at: string) {
      pruneDeliveries.run(at);
      pruneEvents.run(at);
    },
    /** Previous secrets whose window has closed are not kept. */
    forgetPreviousSecrets: (now: string) => forgetPrevious.run(now).changes,
  };
}

export type WebhooksRepo = ReturnType<typeof webhooksRepo>;
