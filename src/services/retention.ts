// Retention: requests closed (licensed, declined, withdrawn, spam) more than
// RETENTION_MONTHS ago lose their personal data, keeping what accounting needs.
// Work goes in batches of short write transactions, so the form keeps taking
// submissions during a large first run; each request and the run are audited.
import type { Db } from '../db/connection.js';
import { writeTransaction } from '../db/connection.js';
import { auditRepo } from '../db/repos/audit.js';
import type { Actor } from '../domain/accounts.js';
import { addMonthsUtc } from '../domain/dates.js';
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
  /** After anonymising: false when a reader (Litestream) deferred the WAL checkpoint. */
  walCheckpointed?: boolean;
}

/** `now` minus whole calendar months, UTC; the 31st becomes the last day of a shorter month. */
export const retentionCutoff = (now: Date, months: number): string => addMonthsUtc(now, -months).toISOString();

/**
 * A retention run as steps of one short write transaction each, so that the
 * service can yield to the event loop between them (requests keep being served
 * while years of backlog are anonymised) and the command line can simply loop.
 */
function retentionRun(db: Db, opts: RetentionOptions) {
  const repo = retentionRepo(db);
  const audit = auditRepo(db);
  const cutoff = retentionCutoff(opts.now, opts.months);
  const at = opts.now.toISOString();
  const result: RetentionResult = {
    cutoff, months: opts.months, dryRun: !!opts.dryRun, byStatus: {}, total: 0, emailsCancelled: 0,
  };
  const active = opts.months > 0 && !opts.dryRun;
  if (opts.months > 0 && opts.dryRun) {
    result.byStatus = repo.countDue(cutoff);
    result.total = Object.values(result.byStatus).reduce((a, b) => a + b, 0);
  }
  return {
    /** Anonymises one batch; false when nothing was left to do. */
    step(): boolean {
      if (!active) return false;
      return writeTransaction(db, () => {
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
        return batch.length > 0;
      });
    },
    finish(): RetentionResult {
      if (active && result.total > 0) {
        result.walCheckpointed = repo.purgeResidue();
        writeTransaction(db, () =>
          audit.record({
            actor: opts.actor, action: 'retention.run', subjectType: 'retention', subjectId: null, at,
            after: { cutoff, months: opts.months, anonymised: result.total, byStatus: result.byStatus, emailsCancelled: result.emailsCancelled },
          }),
        );
      }
      return result;
    },
  };
}

/** Runs retention to the end without yielding (the command line, tests). */
export function runRetention(db: Db, opts: RetentionOptions): RetentionResult {
  const run = retentionRun(db, opts);
  while (run.step());
  return run.finish();
}

/** Runs retention in batches of 100, yielding to the event loop between them (inside the service). */
export async function runRetentionInService(db: Db, opts: RetentionOptions): Promise<RetentionResult> {
  const run = retentionRun(db, { batchSize: 100, ...opts });
  while (run.step()) await new Promise<void>((resolve) => setImmediate(resolve));
  return run.finish();
}

/** What the export page says of retention: the setting, the cutoff, how many requests are due. */
export function retentionStatus(db: Db, months: number, now: Date) {
  if (months <= 0) return { months, cutoff: null, due: 0 };
  const cutoff = retentionCutoff(now, months);
  const due = Object.values(retentionRepo(db).countDue(cutoff)).reduce((sum, count) => sum + count, 0);
  return { months, cutoff: cutoff.slice(0, 10), due };
}
