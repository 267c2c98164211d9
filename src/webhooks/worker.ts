// Delivers webhooks: claims due deliveries, sends them at the same time, records each attempt. Retries come back with
// the email outbox's backoff (20 s doubling to 10 min, 40 attempts), or when the receiver's Retry-After says; 410
// Gone disables the endpoint. At least once: a stop before an attempt is recorded sends it again, same webhook-id.
import type { Logger } from 'pino';
import { writeTransaction, type Db } from '../db/connection.js';
import type { AttemptOutcome, DueDelivery, WebhooksRepo } from '../db/repos/webhooks.js';
import { backoffMs, MAX_ATTEMPTS } from '../mail/outbox-worker.js';
import { webhookBody } from './payload.js';
import { sendWebhook, sign, signingSecrets } from './send.js';

const POLL_MS = 2_000;
const BATCH = 10;
const MAX_RETRY_AFTER_S = 60 * 60;
const KEEP_DAYS = 30;
const PRUNE_EVERY_MS = 60 * 60_000;
/** Longer than any attempt can take (10 s): a claim this old was never recorded, and goes out again. */
const STALE_CLAIM_MS = 5 * 60_000;

export function webhookWorker(deps: {
  db: Db;
  repo: WebhooksRepo;
  clock: () => Date;
  logger: Logger;
  publicBaseUrl: string;
  allowPrivate: boolean;
}) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let started = false;
  let lastPrune = 0;

  async function attempt(delivery: DueDelivery): Promise<AttemptOutcome> {
    const body = webhookBody(delivery.format, delivery, deps.publicBaseUrl);
    const now = deps.clock();
    const timestamp = Math.floor(now.getTime() / 1000);
    const headers: Record<string, string> = { 'user-agent': 'Reprise-Webhooks/1' };
    if (delivery.format === 'standard') {
      headers['webhook-id'] = delivery.messageId;
      headers['webhook-timestamp'] = String(timestamp);
      // The newest first: receivers accept a message when any one of the signatures is theirs.
      headers['webhook-signature'] = signingSecrets(delivery, now)
        .map((secret) => sign(secret, delivery.messageId, timestamp, body))
        .join(' ');
    }
    const result = await sendWebhook(delivery.url, headers, body, deps.allowPrivate);
    const { status, durationMs } = result;
    if (status !== null && status >= 200 && status < 300) return { kind: 'delivered', status, durationMs };
    if (status === 410) return { kind: 'gone', status, durationMs };
    const error = result.error ?? `HTTP ${status}`;
    if (error.startsWith('Refused:') || delivery.attempts >= MAX_ATTEMPTS)
      return { kind: 'failed', status, error, durationMs };
    const waitMs =
      result.retryAfter !== undefined
        ? Math.min(result.retryAfter, MAX_RETRY_AFTER_S) * 1000
        : backoffMs(delivery.attempts);
    return { kind: 'retry', at: new Date(deps.clock().getTime() + waitMs).toISOString(), status, error, durationMs };
  }

  /** One batch: how many deliveries it attempted. */
  async function runOnce(): Promise<number> {
    const now = deps.clock();
    const stale = new Date(now.getTime() - STALE_CLAIM_MS).toISOString();
    // Hourly, busy or idle: a steady stream of deliveries must not keep old logs or a rotated-out secret forever.
    if (now.getTime() - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = now.getTime();
      deps.repo.pruneBefore(new Date(now.getTime() - KEEP_DAYS * 86_400_000).toISOString());
      deps.repo.forgetPreviousSecrets(now.toISOString());
    }
    const due = writeTransaction(deps.db, () => deps.repo.claimDue(now.toISOString(), BATCH, stale));
    if (!due.length) return 0;
    const outcomes = await Promise.all(due.map(attempt));
    writeTransaction(deps.db, () => {
      const at = deps.clock().toISOString();
      due.forEach((delivery, i) => {
        const outcome = outcomes[i];
        deps.repo.record(delivery.id, outcome, at);
        if (outcome.kind === 'gone') deps.repo.disable(delivery.endpointId, 'The receiver answered 410 Gone', at);
        if (outcome.kind !== 'delivered') {
          deps.logger.warn(
            { delivery: delivery.id, endpoint: delivery.endpointId, outcome: outcome.kind },
            'webhook not delivered',
          );
        }
      });
    });
    return due.length;
  }

  const schedule = (ms: number) => {
    if (!started) return;
    timer = setTimeout(() => {
      running = runOnce()
        .catch((err: unknown) => {
          deps.logger.error({ err }, 'webhook batch failed');
          return 0;
        })
        .finally(() => {
          running = undefined;
        });
      void running.then((count) => schedule(count === BATCH ? 0 : POLL_MS));
    }, ms);
    timer.unref();
  };

  return {
    runOnce,
    start() {
      if (started) return;
      started = true;
      deps.repo.releaseClaimed();
      schedule(0);
    },
    async stop() {
      started = false;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
