// The CSV writer on its own: SQLite builds each line (src/export/csv.ts), so these run
// the generated SQL over an in-memory table and read the result back with csv-parse:
// RFC 4180 quoting, OWASP formula neutralising, and a property test that any text
// survives the round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { BOM, csvFormatter, csvLineSql } from '../../src/export/csv.js';
import { exportColumns, schemaFieldOrder, SCHEMA_FIELDS } from '../../src/export/columns.js';
import type { ColumnKind, ExportColumn } from '../../src/export/columns.js';

const db = new Database(':memory:');
const columnsOf = (kinds: ColumnKind[]): ExportColumn[] =>
  kinds.map((kind, i) => ({ name: `c${i}`, sql: `r.c${i}`, kind, description: '' }));

/** The CSV lines SQLite writes for `rows` of values with these column kinds. */
function csvLines(kinds: ColumnKind[], rows: unknown[][]): string {
  const cols = kinds.map((_, i) => `c${i}`);
  const type = (k: ColumnKind) => (k === 'int' || k === 'bool' ? 'INTEGER' : 'TEXT'); // as in the requests table
  db.exec(`DROP TABLE IF EXISTS t; CREATE TABLE t (${cols.map((c, i) => `${c} ${type(kinds[i])}`).join(', ')})`);
  const insert = db.prepare(`INSERT INTO t VALUES (${cols.map(() => '?').join(', ')})`);
  for (const r of rows) insert.run(...r);
  return (
    db
      .prepare(`SELECT ${csvLineSql(columnsOf(kinds))} FROM t r ORDER BY rowid`)
      .pluck()
      .all() as string[]
  ).join('');
}
const cells = (kinds: ColumnKind[], values: unknown[]) => (parse(csvLines(kinds, [values])) as string[][])[0];

test('text cells beginning with = + - @ tab or carriage return are prefixed with a quote', () => {
  const values = ['=1+1', '+44 20 7946 0000', '-cmd', '@SUM(A1)', '\tx', '\rx', 'a=b', '', '=A1,"x"'];
  assert.deepEqual(
    cells(
      values.map(() => 'text'),
      values,
    ),
    ["'=1+1", "'+44 20 7946 0000", "'-cmd", "'@SUM(A1)", "'\tx", "'\rx", 'a=b', '', `'=A1,"x"`],
  );
});

test('RFC 4180: text is quoted, quotes doubled; commas and line breaks stay inside their cell', () => {
  const line = csvLines(['text', 'text', 'text', 'text'], [['plain', 'a,b', 'say "hi"', 'two\r\nlines']]);
  assert.equal(line, '"plain","a,b","say ""hi""","two\r\nlines"\r\n');
});

test('numbers stay numbers (a negative amount is not neutralised), booleans are words, null is empty', () => {
  const line = csvLines(
    ['int', 'bool', 'bool', 'bool', 'text', 'list', 'code', 'int'],
    [[-500, 1, 0, null, null, 'GB FR', 'REP-2026-000001', null]],
  );
  assert.equal(line, '-500,true,false,,"",GB FR,REP-2026-000001,\r\n');
});

test('any text round-trips through csv-parse (neutralised text keeps its content after the quote)', () => {
  const f = csvFormatter(columnsOf(['text', 'text', 'text']));
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.string({ unit: 'grapheme' }), fc.string(), fc.string({ unit: 'binary' })), { maxLength: 5 }),
      (rows) => {
        // SQLite stores text as UTF-8: a lone surrogate cannot be stored, so it is not a case here.
        const valid = rows.map((r) => r.map((v) => Buffer.from(v).toString()));
        const text = f.header() + csvLines(['text', 'text', 'text'], valid) + f.footer(valid.length);
        assert.ok(text.startsWith(BOM));
        const back = parse(text, { bom: true, columns: true, relax_column_count: false }) as Record<string, string>[];
        assert.equal(back.length, valid.length);
        back.forEach((rec, i) =>
          ['c0', 'c1', 'c2'].forEach((k, j) => {
            const original = valid[i][j];
            const neutral = original.length > 0 && '=+-@\t\r'.includes(original[0]);
            assert.equal(rec[k], neutral ? `'${original}` : original);
          }),
        );
      },
    ),
    { numRuns: 300 },
  );
});

test('every field of the licensing-request schema has an export column, in the schema order', () => {
  const order = schemaFieldOrder();
  for (const path of order) assert.ok(path in SCHEMA_FIELDS, `${path} is mapped`);
  const names = exportColumns(new Set()).map((c) => c.name);
  const exported = order.filter((p) => SCHEMA_FIELDS[p] !== null);
  assert.deepEqual(
    names.filter((n) => exported.includes(n)),
    exported,
  );
  assert.deepEqual(names.slice(0, 4), ['reference', 'status', 'createdAt', 'updatedAt']);
  assert.ok(!names.includes('licence.number'), 'desk columns only once their migration has run');
  assert.ok(exportColumns(new Set(['licence_number'])).some((c) => c.name === 'licence.number'));
});

test('docs/exports.md documents the columns in the export order', async () => {
  const fs = await import('node:fs');
  const exportsDoc = fs.readFileSync(new URL('../../docs/exports.md', import.meta.url), 'utf8');
  const section = exportsDoc.slice(exportsDoc.indexOf('## Columns'));
  const documented = [...section.matchAll(/^\| \d+ \| `([^`]+)` \|/gm)].map((m) => m[1]);
  const all = new Set([
    'final_fee_minor',
    'fee_reason',
    'quote_sent_at',
    'quote_valid_until',
    'licence_number',
    'licence_start',
    'licence_end',
    'credit_line',
    'link_back',
    'licensed_at',
    'declined_at',
    'decline_reason',
    'closed_at',
    'anonymised_at',
    'accepted_at',
    'accepted_name',
    'accepted_conditions_version',
    'accepted_amount_minor',
    'licensed_automatically',
    'closed_by',
    'licence_conditions_version',
    'licence_revoked_at',
    'licence_version',
    'licence_issued_at',
    'renewal_reminded_at',
    'renews_request_id',
  ]);
  assert.deepEqual(
    documented,
    exportColumns(all).map((c) => c.name),
  );
});
