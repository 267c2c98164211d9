// Retention: requests closed (licensed, declined, withdrawn, spam) more than RETENTION_MONTHS ago lose their
// personal data, keeping what accounting needs. Work goes in batches of short write transactions, so the form
// keeps taking submissions during a large first run; each request and the run are audited.
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

/** A retention run in short write transactions: the service yields between them, the command line just loops. */
function retentionRun(db: Db, options: RetentionOptions) {
  const repo = retentionRepo(db);
  const audit = auditRepo(db);
  const { months, actor } = options;
  const cutoff = retentionCutoff(options.now, months);
  const at = options.now.toISOString();
  const result: RetentionResult = {
    cutoff,
    months,
    dryRun: !!options.dryRun,
    byStatus: {},
    total: 0,
    emailsCancelled: 0,
  };
  const active = months > 0 && !options.dryRun;
  if (months > 0 && options.dryRun) {
    result.byStatus = repo.countDue(cutoff);
    result.total = Object.values(result.byStatus).reduce((sum, count) => sum + count, 0);
  }
  return {
    /** Anonymises one batch; false when nothing was left to do. */
    step(): boolean {
      if (!active) return false;
      return writeTransaction(db, () => {
        const batch = repo.candidates(cutoff, options.batchSize ?? 500);
        for (const candidate of batch) {
          const outcome = repo.anonymise(candidate.id, at);
          if (!outcome) continue;
          const { emailsCancelled } = outcome;
          result.byStatus[candidate.status] = (result.byStatus[candidate.status] ?? 0) + 1;
          result.total++;
          result.emailsCancelled += emailsCancelled;
          audit.record({
            actor,
            action: 'request.anonymise',
            subjectType: 'request',
            subjectId: candidate.id,
            at,
            after: { reason: 'retention', fields: PERSONAL_FIELDS, closed: candidate.closed, emailsCancelled },
          });
        }
        return batch.length > 0;
      });
    },
    finish(): RetentionResult {
      if (active && result.total > 0) {
        result.walCheckpointed = repo.purgeResidue();
        const { total: anonymised, byStatus, emailsCancelled } = result;
        writeTransaction(db, () =>
          audit.record({
            actor,
            action: 'retention.run',
            subjectType: 'retention',
            subjectId: null,
            at,
            after: { cutoff, months, anonymised, byStatus, emailsCancelled },
          }),
        );
      }
      return result;
    },
  };
}

/** Runs retention to the end without yielding (the command line, tests). */
export function runRetention(db: Db, options: RetentionOptions): RetentionResult {
  const run = retentionRun(db, options);
  while (run.step());
  return run.finish();
}

/** Runs retention in batches of 100, yielding to the event loop between them (inside the service). */
export async function runRetentionInService(db: Db, options: RetentionOptions): Promise<RetentionResult> {
  const run = retentionRun(db, { batchSize: 100, ...options });
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
