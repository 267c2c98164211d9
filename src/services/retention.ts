// Retention: requests closed (licensed, declined, withdrawn, spam) more than
// RETENTION_MONTHS ago lose their personal data, keeping what accounting needs.
// Work goes in batches of short write transactions, so the form keeps taking
// submissions during a large first run; each request and the run are audited.
import type { Db } from '../db/connection.js';
import { writeTransaction } from '../db/connection.js';
import { auditRepo, type Actor } from '../db/repos/audit.js';
import { PERSONAL_FIELDS, retentionRepo } from '../db/repos/retention.js';

export interface RetentionOptions {
  months: number;
  now: Date;
  actor: Actor;
  dryRun?: boolean;
  batchSize?: number;
}

export interface RetentionResult {
  /** Requests closed before this instant are due. */
  cutoff: string;
  months: number;
  dryRun: boolean;
  /** Due (dry run) or anonymised requests, by status. */
  byStatus: Record<string, number>;
  total: number;
  emailsCancelled: number;
}

/** `now` minus whole calendar months, UTC; the 31st becomes the last day of a shorter month. */
export function retentionCutoff(now: Date, months: number): string {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() - months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const d = new Date(now);
  d.setUTCDate(1);
  d.setUTCFullYear(y, m, Math.min(now.getUTCDate(), lastDay));
  return d.toISOString();
}

export function runRetention(db: Db, opts: RetentionOptions): RetentionResult {
  const repo = retentionRepo(db);
  const audit = auditRepo(db);
  const cutoff = retentionCutoff(opts.now, opts.months);
  const result: RetentionResult = {
    cutoff, months: opts.months, dryRun: !!opts.dryRun, byStatus: {}, total: 0, emailsCancelled: 0,
  };
  if (opts.months <= 0) return result;
  if (opts.dryRun) {
    result.byStatus = repo.countDue(cutoff);
    result.total = Object.values(result.byStatus).reduce((a, b) => a + b, 0);
    return result;
  }
  const at = opts.now.toISOString();
  for (;;) {
    const done = writeTransaction(db, () => {
      const batch = repo.candidates(cutoff, opts.batchSize ?? 500);
      for (const c of batch) {
        const outcome = repo.anonymise(c.id, at);
        if (!outcome) continue;
        result.byStatus[c.status] = (result.byStatus[c.status] ?? 0) + 1;
        result.total++;
        result.emailsCancelled += outcome.emailsCancelled;
        audit.record({
          actor: opts.actor, action: 'request.anonymise', subjectType: 'request', subjectId: c.id, at,
          after: { reason: 'retention', fields: PERSONAL_FIELDS, closed: c.closed, emailsCancelled: outcome.emailsCancelled },
        });
      }
      return batch.length;
    });
    if (done === 0) break;
  }
  if (result.total > 0) {
    repo.purgeResidue();
    writeTransaction(db, () =>
      audit.record({
        actor: opts.actor, action: 'retention.run', subjectType: 'retention', subjectId: null, at,
        after: { cutoff, months: opts.months, anonymised: result.total, byStatus: result.byStatus, emailsCancelled: result.emailsCancelled },
      }),
    );
  }
  return result;
}
