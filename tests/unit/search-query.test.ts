// The desk's search words must be single tokens to SQLite: the full-text index keeps
// no positions (migrations/0021), so a word SQLite splits in two would be a phrase
// query and fail. These tests hold searchQuery() to the tokenizer, letter by letter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { migrate } from '../../src/db/migrate.js';
import { searchQuery, TOKENIZER_SEPARATORS } from '../../src/db/repos/desk-queries.js';

const WORD_CHAR = /^[\p{L}\p{N}]$/u;

function lettersAndDigits(): string[] {
  const out: string[] = [];
  for (let cp = 0x30; cp < 0x110000; cp++) {
    if (cp >= 0xd800 && cp < 0xe000) continue;
    const ch = String.fromCodePoint(cp);
    if (WORD_CHAR.test(ch)) out.push(ch);
  }
  return out;
}

test('the letters SQLite splits words at are exactly the ones searchQuery splits at', () => {
  const db = new Database(':memory:');
  // The tokenizer of request_search (migrations/0024), with positions so fts5vocab can count tokens per row.
  db.exec(`CREATE VIRTUAL TABLE t USING fts5 (x, tokenize = "unicode61 remove_diacritics 2 tokenchars '^'");
    CREATE VIRTUAL TABLE v USING fts5vocab (t, 'instance');`);
  const chars = lettersAndDigits();
  const insert = db.prepare('INSERT INTO t (rowid, x) VALUES (?, ?)');
  db.transaction(() => chars.forEach((ch, i) => insert.run(i + 1, `q${ch}q`)))();
  const split = (db.prepare('SELECT doc FROM v GROUP BY doc HAVING COUNT(*) > 1').pluck().all() as number[]).map(
    (doc) => chars[doc - 1]!,
  );
  const ours = chars.filter((ch) => ch.match(TOKENIZER_SEPARATORS));
  assert.ok(chars.length > 100_000);
  assert.deepEqual(split.sort(), ours.sort());
  db.close();
});

test('any text typed in the search box makes a query the index answers', () => {
  const db = new Database(':memory:');
  migrate(db);
  const search = db.prepare('SELECT COUNT(*) FROM request_search WHERE request_search MATCH ?').pluck();
  const separators = lettersAndDigits().filter((ch) => ch.match(TOKENIZER_SEPARATORS));
  for (const ch of separators) assert.equal(search.get(searchQuery(`ab${ch}cd`)), 0);
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
      const match = searchQuery(text);
      if (match !== undefined) assert.equal(search.get(match), 0);
    }),
    { numRuns: 500 },
  );
  db.close();
});

test('"^" stays inside a word, as the index keeps it, but never starts one (filter terms start with it)', () => {
  assert.equal(searchQuery('jo^doe@example.org'), '"jo^doe"* "example"* "org"*');
  assert.equal(searchQuery('^snew ^^d2024 ^'), '"snew"* "d2024"*');
  assert.equal(searchQuery('^ ^^'), undefined);
});
