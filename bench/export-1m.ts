// The export at scale: seeds N requests (default 1,000,000) into a throwaway
// database with bulk INSERT … SELECT statements in large transactions, then runs,
// each in its own child process so peak RSS is the export's own: the CSV export
// (streamExport to a file, with real backpressure), the NDJSON export, and a plain
// loop over the same statement that only counts rows (the floor the export is
// measured against). Prints a table. Standalone:
//   npx tsx bench/export-1m.ts [--count N] [--keep]
// Aim (issue 4): CSV at ≥ 250,000 rows/s with peak RSS < 150 MB.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDatabase, type Db } from '../src/db/connection.js';
import { migrate } from '../src/db/migrate.js';
import { requestColumns } from '../src/db/repos/export-queries.js';
import { exportColumns } from '../src/export/columns.js';
import { parseFilters } from '../src/export/filters.js';
import { streamExport } from '../src/export/stream.js';
import { machine } from './machine.js';

const self = fileURLToPath(import.meta.url);
type Mode = 'csv' | 'ndjson' | 'loop';

interface Measure {
  mode: Mode;
  rows: number;
  seconds: number;
  /** User + system CPU time: on a shared machine, a steadier figure than the wall clock. */
  cpuSeconds: number;
  peakRssMb: number;
  outputMb: number;
}

