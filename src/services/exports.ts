// Exports as the admin pages ask for them: filters checked from the form's values, how many requests match
// (read on a connection of its own), and the audited, streamed download.
import type { Writable } from 'node:stream';
import type { Db } from '../db/connection.js';
import { openDatabase } from '../db/connection.js';
import { exportCount } from '../db/repos/export-queries.js';
import type { Actor } from '../domain/accounts.js';
import { auditedExport } from '../export/audited-export.js';
import { exportFileName, parseFilters, parseFormat, type ExportFilters } from '../export/filters.js';
import { FORMATS, MEDIA_TYPES, type ExportFormat } from '../export/formatter.js';
import { todayUtc } from '../domain/dates.js';

export { ExportAborted } from '../export/stream.js';
export type { ExportFilters };

/** The export form's values as sent: a date range, any number of statuses and licence states, a format. */
export interface ExportQuery {
  from: string;
  to: string;
  status: string[];
  /** Licence states (active, ending, ended, revoked); empty: no licence filter. */
  licence: string[];
  format: string;
}

export interface ExportRequest {
  format: ExportFormat;
  filters: ExportFilters;
  fileName: string;
  mediaType: string;
}

export function exportService(deps: { db: Db; databasePath: string; clock: () => Date; endingDays: number }) {
  return {
    formats: FORMATS,
    /** Checks the form's values; an AppError (400) names what is wrong. */
    check(query: ExportQuery): ExportRequest {
      const format = parseFormat(query.format);
      const { from, to, status, licence } = query;
      const filters = parseFilters(
        { from, to, status, licence },
        { today: todayUtc(deps.clock()), endingDays: deps.endingDays },
      );
      return { format, filters, fileName: exportFileName(filters, format), mediaType: MEDIA_TYPES[format] };
    },
    count(filters: ExportFilters): number {
      const reader = openDatabase(deps.databasePath, { readonly: true });
      try {
        return exportCount(reader, filters);
      } finally {
        reader.close();
      }
    },
    /** Streams the export to `out` and records it in the audit log (also when cut short). */
    download(exportRequest: ExportRequest, actor: Actor, out: Writable): Promise<number> {
      const { format, filters } = exportRequest;
      const { db, databasePath, clock } = deps;
      return auditedExport(
        { db, databasePath, format, filters, service: true, actor, clock, destination: 'download' },
        out,
      );
    },
  };
}
