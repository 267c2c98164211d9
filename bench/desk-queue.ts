// The desk queue at scale: seeds N requests (default 1,000,000) through the
// requests repository (so every trigger-kept lookup table is filled as in
// production), then times one queue page for each filter shape, deep keyset
// pages and searches. Usage: npx tsx bench/desk-queue.ts [N] [db-file]
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { migrate } from '../src/db/migrate.js';
import { createContainer } from '../src/container.js';
import { createTransport } from '../src/mail/transport.js';
import { deskQueries, searchQuery, type QueueFilter } from '../src/db/repos/desk-queries.js';
import { seedRequests } from '../tests/helpers/desk-seed.js';
import { licenceListRepo } from '../src/db/repos/licences.js';

const n = Number(process.argv[2] ?? 1_000_000);
const file = process.argv[3] ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-bench-')), 'bench.db');
const config = loadConfig({ NODE_ENV: 'test', DATABASE_PATH: file, LOG_LEVEL: 'silent' });
const db = openDatabase(file);
migrate(db);
const c = createContainer({
  config,
  db,
  transport: createTransport(null, path.dirname(file)),
  logger: pino({ level: 'silent' }),
});
const MEDIA = ['online', 'print', 'broadcast', 'newsletter'] as const;
const COUNTRIES = ['GB', 'FR', 'DE', 'IT', 'ES', 'US', 'MA', 'SN', 'EG', 'LB'];
const have = (db.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n;
const start = new Date('2020-01-01T00:00:00Z');
let t0 = Date.now();
for (let done = have; done < n; done += 10_000) {
  seedRequests(c, Math.min(10_000, n - done), {
    start: new Date(start.getTime() + done * 60_000),
    stepMs: 60_000,
    vary(j, r) {
      const i = done + j;
      r.requester.name = `Person ${i}`;
      r.requester.email = `person${i}@example${i % 1000}.org`;
      r.organisation.name = `Publisher ${i % 5000}`;
      r.organisation.country = COUNTRIES[i % COUNTRIES.length];
      r.articles[0] = {
        url: `https://news.example/2026/story-${i}`,
        title: `Story ${i} about topic ${i % 777}`,
        portion: 'full',
      };
      r.usage.medium = MEDIA[i % MEDIA.length];
      if (i % 3 === 0) {
        r.usage.territory = 'worldwide';
        delete r.usage.countries;
      }
    },
  });
  if (process.stderr.isTTY) process.stderr.write(`\rseeded ${done + 10_000}`);
}
if (have < n) console.error(`\nseeded ${n - have} rows in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
db.exec(`UPDATE requests SET status = 'licensed', last_action_at = created_at WHERE id % 7 = 0 AND status = 'new'`);
db.exec('ANALYZE');

const q = deskQueries(db);
const time = (label: string, filter: QueueFilter, after?: { at: string; id: number }) => {
  q.page(filter, { after }, 50);
  const runs = 20;
  t0 = performance.now();
  let rows = 0;
  for (let k = 0; k < runs; k++) rows = q.page(filter, { after }, 50).rows.length;
  console.log(`${label.padEnd(44)} ${((performance.now() - t0) / runs).toFixed(2).padStart(8)} ms  (${rows} rows)`);
};
const deep = { at: new Date(start.getTime() + 1000 * 60_000).toISOString(), id: 1001 };
time('first page, no filter', {});
time('deep page (keyset near the oldest)', {}, deep);
time('status=licensed', { status: 'licensed' });
time('medium=print', { medium: 'print' });
time('territory=worldwide', { territory: 'worldwide' });
time('country=SN', { country: 'SN' });
time('country=SN, deep page', { country: 'SN' }, deep);
time('date range (one day)', { from: '2020-06-01T00:00:00.000Z', to: '2020-06-02T00:00:00.000Z' });
time('search exact email', { match: searchQuery('person123456@example456.org') });
time('search whole reference (unique index)', { reference: 'REP-2020-000777' });
time('search reference digits "000777"', { match: searchQuery('000777') });
time('search rare title word prefix "topic 77"', { match: searchQuery('topic 77') });
time('search common prefix "pub"', { match: searchQuery('pub') });
time('search common prefix, deep page', { match: searchQuery('pub') }, deep);
time('search "pub" + country=FR + medium=print', { match: searchQuery('pub'), country: 'FR', medium: 'print' });
time('status=new + medium=print + country=FR', { status: 'new', medium: 'print', country: 'FR' });
time('overdue', { overdueBefore: new Date().toISOString() });
t0 = performance.now();
for (let k = 0; k < 20; k++) q.statusCounts();
console.log(`${'counts per status'.padEnd(44)} ${((performance.now() - t0) / 20).toFixed(2).padStart(8)} ms`);

// The licences view (/staff/licences): every seventh request licensed, ends from 600 days ago to 600 days ahead,
// one in 91 revoked; each page as the view asks for it (its rows and the counts above them).
db.exec(`UPDATE requests SET licence_number = replace(reference, 'REP-', 'LIC-'),
    licence_code = lower(hex(randomblob(10))), licence_start = date(created_at),
    licence_end = date('now', ((id % 1200) - 600) || ' days'), licensed_at = created_at, licence_version = 1,
    licence_revoked_at = CASE WHEN id % 91 = 0 THEN created_at END
  WHERE status = 'licensed' AND licence_number IS NULL`);
db.exec('ANALYZE');
const someLicence = db
  .prepare(
    `SELECT licence_number FROM requests WHERE licence_number IS NOT NULL AND licence_revoked_at IS NULL
      AND licence_end >= date('now') ORDER BY id LIMIT 1 OFFSET 1000`,
  )
  .pluck()
  .get() as string;
const licences = c.services.licenceList;
const timeLicences = (label: string, state: 'active' | 'ending' | 'ended' | 'revoked', query = '') => {
  licences.page(state, query);
  const runs = 10;
  t0 = performance.now();
  let rows = 0;
  for (let k = 0; k < runs; k++) rows = licences.page(state, query).rows.length;
  console.log(`${label.padEnd(44)} ${((performance.now() - t0) / runs).toFixed(2).padStart(8)} ms  (${rows} rows)`);
};
timeLicences('licences: current', 'active');
timeLicences('licences: ending within 30 days', 'ending');
timeLicences('licences: ended', 'ended');
timeLicences('licences: revoked', 'revoked');
timeLicences('licences: search a number', 'active', someLicence);
timeLicences('licences: search organisation "Publisher 123"', 'active', 'Publisher 123');
timeLicences('licences: search title "topic 77"', 'ended', 'topic 77');
timeLicences('licences: search common prefix "pub"', 'active', 'pub');
timeLicences('licences: search "pub", revoked (few match)', 'revoked', 'pub');
const listRepo = licenceListRepo(db);
t0 = performance.now();
for (let k = 0; k < 10; k++) listRepo.counts('2026-12-03', '2027-01-02');
console.log(
  `${'licences: counts (read once a minute)'.padEnd(44)} ${((performance.now() - t0) / 10).toFixed(2).padStart(8)} ms`,
);
console.log(`database: ${file} (${(fs.statSync(file).size / 1e6).toFixed(0)} MB)`);
db.close();