/** Child: one measurement, printed as JSON on stdout. */
async function child(mode: Mode, dbPath: string, outPath: string) {
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let rows = 0;
  if (mode === 'loop') {
    const db = openDatabase(dbPath, { readonly: true });
    // The same rows and columns the CSV cells are made from, read one by one as JavaScript values, unformatted.
    const select = exportColumns(requestColumns(db), 'text').map((c) => c.sql);
    const stmt = db.prepare(`SELECT ${select.join(', ')} FROM requests r ORDER BY r.id`).raw(true);
    for (const values of stmt.iterate() as IterableIterator<unknown[]>) if (values.length) rows++;
    db.close();
  } else {
    const out = fs.createWriteStream(outPath);
    rows = await streamExport({ databasePath: dbPath, format: mode, filters: parseFilters({}) }, out);
    await new Promise<void>((resolve, reject) => out.on('error', reject).end(resolve));
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const outputMb = mode === 'loop' ? 0 : fs.statSync(outPath).size / 1048576;
  const m: Measure = { mode, rows, seconds, cpuSeconds, peakRssMb: process.resourceUsage().maxRSS / 1024, outputMb };
  process.stdout.write(JSON.stringify(m));
}

// Deterministic but varied rows: French and Arabic names, some formula-looking text, 1–3 articles.
const SEED_REQUESTS = `
WITH RECURSIVE n(i) AS (SELECT @first UNION ALL SELECT i + 1 FROM n WHERE i < @last)
INSERT INTO requests (id, reference, access_token, status, locale, requester_name, requester_email, requester_phone,
  requester_job_title, org_name, org_type, org_country, org_website, org_non_profit, medium, territory, countries,
  language, translation, audience, start_date, duration_months, exclusive, commercial, images, message, quote_json,
  quote_total_minor, currency, refer_to_desk, rate_card_version, created_at, updated_at, final_fee_minor, licence_number,
  closed_at)
SELECT i, printf('REP-%d-%06d', 2020 + i / 250000, i % 1000000), hex(randomblob(16)),
  CASE i % 7 WHEN 0 THEN 'new' WHEN 1 THEN 'in_review' WHEN 2 THEN 'quoted' WHEN 3 THEN 'licensed'
    WHEN 4 THEN 'declined' WHEN 5 THEN 'withdrawn' ELSE 'spam' END,
  CASE i % 3 WHEN 0 THEN 'en' WHEN 1 THEN 'fr' ELSE 'ar' END,
  CASE i % 3 WHEN 0 THEN 'Ada Lovelace ' || i WHEN 1 THEN 'Élodie Mérieux ' || i ELSE 'ليلى حداد ' || i END,
  'person' || i || '@example' || (i % 1000) || '.org', CASE WHEN i % 2 = 0 THEN '+44 20 7946 ' || (i % 10000) END,
  CASE WHEN i % 4 = 0 THEN 'Rédactrice en chef' END, 'Publisher ' || (i % 5000) || ', "Daily"', 'newspaper',
  'FR', 'https://publisher' || (i % 5000) || '.example', i % 2, 'online', 'single_country', 'FR', 'fr', 0,
  50000 + i % 100000, '2026-06-01', 12, 0, 0, 0,
  CASE WHEN i % 5 = 0 THEN '=SUM(A1) please' WHEN i % 5 = 1 THEN NULL
    ELSE 'Nous souhaitons republier cet article, merci — نود إعادة نشر المقال ' || i END,
  '{"currency":"GBP"}', 15000 + i % 90000, 'GBP', 0, '2026-01',
  strftime('%Y-%m-%dT%H:%M:%fZ', '2020-01-01', '+' || i || ' minutes'),
  strftime('%Y-%m-%dT%H:%M:%fZ', '2020-01-01', '+' || (i + 60) || ' minutes'),
  CASE WHEN i % 7 = 3 THEN 20000 + i % 50000 END, CASE WHEN i % 7 = 3 THEN printf('LIC-%d-%07d', 2020 + i / 250000, i) END,
  CASE WHEN i % 7 >= 3 THEN strftime('%Y-%m-%dT%H:%M:%fZ', '2020-01-02', '+' || i || ' minutes') END
FROM n`;
const SEED_ARTICLES = `
INSERT INTO request_articles (request_id, position, url, title, portion, extract_words)
SELECT r.id, p.value, 'https://news.example/2026/story-' || r.id || '-' || p.value,
  CASE p.value WHEN 1 THEN 'Story ' || r.id || ' about the economy' WHEN 2 THEN 'L''été où tout a changé'
    ELSE '-3 degrés: هذا هو العنوان' END,
  CASE WHEN p.value = 3 THEN 'extract' ELSE 'full' END, CASE WHEN p.value = 3 THEN 400 END
FROM requests r, json_each('[1,2,3]') p
WHERE r.id BETWEEN @first AND @last AND p.value <= 1 + r.id % 3`;

function seed(db: Db, count: number) {
  // The desk's lookup tables (full-text search, country and status counts) are kept by
  // triggers the export never reads; a throwaway bench database does without them.
  for (const name of db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('requests', 'request_articles')`).pluck().all() as string[]) {
    db.exec(`DROP TRIGGER "${name}"`);
  }
  db.pragma('synchronous = OFF');
  const requests = db.prepare(SEED_REQUESTS);
  const articles = db.prepare(SEED_ARTICLES);
  const step = 100_000;
  for (let first = 1; first <= count; first += step) {
    const range = { first, last: Math.min(count, first + step - 1) };
    db.transaction(() => {
      requests.run(range);
      articles.run(range);
    })();
    if (process.stderr.isTTY) process.stderr.write(`\rseeding ${range.last.toLocaleString('en')}`);
  }
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  db.pragma('synchronous = FULL');
  db.pragma('wal_checkpoint(TRUNCATE)');
}

function measure(mode: Mode, dbPath: string, outPath: string): Measure {
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', mode, dbPath, outPath], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`${mode} child failed (exit ${r.status})`);
  return JSON.parse(r.stdout) as Measure;
}

async function main() {
  const { values, positionals } = parseArgs({
    options: { count: { type: 'string' }, keep: { type: 'boolean' }, child: { type: 'string' } },
    allowPositionals: true,
  });
  if (values.child) return child(values.child as Mode, positionals[0], positionals[1]);

  const count = Number(values.count ?? 1_000_000);
  if (!Number.isInteger(count) || count < 1) throw new Error('--count must be a positive whole number');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-export-bench-'));
  const dbPath = path.join(dir, 'bench.db');
  try {
    const db = openDatabase(dbPath);
    migrate(db);
    const t0 = Date.now();
    seed(db, count);
    const articles = db.prepare('SELECT COUNT(*) FROM request_articles').pluck().get() as number;
    db.close();
    const seedSeconds = (Date.now() - t0) / 1000;
    const dbMb = fs.statSync(dbPath).size / 1048576;
    console.log(machine());
    console.log(`seeded ${count.toLocaleString('en')} requests, ${articles.toLocaleString('en')} articles in ${seedSeconds.toFixed(1)} s (${dbMb.toFixed(0)} MB)\n`);

    const results = (['loop', 'csv', 'ndjson'] as Mode[]).map((mode) => measure(mode, dbPath, path.join(dir, `out.${mode}`)));
    const loop = results[0];
    const rows = [
      ['run', 'rows', 'seconds', 'rows/s', 'CPU s', 'rows/CPU-s', 'vs loop', 'peak RSS MB', 'output MB'],
      ...results.map((m) => [
        m.mode === 'loop' ? 'plain loop (same statement)' : `${m.mode} export`,
        m.rows.toLocaleString('en'),
        m.seconds.toFixed(2),
        Math.round(m.rows / m.seconds).toLocaleString('en'),
        m.cpuSeconds.toFixed(2),
        Math.round(m.rows / m.cpuSeconds).toLocaleString('en'),
        `${(loop.seconds / m.seconds).toFixed(2)}×`,
        m.peakRssMb.toFixed(0),
        m.mode === 'loop' ? '-' : m.outputMb.toFixed(0),
      ]),
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
    const csv = results[1];
    const rate = csv.rows / csv.seconds;
    console.log(`\nload after the runs: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.availableParallelism()} CPUs`);
    console.log(`aim: CSV ≥ 250,000 rows/s and peak RSS < 150 MB → ${rate >= 250_000 ? 'met' : 'NOT met'} / ${csv.peakRssMb < 150 ? 'met' : 'NOT met'}`);
  } finally {
    if (values.keep) console.log(`database kept at ${dbPath}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
