// The daily digest of overdue requests for chat channels (and any endpoint that wants `overdue.digest`): once a day,
// at the first run from the configured hour (UTC), the count of requests awaiting the desk past the overdue limit and
// the oldest references, as one webhook event. Nothing is sent on a day with none overdue.
import { writeTransaction, type Db } from '../db/connection.js';
import type { WebhooksRepo } from '../db/repos/webhooks.js';
import { workingDaysBefore } from '../domain/overdue.js';

const LISTED = 10;

export function overdueDigest(deps: {
  db: Db;
  repo: WebhooksRepo;
  clock: () => Date;
  /** The hour (UTC, 0–23) from which the day's digest goes; null: never. */
  hour: number | null;
  overdueWorkingDays: number;
}) {
  return {
    /** The digest's event, when one is due now; the number of requests it names, or null when none was sent. */
    run(): number | null {
      const now = deps.clock();
      if (deps.hour === null || now.getUTCHours() < deps.hour) return null;
      const today = now.toISOString().slice(0, 10);
      return writeTransaction(deps.db, () => {
        if (deps.repo.digestSentSince(`${today}T00:00:00.000Z`)) return null;
        const before = workingDaysBefore(now, deps.overdueWorkingDays).toISOString();
        const overdue = deps.repo.overdue(before, LISTED);
        if (!overdue.count) return null;
        deps.repo.queueEvent('overdue.digest', { ...overdue, workingDays: deps.overdueWorkingDays }, now.toISOString());
        return overdue.count;
      });
    },
  };
}
