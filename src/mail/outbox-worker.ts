// Delivers the outbox: claims up to BATCH due messages, sends them at the same time and writes their
// outcomes in one transaction (at-least-once: a crash before that write resends, same Message-IDs).
// Transient failures come back with backoff; while submissions wait to be written the worker pauses
// between batches; a full mail folder or database slows it down. See docs/internals.md#outbox.
import type { Logger } from 'pino';
import type { DeliveryOutcome, OutboxRepo, OutboxRow } from '../db/repos/outbox.js';
import { renderMessage, UnrenderableMessage, WITH_LICENCE_PDF, type MailContext } from './templates.js';
import { describeFailure, isPermanentFailure, type MailTransport } from './transport.js';
import { storageCondition, type StorageCondition } from '../storage-condition.js';

export const MAX_ATTEMPTS = 40;
const FIRST_RETRY_MS = 20_000;
const MAX_BACKOFF_MS = 10 * 60_000;
const SEND_TIMEOUT_MS = 60_000;
const IDLE_POLL_MS = 5_000;
const BATCH = 10;
const YIELD_MS = 100;
const STORAGE_RETRY_MS = 5_000;

/** Delay before attempt n+1: 20 s, 40 s, 80 s … capped at 10 min, ±20 % jitter (never above the cap). */
export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.min(MAX_BACKOFF_MS, Math.round(base * (0.8 + 0.4 * random())));
}

export interface WorkerDeps {
  outbox: OutboxRepo;
  transport: MailTransport;
  mail: MailContext;
  clock: () => Date;
  logger: Logger;
  /** True while the service has submissions waiting to be written: mail gives way to them. */
  busy?: () => boolean;
  /** Told when the mail folder or the database is out of space, and when the mail folder has room again. */
  storage?: StorageCondition;
}

export function outboxWorker(deps: WorkerDeps) {
  const storage = deps.storage ?? storageCondition({ logger: deps.logger });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  /** A batch whose outcomes the database refused (out of space): written before anything new is claimed. */
  let unrecorded: { rows: OutboxRow[]; outcomes: DeliveryOutcome[] } | undefined;
  let started = false;
  /** No batch starts before this time (ms), so that a kick() does not cut a pause short. */
  let notBefore = 0;

  const withTimeout = <T>(sending: Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const fail = () => reject(new Error(`Send timed out after ${SEND_TIMEOUT_MS / 1000} s`));
      const timeout = setTimeout(fail, SEND_TIMEOUT_MS);
      sending.then(resolve, reject).finally(() => clearTimeout(timeout));
    });

  /** The licence PDF for its email; without one (no Chromium, a failed print) the email goes with its links alone. */
  async function licencePdf(requestId: number) {
    try {
      return await deps.mail.licencePdf?.(requestId);
    } catch (err) {
      deps.logger.warn({ err, requestId }, 'licence email sent without its PDF');
      return undefined;
    }
  }

  /** Sends one message; the outcome is written later, with the rest of its batch. */
  async function deliver(row: OutboxRow): Promise<DeliveryOutcome> {
    try {
      const message = renderMessage(deps.mail, row);
      if (WITH_LICENCE_PDF.includes(row.template) && row.request_id !== null) {
        const pdf = await licencePdf(row.request_id);
        if (pdf) message.attachments = [{ ...pdf, contentType: 'application/pdf' }];
      }
      await withTimeout(deps.transport.send(message));
      storage.wrote('mail');
      return { id: row.id, kind: 'sent' };
    } catch (err) {
      const reason = describeFailure(err);
      // Due again at once: while the folder is full, the worker's own pace decides when it is tried.
      if (storage.refuseQuietly('mail', err, 'mail file')) {
        return { id: row.id, kind: 'postponed', at: deps.clock(), reason };
      }
      if (err instanceof UnrenderableMessage || isPermanentFailure(err) || row.attempts >= MAX_ATTEMPTS) {
        return { id: row.id, kind: 'failed', reason };
      }
      return { id: row.id, kind: 'retry', at: new Date(deps.clock().getTime() + backoffMs(row.attempts)), reason };
    }
  }

  function report(row: OutboxRow, outcome: DeliveryOutcome) {
    const log = deps.logger.child({ outboxId: row.id, template: row.template, attempt: row.attempts });
    if (outcome.kind === 'sent') log.info('mail sent');
    else if (outcome.kind === 'failed') log.warn({ reason: outcome.reason }, 'mail failed');
    else if (outcome.kind === 'retry') log.warn({ reason: outcome.reason }, 'mail will be retried');
    // 'postponed': the storage condition logs the full mail folder, once.
  }

  async function recordAndReport(rows: OutboxRow[], outcomes: DeliveryOutcome[]) {
    unrecorded = { rows, outcomes };
    await deps.outbox.record(outcomes, deps.clock());
    unrecorded = undefined;
    rows.forEach((row, i) => report(row, outcomes[i]!));
  }

  /** Claims and delivers one batch; resolves to how many rows it handled. */
  async function runOnce(): Promise<number> {
    if (running) return running;
    running = (async () => {
      if (unrecorded) await recordAndReport(unrecorded.rows, unrecorded.outcomes);
      // While the mail folder is full, one message finds out whether it has room again.
      const rows = await deps.outbox.claimDue(deps.clock(), storage.full('mail') ? 1 : BATCH);
      const outcomes = await Promise.all(rows.map(deliver));
      if (rows.length) await recordAndReport(rows, outcomes);
      return rows.length;
    })().finally(() => (running = undefined));
    return running;
  }

  function schedule(delayMs: number) {
    if (!started) return;
    clearTimeout(timer);
    timer = setTimeout(tick, Math.max(0, delayMs));
    timer.unref();
  }

  async function tick() {
    try {
      const handled = await runOnce();
      if (storage.full('mail')) {
        notBefore = Date.now() + STORAGE_RETRY_MS; // new mail (kick) does not hurry the next try either
        return schedule(STORAGE_RETRY_MS);
      }
      if (handled > 0) {
        const pause = deps.busy?.() ? YIELD_MS : 0;
        notBefore = Date.now() + pause;
        return schedule(pause);
      }
      const next = deps.outbox.nextDueAt();
      const wait = next ? Date.parse(next) - deps.clock().getTime() : IDLE_POLL_MS;
      schedule(Math.min(IDLE_POLL_MS, Math.max(50, wait)));
    } catch (err) {
      if (!storage.refuseQuietly('database', err, 'outbox bookkeeping')) {
        deps.logger.error({ err }, 'outbox worker error');
      }
      schedule(IDLE_POLL_MS);
    }
  }

  return {
    runOnce,
    start() {
      try {
        const released = deps.outbox.releaseAllClaims(deps.clock());
        if (released) deps.logger.info({ released }, 'released messages claimed before a restart');
      } catch (err) {
        // On a full disk the service still starts: stale claims are taken again after CLAIM_TIMEOUT_MS.
        if (!storage.refuseQuietly('database', err, 'releasing claims at start')) throw err;
      }
      started = true;
      schedule(0);
    },
    /** New mail was queued: look now rather than at the next poll. */
    kick() {
      if (started && !running) schedule(notBefore - Date.now());
    },
    /** Stops polling and waits for the send in progress to finish. */
    async stop() {
      started = false;
      clearTimeout(timer);
      if (running) await running.catch(() => undefined);
    },
  };
}
