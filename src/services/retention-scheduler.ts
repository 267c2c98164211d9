// The daily retention run inside the service: once shortly after start (so a service restarted every night
// still runs it), then every 24 hours, on timers that never hold the process open. A failed run is logged
// and tried again at the next tick.
import type { Logger } from 'pino';
import type { Db } from '../db/connection.js';
import { SYSTEM } from '../domain/accounts.js';
import { runRetentionInService, type RetentionResult } from './retention.js';
import type { StorageCondition } from '../storage-condition.js';

export interface RetentionSchedulerDeps {
  db: Db;
  months: number;
  clock: () => Date;
  logger: Logger;
  firstRunDelayMs?: number;
  intervalMs?: number;
  storage?: StorageCondition;
}

export function retentionScheduler(deps: RetentionSchedulerDeps) {
  const interval = deps.intervalMs ?? 24 * 60 * 60_000;
  let timer: NodeJS.Timeout | null = null;
  let stopped = true;

  const runOnce = async (): Promise<RetentionResult | null> => {
    try {
      const result = await runRetentionInService(deps.db, { months: deps.months, now: deps.clock(), actor: SYSTEM });
      if (result.total > 0) {
        const { cutoff, total: anonymised, byStatus, walCheckpointed } = result;
        deps.logger.info({ cutoff, anonymised, byStatus, walCheckpointed }, 'retention run');
      }
      return result;
    } catch (err) {
      if (!deps.storage?.refuse('database', err, 'retention run', deps.logger)) {
        deps.logger.error({ err }, 'retention run failed; will try again at the next run');
      }
      return null;
    }
  };

  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      void runOnce().then(() => schedule(interval));
    }, delay);
    timer.unref();
  };

  return {
    runOnce,
    start() {
      if (deps.months <= 0 || !stopped) return;
      stopped = false;
      schedule(deps.firstRunDelayMs ?? 60_000);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
