// The daily retention run inside the service (./periodic-job.ts): once shortly after start, then every 24 hours.
import type { Logger } from 'pino';
import type { Db } from '../db/connection.js';
import { SYSTEM } from '../domain/accounts.js';
import { runRetentionInService } from './retention.js';
import type { StorageCondition } from '../storage-condition.js';
import { periodicJob } from './periodic-job.js';

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
  const job = periodicJob({
    name: 'retention run',
    logger: deps.logger,
    storage: deps.storage,
    firstRunDelayMs: deps.firstRunDelayMs,
    intervalMs: deps.intervalMs ?? 24 * 60 * 60_000,
    run: async () => {
      const result = await runRetentionInService(deps.db, { months: deps.months, now: deps.clock(), actor: SYSTEM });
      if (result.total > 0) {
        const { cutoff, total: anonymised, byStatus, walCheckpointed } = result;
        deps.logger.info({ cutoff, anonymised, byStatus, walCheckpointed }, 'retention run');
      }
      return result;
    },
  });
  return { ...job, start: () => (deps.months > 0 ? job.start() : undefined) };
}
