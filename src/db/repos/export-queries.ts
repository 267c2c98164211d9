// The export's queries, on the read-only connection. The column list is built
// from the constant definitions in src/export/columns.ts (never from input); the
// filters are bound parameters. Rows come in submission order, oldest first, so
// two exports of the same period list the same rows in the same order.
import type { Db } from '../connection.js';
import { exportColumns, type ExportColumn } from '../../export/columns.js';
import { filterParams, type ExportFilters } from '../../export/filters.js';

const WHERE = `WHERE (@from IS NULL OR r.created_at >= @from)
    AND (@before IS NULL OR r.created_at < @before)
    AND (@statuses IS NULL OR r.status IN (SELECT value FROM json_each(@statuses)))`;

/** The columns the `requests` table has in this database (desk columns arrive with their migration). */
export function requestColumns(db: Db): Set<string> {
  const rows = db.prepare(`SELECT name FROM pragma_table_info('requests')`).pluck().all() as string[];
  return new Set(rows);
}

export function exportQueries(db: Db, flavour: 'text' | 'json') {
  const columns: ExportColumn[] = exportColumns(requestColumns(db), flavour);
  const select = db
    .prepare(`SELECT ${columns.map((c) => c.sql).join(', ')} FROM requests r ${WHERE} ORDER BY r.created_at, r.id`)
    .raw(true);
  const count = db.prepare(`SELECT COUNT(*) FROM requests r ${WHERE}`).pluck();
  return {
    columns,
    /** Rows as arrays in column order; iterate, never .all(): an export must not be held in memory. */
    iterate: (filters: ExportFilters) => select.iterate(filterParams(filters)) as IterableIterator<unknown[]>,
    count: (filters: ExportFilters) => count.get(filterParams(filters)) as number,
  };
}
