// CSV as RFC 4180 (comma, CRLF, double quotes doubled), UTF-8 with a byte-order
// mark so Excel reads Arabic and French text as UTF-8. A text cell that a
// spreadsheet would run as a formula (first character = + - @ tab or CR) is
// prefixed with a single quote, as the OWASP "CSV Injection" page advises; the
// JSON formats carry such values unchanged.
import type { ExportColumn } from './columns.js';
import type { RowFormatter } from './formatter.js';

export const BOM = '\uFEFF';

const NEEDS_QUOTES = /[",\r\n]/;

/** = + - @ tab CR, by character code: this runs for every text cell of every row. */
const startsLikeFormula = (c: number) => c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13;

/** One CSV cell from a text value: neutralised, then quoted when RFC 4180 requires it. */
export function csvText(value: string): string {
  const safe = startsLikeFormula(value.charCodeAt(0)) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

type Cell = (value: unknown) => string;
const boolCell: Cell = (v) => (v === null || v === undefined ? '' : v ? 'true' : 'false');
const numberCell: Cell = (v) => (v === null || v === undefined ? '' : String(v));
const textCell: Cell = (v) =>
  v === null || v === undefined ? '' : typeof v === 'string' ? csvText(v) : String(v);

const cellFor = (kind: ExportColumn['kind']): Cell => (kind === 'bool' ? boolCell : kind === 'int' ? numberCell : textCell);

export const csvCell = (value: unknown, kind: ExportColumn['kind']): string => cellFor(kind)(value);

export function csvFormatter(columns: ExportColumn[]): RowFormatter {
  // One function per column, chosen once: the row loop then does no kind dispatch.
  const cells = columns.map((c) => cellFor(c.kind));
  const n = cells.length;
  return {
    header: () => `${BOM}${columns.map((c) => csvText(c.name)).join(',')}\r\n`,
    row(values: unknown[]) {
      let line = cells[0](values[0]);
      for (let i = 1; i < n; i++) line += `,${cells[i](values[i])}`;
      return `${line}\r\n`;
    },
    footer: () => '',
  };
}
