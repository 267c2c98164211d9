// JSON (one array) and NDJSON (one object per line). Keys nest on the dots of the column names, so a
// record has the shape of the API's request document; values are typed and carried unchanged (no formula
// neutralising). SQLite writes each record with json_object(), as it writes CSV lines (./csv.ts).
import type { ExportColumn } from './columns.js';
import type { RowFormatter } from './formatter.js';

/** One value of `kind` as json_object() should embed it. */
function jsonValueSql(sql: string, kind: ExportColumn['kind']): string {
  switch (kind) {
    case 'bool':
      return `CASE ${sql} WHEN 1 THEN json('true') WHEN 0 THEN json('false') END`;
    case 'list':
      // Space-separated ISO codes (letters only, so nothing to escape) → ["GB","FR"]; none → [].
      return `CASE WHEN coalesce(${sql}, '') = '' THEN json_array()
        ELSE json('["' || replace(${sql}, ' ', '","') || '"]') END`;
    case 'articles':
      return `json(coalesce(${sql}, '[]'))`;
    default:
      return sql;
  }
}

/** json_object(…) for one record, nesting "a.b" column names as {"a": {"b": …}} in column order. */
function jsonRecordSql(columns: ExportColumn[]): string {
  const groups = new Map<string, string[]>();
  for (const column of columns) {
    const [head, ...rest] = column.name.split('.');
    const value = jsonValueSql(column.sql, column.kind);
    if (!groups.has(head)) groups.set(head, []);
    groups.get(head)!.push(rest.length ? `'${rest.join('.')}', ${value}` : value);
  }
  const members = [...groups].map(([key, parts]) => {
    const nested = !columns.some((column) => column.name === key);
    return `'${key}', ${nested ? `json_object(${parts.join(', ')})` : parts[0]}`;
  });
  return `json_object(${members.join(', ')})`;
}

export function jsonFormatter(columns: ExportColumn[]): RowFormatter {
  return {
    line: jsonRecordSql(columns),
    header: () => '[',
    lead: '\n',
    separator: ',\n',
    footer: (rows) => (rows === 0 ? ']\n' : '\n]\n'),
  };
}

export function ndjsonFormatter(columns: ExportColumn[]): RowFormatter {
  return {
    line: `${jsonRecordSql(columns)} || char(10)`,
    header: () => '',
    lead: '',
    separator: '',
    footer: () => '',
  };
}
