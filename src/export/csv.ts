// CSV as RFC 4180, UTF-8 with a byte-order mark so Excel reads Arabic and French as UTF-8. A text cell a
// spreadsheet would run as a formula is prefixed with a quote (OWASP "CSV Injection"). SQLite writes each
// line itself (docs/internals.md#export); text a person typed is always quoted, codes never need it.
import type { ExportColumn } from './columns.js';
import type { RowFormatter } from './formatter.js';

export const BOM = '\uFEFF';

/** = + - @ tab CR: the first characters a spreadsheet may run as a formula. */
const FORMULA_START_CODES = '61, 43, 45, 64, 9, 13';

/** The arguments of concat() that write one cell of `kind` from the SQL expression `sql`. */
function csvCellSql(sql: string, kind: ExportColumn['kind']): string {
  switch (kind) {
    case 'bool':
      return `CASE ${sql} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END`;
    case 'text':
      return `'"', iif(unicode(${sql}) IN (${FORMULA_START_CODES}), '''', NULL), replace(${sql}, '"', '""'), '"'`;
    case 'articles':
      // Starts with the article's number, so never like a formula; the subquery is written (and run) once.
      return `'"', replace(${sql}, '"', '""'), '"'`;
    default:
      // code, int, list: NULL is an empty cell (concat skips it).
      return sql;
  }
}

/** The SQL expression for a whole CSV line, CRLF included. */
export const csvLineSql = (columns: ExportColumn[]) =>
  `concat(${columns.map((column) => csvCellSql(column.sql, column.kind)).join(`, ',', `)}, char(13, 10))`;

/** One header cell (the column names are constants, but quote them properly all the same). */
const headerCell = (name: string) => (/[",\r\n]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name);

export function csvFormatter(columns: ExportColumn[]): RowFormatter {
  return {
    line: csvLineSql(columns),
    header: () => `${BOM}${columns.map((column) => headerCell(column.name)).join(',')}\r\n`,
    lead: '',
    separator: '',
    footer: () => '',
  };
}
