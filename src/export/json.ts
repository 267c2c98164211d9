// JSON (one array) and NDJSON (one object per line). Keys nest on the dots of the
// column names, so a record has the shape of the API's request document
// ({requester: {name, …}, usage: {…}, …}); values are typed (numbers, booleans,
// null, arrays) and carried unchanged: no formula neutralising here.
import type { ExportColumn } from './columns.js';
import type { RowFormatter } from './formatter.js';

type Record_ = Record<string, unknown>;

function converter(columns: ExportColumn[]) {
  const paths = columns.map((c) => c.name.split('.'));
  const kinds = columns.map((c) => c.kind);
  const value = (v: unknown, kind: ExportColumn['kind']): unknown => {
    if (v === null || v === undefined) return kind === 'articles' ? [] : kind === 'list' ? [] : null;
    switch (kind) {
      case 'bool':
        return v === 1 || v === 1n || v === true;
      case 'list':
        return String(v) === '' ? [] : String(v).split(' ');
      case 'articles':
        return JSON.parse(String(v)) as unknown;
      case 'int':
        return typeof v === 'bigint' ? Number(v) : v;
      default:
        return v;
    }
  };
  return (values: unknown[]): Record_ => {
    const out: Record_ = {};
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i];
      let target = out;
      for (let j = 0; j < path.length - 1; j++) target = (target[path[j]] ??= {}) as Record_;
      target[path[path.length - 1]] = value(values[i], kinds[i]);
    }
    return out;
  };
}

export function jsonFormatter(columns: ExportColumn[]): RowFormatter {
  const toRecord = converter(columns);
  return {
    header: () => '[',
    row: (values, index) => `${index === 0 ? '\n' : ',\n'}${JSON.stringify(toRecord(values))}`,
    footer: (rows) => (rows === 0 ? ']\n' : '\n]\n'),
  };
}

export function ndjsonFormatter(columns: ExportColumn[]): RowFormatter {
  const toRecord = converter(columns);
  return {
    header: () => '',
    row: (values) => `${JSON.stringify(toRecord(values))}\n`,
    footer: () => '',
  };
}
