// CSV as RFC 4180 (comma, CRLF, double quotes doubled), UTF-8 with a byte-order
// mark so Excel reads Arabic and French text as UTF-8. A text cell that a
// spreadsheet would run as a formula (first character = + - @ tab or CR) is
// prefixed with a single quote, as the OWASP "CSV Injection" page advises; the
// JSON formats carry such values unchanged.
//
// SQLite writes each row's line itself (one concat() per row): handing ~45 values
// per row to JavaScript and joining them there cost three times as much as reading
// one finished string (bench/export-1m.ts). Text a person typed is always quoted;
// codes, numbers and booleans never need it (see ColumnKind).
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
  `concat(${columns.map((c) => csvCellSql(c.sql, c.kind)).join(`, ',', `)}, char(13, 10))`;

/** One header cell (the column names are constants, but quote them properly all the same). */
const headerCell = (name: string) => (/[",\r\n]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name);

export function csvFormatter(columns: ExportColumn[]): RowFormatter {
  return {
    line: csvLineSql(columns),
    header: () => `${BOM}${columns.map((c) => headerCell(c.name)).join(',')}\r\n`,
    lead: '',
    separator: '',
    footer: () => '',
  };
}
