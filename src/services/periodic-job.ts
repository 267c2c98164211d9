// A job the service runs on a timer: once shortly after start (so a service restarted every night still runs
// it), then at a fixed interval, on timers that never hold the process open. A failed run is logged and tried
// again at the next tick; a full disk is reported as such.
import type { Logger } from 'pino';
import type { StorageCondition } from '../storage-condition.js';

export interface PeriodicJobOptions<T> {
  name: string;
  run: () => Promise<T> | T;
  logger: Logger;
  intervalMs: number;
  firstRunDelayMs?: number;
  storage?: StorageCondition;
}

export function periodicJob<T>(options: PeriodicJobOptions<T>) {
  let timer: NodeJS.Timeout | null = null;
  let stopped = true;

  const runOnce = async (): Promise<T | null> => {
    try {
      return await options.run();
    } catch (err) {
      if (!options.storage?.refuse('database', err, options.name, options.logger)) {
        options.logger.error({ err }, `${options.name} failed; will try again at the next run`);
      }
      return null;
    }
  };

  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      void runOnce().then(() => schedule(options.intervalMs));
    }, delay);
    timer.unref();
  };

  return {
    runOnce,
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(options.firstRunDelayMs ?? 60_000);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
