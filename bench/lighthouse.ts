// Lighthouse with its default mobile emulation (a mid-range phone, simulated slow 4G and a 4× slower CPU) on the
// pages a requester sees, in English, French and Arabic: the form, the page a submission lands on, and a request's
// page once the desk has quoted it. The service runs in its own process (NODE_ENV=production, templates cached) on
// a database seeded beforehand; Debian's Chromium is driven through chrome-launcher, nothing is downloaded.
// Prints the four category scores per page with Lighthouse's measure of the machine's speed at the time, the metrics
// the performance score is made of and the bytes sent, and what kept a score down; full reports go to bench/out/.
// Run: npx tsx bench/lighthouse.ts [--runs=3] [--only=form,landed,quoted] (CHROME_PATH, default /usr/bin/chromium)
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import lighthouse from 'lighthouse';
import { launch } from 'chrome-launcher';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { migrate } from '../src/db/migrate.js';
import { createContainer } from '../src/container.js';
import { createApp } from '../src/app.js';
import { createTransport } from '../src/mail/transport.js';
import { licensingRequest } from './bodies.js';
import { startServer } from './processes.js';
import { machine } from './machine.js';

const args = process.argv.slice(2);
const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 1);
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'bench', 'out');
fs.mkdirSync(out, { recursive: true });
const LOCALES = ['en', 'fr', 'ar'] as const;
type Locale = (typeof LOCALES)[number];
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
/** What the performance score is made of (FCP, LCP, TBT, CLS), and the bytes the page cost. */
const METRICS = [
  ['first-contentful-paint', (v: number) => (v / 1000).toFixed(1)],
  ['largest-contentful-paint', (v: number) => (v / 1000).toFixed(1)],
  ['total-blocking-time', (v: number) => v.toFixed(0)],
  ['cumulative-layout-shift', (v: number) => v.toFixed(2)],
  ['total-byte-weight', (v: number) => (v / 1024).toFixed(0)],
] as const;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-lighthouse-'));
const env = {
  DATABASE_PATH: path.join(dir, 'reprise.db'),
  MAIL_DIR: path.join(dir, 'mail'),
  RATE_LIMIT_SUBMIT_PER_HOUR: '0',
  RATE_LIMIT_QUOTE_PER_MINUTE: '0',
  LOG_LEVEL: 'warn',
};

