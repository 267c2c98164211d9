// The CSV writer on its own: RFC 4180 quoting, OWASP formula neutralising, and a
// property test that any text survives a round trip through csv-parse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { BOM, csvCell, csvFormatter, csvText } from '../../src/export/csv.js';
import { exportColumns, schemaFieldOrder, SCHEMA_FIELDS } from '../../src/export/columns.js';
import type { ExportColumn } from '../../src/export/columns.js';

test('cells beginning with = + - @ tab or carriage return are prefixed with a quote', () => {
  assert.equal(csvText('=1+1'), "'=1+1");
  assert.equal(csvText('+44 20 7946 0000'), "'+44 20 7946 0000");
  assert.equal(csvText('-cmd'), "'-cmd");
  assert.equal(csvText('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvText('\tx'), "'\tx");
  assert.equal(csvText('\rx'), `"'\rx"`);
  assert.equal(csvText('a=b'), 'a=b', 'only the first character matters');
  assert.equal(csvText(''), '');
});

test('RFC 4180: quotes, commas and line breaks are quoted, quotes doubled', () => {
  assert.equal(csvText('plain'), 'plain');
  assert.equal(csvText('a,b'), '"a,b"');
  assert.equal(csvText('say "hi"'), '"say ""hi"""');
  assert.equal(csvText('two\nlines'), '"two\nlines"');
  assert.equal(csvText('=A1,"x"'), `"'=A1,""x"""`);
});

test('numbers stay numbers (a negative amount is not neutralised), booleans are words, null is empty', () => {
  assert.equal(csvCell(-500, 'int'), '-500');
  assert.equal(csvCell(1, 'bool'), 'true');
  assert.equal(csvCell(0, 'bool'), 'false');
  assert.equal(csvCell(null, 'text'), '');
  assert.equal(csvCell('GB FR', 'list'), 'GB FR');
});

test('any text round-trips through csv-parse (neutralised text keeps its content after the quote)', () => {
  const cols: ExportColumn[] = ['a', 'b', 'c'].map((name) => ({ name, sql: '', kind: 'text', description: '' }));
  const f = csvFormatter(cols);
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.string({ unit: 'grapheme' }), fc.string(), fc.string()), { maxLength: 5 }), (rows) => {
      const text = f.header() + rows.map((r, i) => f.row(r, i)).join('') + f.footer(rows.length);
      assert.ok(text.startsWith(BOM));
      const back = parse(text, { bom: true, columns: true, relax_column_count: false }) as Record<string, string>[];
      assert.equal(back.length, rows.length);
      back.forEach((rec, i) =>
        ['a', 'b', 'c'].forEach((k, j) => {
          const original = rows[i][j];
          const neutral = original.length > 0 && '=+-@\t\r'.includes(original[0]);
          assert.equal(rec[k], neutral ? `'${original}` : original);
        }),
      );
    }),
    { numRuns: 300 },
  );
});

test('every field of the licensing-request schema has an export column, in the schema order', () => {
  const order = schemaFieldOrder();
  for (const path of order) assert.ok(path in SCHEMA_FIELDS, `${path} is mapped`);
  const names = exportColumns(new Set()).map((c) => c.name);
  const exported = order.filter((p) => SCHEMA_FIELDS[p] !== null);
  assert.deepEqual(names.filter((n) => exported.includes(n)), exported);
  assert.deepEqual(names.slice(0, 4), ['reference', 'status', 'createdAt', 'updatedAt']);
  assert.ok(!names.includes('licence.number'), 'desk columns only once their migration has run');
  assert.ok(exportColumns(new Set(['licence_number'])).some((c) => c.name === 'licence.number'));
});

test('the README documents the columns in the export order', async () => {
  const fs = await import('node:fs');
  const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Exports, retention and backups'));
  const documented = [...section.matchAll(/^\| \d+ \| `([^`]+)` \|/gm)].map((m) => m[1]);
  const all = new Set(['final_fee_minor', 'fee_reason', 'quote_sent_at', 'quote_valid_until', 'licence_number', 'licence_start',
    'licence_end', 'credit_line', 'link_back', 'licensed_at', 'declined_at', 'decline_reason', 'closed_at', 'anonymised_at']);
  assert.deepEqual(documented, exportColumns(all).map((c) => c.name));
});
