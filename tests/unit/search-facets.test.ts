// The filters' terms in the desk's search index (migrations/0024): the view that
// writes them and facetTerms()/dayRangeTerms(), which ask for them, must agree on
// every value, and a range of days must become terms for exactly those days.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { migrate } from '../../src/db/migrate.js';
import { dayRangeTerms, facetTerms } from '../../src/db/repos/desk-queries.js';
import { STATUSES } from '../../src/domain/workflow.js';
import { insertRawRequest } from '../helpers/raw-request.js';
import defs from '../../schemas/defs.schema.json' with { type: 'json' };

const MEDIA: string[] = defs.$defs.medium.enum;
const TERRITORIES: string[] = defs.$defs.territory.enum;
const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Row {
  status: string;
  medium: string;
  territory: string;
  country: string;
  countries: string;
  created: string;
}

/** A database with only what the terms need: requests as the view reads them, and the index. */
function withRequests(rows: Row[]) {
  const db = new Database(':memory:');
  migrate(db);
  db.pragma('foreign_keys = OFF');
  const search = db.prepare(`INSERT INTO request_search (rowid, reference, requester, organisation, articles, facets)
    VALUES (@id, 'ref', 'word', '', '', (SELECT facets FROM request_search_facets WHERE id = @id))`);
  rows.forEach((r, i) => {
    insertRawRequest(db, { id: i + 1, ...r });
    search.run({ id: i + 1 });
  });
  const found = (query: string) =>
    db
      .prepare('SELECT rowid FROM request_search WHERE request_search MATCH ? ORDER BY rowid')
      .pluck()
      .all(query) as number[];
  return { db, found };
}

test('every status, medium, territory and country asked for finds exactly the requests that have it', () => {
  const rows: Row[] = [];
  for (const status of STATUSES)
    for (const medium of MEDIA)
      for (const territory of TERRITORIES) {
        rows.push({
          status,
          medium,
          territory,
          country: rows.length % 2 ? 'GB' : 'FR',
          countries: territory === 'worldwide' ? '' : 'DE IT',
          created: '2026-03-01T10:00:00.000Z',
        });
      }
  const { db, found } = withRequests(rows);
  const ids = (pred: (r: Row) => boolean) => rows.flatMap((r, i) => (pred(r) ? [i + 1] : []));
  for (const status of STATUSES)
    assert.deepEqual(
      found(facetTerms({ status })),
      ids((r) => r.status === status),
      status,
    );
  for (const medium of MEDIA)
    assert.deepEqual(
      found(facetTerms({ medium })),
      ids((r) => r.medium === medium),
      medium,
    );
  for (const territory of TERRITORIES)
    assert.deepEqual(
      found(facetTerms({ territory })),
      ids((r) => r.territory === territory),
      territory,
    );
  for (const country of ['FR', 'GB', 'DE', 'IT', 'US']) {
    assert.deepEqual(
      found(facetTerms({ country })),
      ids((r) => r.country === country || r.countries.split(' ').includes(country)),
      country,
    );
  }
  assert.deepEqual(
    found(`"word"* ${facetTerms({ status: 'in_review', medium: 'print_and_online', territory: 'single_country' })}`),
    ids((r) => r.status === 'in_review' && r.medium === 'print_and_online' && r.territory === 'single_country'),
  );
  db.close();
});

test('a range of days becomes whole years, whole months and single days, and matches exactly those days', () => {
  assert.deepEqual(dayRangeTerms('2024-01-01', '2024-12-31'), ['"^d2024"*']);
  assert.deepEqual(dayRangeTerms('2024-02-27', '2024-04-02'), [
    '"^d20240227"',
    '"^d20240228"',
    '"^d20240229"',
    '"^d202403"*',
    '"^d20240401"',
    '"^d20240402"',
  ]);
  assert.deepEqual(dayRangeTerms('2023-12-31', '2025-01-01'), ['"^d20231231"', '"^d2024"*', '"^d20250101"']);
  assert.deepEqual(dayRangeTerms('2024-03-18', '2024-03-18'), ['"^d20240318"']);
  assert.equal(dayRangeTerms('1900-01-02', '2100-01-01'), undefined, 'too many terms: left to the SQL');
  assert.deepEqual(
    dayRangeTerms('0098-06-01', '0100-01-01'),
    [
      '"^d009806"*',
      '"^d009807"*',
      '"^d009808"*',
      '"^d009809"*',
      '"^d009810"*',
      '"^d009811"*',
      '"^d009812"*',
      '"^d0099"*',
      '"^d01000101"',
    ],
    'years below 100 too (Date.UTC would read them as 1998, 1999)',
  );

  // One request a day for three years, two around midnight; any range finds exactly its days.
  const start = Date.UTC(2023, 0, 1);
  const rows = Array.from({ length: 3 * 366 }, (_, i) => ({
    status: 'new',
    medium: 'online',
    territory: 'worldwide',
    country: 'GB',
    countries: '',
    created: new Date(start + i * DAY_MS + (i % 2 ? 1 : DAY_MS - 1)).toISOString(),
  }));
  const { db, found } = withRequests(rows);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: rows.length - 1 }), fc.integer({ min: 0, max: 500 }), (from, length) => {
      const first = day(start + from * DAY_MS);
      const last = day(start + Math.min(rows.length - 1, from + length) * DAY_MS);
      const terms = dayRangeTerms(first, last)!;
      assert.ok(terms.length <= 2 * 30 + 2 * 11 + 2, `${first}…${last}: ${terms.length} terms`);
      const expected = rows.flatMap((r, i) =>
        r.created.slice(0, 10) >= first && r.created.slice(0, 10) <= last ? [i + 1] : [],
      );
      assert.deepEqual(found(`"word"* AND (${terms.join(' OR ')})`), expected, `${first}…${last}`);
    }),
    { numRuns: 150 },
  );
  db.close();
});
