// What every export format provides: text before the first row, one row as text,
// and text after the last. Rows arrive as arrays in column order (raw mode).
import type { ExportColumn } from './columns.js';
import { csvFormatter } from './csv.js';
import { jsonFormatter, ndjsonFormatter } from './json.js';

export const FORMATS = ['csv', 'json', 'ndjson'] as const;
export type ExportFormat = (typeof FORMATS)[number];

export interface RowFormatter {
  header(): string;
  row(values: unknown[], index: number): string;
  footer(rows: number): string;
}

export const MEDIA_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

export function formatterFor(format: ExportFormat, columns: ExportColumn[]): RowFormatter {
  if (format === 'csv') return csvFormatter(columns);
  return format === 'json' ? jsonFormatter(columns) : ndjsonFormatter(columns);
}

/** The articles expression differs: readable text in CSV, a JSON array in the JSON formats. */
export const sqlFlavour = (format: ExportFormat) => (format === 'csv' ? 'text' : 'json') as 'text' | 'json';
