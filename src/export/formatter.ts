// What every export format provides: the SQL expression that writes one row (over `requests r`), and the
// text around and between rows. SQLite writes the rows, so the export loop only moves bytes (./stream.ts).
import { exportColumns } from './columns.js';
import { csvFormatter } from './csv.js';
import { jsonFormatter, ndjsonFormatter } from './json.js';

export const FORMATS = ['csv', 'json', 'ndjson'] as const;
export type ExportFormat = (typeof FORMATS)[number];

export interface RowFormatter {
  /** SQL for one row's text, built from the constant column definitions (never from input). */
  line: string;
  /** Text before everything, before the first row, between two rows, and after everything. */
  header(): string;
  lead: string;
  separator: string;
  footer(rows: number): string;
}

export const MEDIA_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/** The formatter for a database whose `requests` table has the `available` columns. */
export function formatterFor(format: ExportFormat, available: ReadonlySet<string>): RowFormatter {
  // The articles differ: readable text in CSV, a JSON array in the JSON formats.
  if (format === 'csv') return csvFormatter(exportColumns(available, 'text'));
  const columns = exportColumns(available, 'json');
  return format === 'json' ? jsonFormatter(columns) : ndjsonFormatter(columns);
}
