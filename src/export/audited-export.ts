// An export as admins run it: streamed, then written to the audit log with who, when, the format, the
// filters and the row count. An export cut short (the browser went away, the disk filled) is recorded too.
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

interface ExportRecord {
  actor: Actor;
  at: string;
  format: ExportFormat;
  filters: ExportFilters;
  rows: number;
  completed: boolean;
  destination: string;
}

function recordExport(db: Db, record: ExportRecord) {
  const { actor, at, format, filters, rows, completed, destination } = record;
  writeTransaction(db, () =>
    auditRepo(db).record({
      actor,
      action: 'export',
      subjectType: 'export',
      subjectId: null,
      after: { format, filters, rows, completed, destination },
      at,
    }),
  );
}

export async function auditedExport(options: AuditedExport, out: Writable): Promise<number> {
  const { db, actor, clock, destination, ...stream } = options;
  const base = { actor, format: options.format, filters: options.filters, destination };
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