/** One request per language as the API makes it (its landing page), and one per language the desk has quoted. */
async function seed(): Promise<Record<'landed' | 'quoted', Record<Locale, string>>> {
  const config = loadConfig({ ...process.env, ...env, NODE_ENV: 'production', LOG_LEVEL: 'silent' });
  const db = openDatabase(config.databasePath);
  migrate(db);
  const transport = createTransport(null, config.mailDir);
  const container = createContainer({ config, db, transport, logger: pino({ level: 'silent' }) });
  await container.writer.ready();
  const server = http.createServer(createApp(container));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pages = { landed: {}, quoted: {} } as Record<'landed' | 'quoted', Record<Locale, string>>;
  for (const [i, locale] of LOCALES.entries()) {
    for (const kind of ['landed', 'quoted'] as const) {
      const res = await fetch(`${base}/api/v1/requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...licensingRequest(i), locale }),
      });
      if (res.status !== 201) throw new Error(`seeding: ${res.status} ${await res.text()}`);
      const { reference } = (await res.json()) as { reference: string };
      pages[kind][locale] = res.headers.get('location') as string;
      if (kind === 'quoted') {
        const id = db.prepare('SELECT id FROM requests WHERE reference = ?').pluck().get(reference) as number;
        const staff = { id: null, label: 'bench' };
        container.services.deskRequests.startReview(staff, id);
        container.services.deskRequests.sendQuote(staff, id, {
          finalFeeMinor: 45000,
          feeReason: 'Agreed by phone',
          validUntil: '2099-01-31',
        });
      }
    }
  }
  server.closeAllConnections();
  server.close();
  await container.pdf.close();
  await container.writer.close();
  db.close();
  return pages;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const score = (n: number | null | undefined) => (n == null ? '–' : n.toFixed(2));

const pages = await seed();
const server = await startServer(
  'reprise',
  ['--import', 'tsx', path.join(root, 'src', 'main.ts')],
  { ...env, NODE_ENV: 'production' },
  '/healthz',
  path.join(out, 'lighthouse-server.log'),
);
const chrome = await launch({
  chromePath,
  chromeFlags: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

const targets: { page: string; locale: Locale; path: string }[] = [];
for (const locale of LOCALES) {
  targets.push({ page: 'form', locale, path: `/licensing?lang=${locale}` });
  targets.push({ page: 'landed', locale, path: pages.landed[locale] });
  targets.push({ page: 'quoted', locale, path: pages.quoted[locale] });
}

/** One Lighthouse run; a run whose trace Chromium failed to record (NO_NAVSTART, now and then) is tried again. */
async function audit(url: string, attempts = 3) {
  for (let attempt = 1; ; attempt++) {
    const result = await lighthouse(url, {
      port: Number(chrome.port),
      output: 'json',
      logLevel: 'error',
      onlyCategories: [...CATEGORIES],
    });
    if (!result) throw new Error(`no result for ${url}`);
    const error = result.lhr.runtimeError;
    if (!error) return result;
    if (attempt === attempts) throw new Error(`${url}: ${error.message}`);
    process.stderr.write(`${url}: ${error.code}, again\n`);
  }
}

const rows: string[] = [];
const metricRows: string[] = [];
const findings = new Map<string, Set<string>>();
try {
  for (const target of targets.filter((t) => !only || only.includes(t.page))) {
    const results: Record<string, number[]> = {};
    const hostIndex: number[] = [];
    const measured: Record<string, number[]> = {};
    for (let run = 0; run < runs; run++) {
      const result = await audit(server.url + target.path);
      const lhr = result.lhr;
      hostIndex.push(lhr.environment.benchmarkIndex);
      for (const [id] of METRICS) (measured[id] ??= []).push(lhr.audits[id]?.numericValue ?? NaN);
      fs.writeFileSync(
        path.join(out, `lighthouse-${target.page}-${target.locale}-${run + 1}.json`),
        String(result.report),
      );
      for (const id of CATEGORIES) {
        const category = lhr.categories[id];
        (results[id] ??= []).push(category?.score ?? NaN);
        for (const ref of category?.auditRefs ?? []) {
          const audit = lhr.audits[ref.id];
          if (!audit || ref.weight === 0 || audit.score === null || audit.score >= 0.9) continue;
          const key = `${target.page} ${target.locale}: ${id}`;
          if (!findings.has(key)) findings.set(key, new Set());
          findings.get(key)!.add(`${audit.id} (${audit.displayValue || audit.score})`);
        }
      }
    }
    const cells = [...CATEGORIES.map((id) => score(median(results[id]!))), String(Math.round(median(hostIndex)))];
    rows.push(`| ${target.page} | ${target.locale} | ${cells.join(' | ')} |`);
    const values = METRICS.map(([id, show]) => show(median(measured[id]!)));
    metricRows.push(`| ${target.page} | ${target.locale} | ${values.join(' | ')} |`);
    process.stderr.write(`${target.page} ${target.locale}: ${cells.join(' ')}\n`);
  }
} finally {
  chrome.kill();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

console.log(machine());
console.log(
  `Lighthouse (mobile emulation, simulated throttling), Chromium at ${chromePath}, median of ${runs} run(s)\n`,
);
// Lighthouse's own measure of the CPU at the time of each run: under about 1,000 it calls the machine slow, and
// total blocking time, the most of the performance score, grows as the index falls.
console.log('| page | lang | performance | accessibility | best practices | SEO | host index |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const row of rows) console.log(row);
console.log('\n| page | lang | FCP s | LCP s | TBT ms | CLS | transferred KiB |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const row of metricRows) console.log(row);
if (findings.size) {
  console.log('\nAudits below 0.9, by page and category:');
  for (const [key, audits] of findings) console.log(`- ${key}: ${[...audits].join(', ')}`);
}
