// CSV as RFC 4180 (comma, CRLF, double quotes doubled), UTF-8 with a byte-order
// mark so Excel reads Arabic and French text as UTF-8. A text cell that a
// spreadsheet would run as a formula (first character = + - @ tab or CR) is
// prefixed with a single quote, as the OWASP "CSV Injection" page advises; the
// JSON formats carry such values unchanged.
import type { ExportColumn } from './columns.js';
import type { RowFormatter } from './formatter.js';

export const BOM = '\uFEFF';

const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV cell from a text value: neutralised, then quoted when RFC 4180 requires it. */
export function csvText(value: string): string {
  const safe = value.length > 0 && FORMULA_START.has(value[0]) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvCell(value: unknown, kind: ExportColumn['kind']): string {
  if (value === null || value === undefined) return '';
  if (kind === 'bool') return value ? 'true' : 'false';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return csvText(String(value));
}

export function csvFormatter(columns: ExportColumn[]): RowFormatter {
  const kinds = columns.map((c) => c.kind);
  const n = kinds.length;
  return {
    header: () => `${BOM}${columns.map((c) => csvText(c.name)).join(',')}\r\n`,
    row(values: unknown[]) {
      let line = csvCell(values[0], kinds[0]);
      for (let i = 1; i < n; i++) line += `,${csvCell(values[i], kinds[i])}`;
      return `${line}\r\n`;
    },
    footer: () => '',
  };
}
