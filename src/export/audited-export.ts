// An export as admins run it: streamed, then written to the audit log with who,
// when, the format, the filters and the row count. An export cut short (the
// browser went away, the disk filled) is recorded too, as incomplete.
import type { Writable } from 'node:stream';
import type { Db } from '../db/connection.js';
import { writeTransaction } from '../db/connection.js';
import { auditRepo } from '../db/repos/audit.js';
import { type Actor } from '../domain/accounts.js';
import type { ExportFilters } from './filters.js';
import type { ExportFormat } from './formatter.js';
import { ExportAborted, streamExport, type ExportOptions } from './stream.js';

export interface AuditedExport extends ExportOptions {
  /** The service's read-write connection: the audit row is written there. */
  db: Db;
  actor: Actor;
  clock: () => Date;
  /** Where the data went: "download", "stdout" or a file path. */
  destination: string;
}

function recordExport(
  db: Db,
  e: { actor: Actor; at: string; format: ExportFormat; filters: ExportFilters; rows: number; completed: boolean; destination: string },
) {
  writeTransaction(db, () =>
    auditRepo(db).record({
      actor: e.actor,
      action: 'export',
      subjectType: 'export',
      subjectId: null,
      after: { format: e.format, filters: e.filters, rows: e.rows, completed: e.completed, destination: e.destination },
      at: e.at,
    }),
  );
}

export async function auditedExport(opts: AuditedExport, out: Writable): Promise<number> {
  const { db, actor, clock, destination, ...stream } = opts;
  const base = { actor, format: opts.format, filters: opts.filters, destination };
  try {
    const rows = await streamExport(stream, out);
    recordExport(db, { ...base, at: clock().toISOString(), rows, completed: true });
    return rows;
  } catch (err) {
    const rows = err instanceof ExportAborted ? err.rows : 0;
    recordExport(db, { ...base, at: clock().toISOString(), rows, completed: false });
    throw err;
  }
}
