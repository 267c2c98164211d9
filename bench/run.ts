// npm run bench: builds, starts the built service and a plain Express server as
// separate processes, runs each scenario with autocannon (10 connections) from this
// process, interleaving plain-server runs, and prints one table of req/s, p50, p99
// and the ratio to the plain server. `--smoke` (or BENCH_SMOKE=1): one second per
// scenario and small seeds, to prove the bench still works (no timing asserted).
// `--only=a,b` runs the scenarios whose names contain a or b ("export" for the export
// bench, bench/export-1m.ts, which runs last); `--no-build` skips the build.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type Server } from './processes.js';
import { CONNECTIONS, run, table, toRow, type Row } from './measure.js';
import { ceilingScenarios, reprisescenarios, type Scenario } from './scenarios.js';
import { machine } from './machine.js';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke') || process.env.BENCH_SMOKE === '1';
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const duration = smoke ? 1 : Number(process.env.BENCH_DURATION ?? 10);
const root = path.resolve(import.meta.dirname, '..');

if (!args.includes('--no-build')) {
  const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) process.exit(1);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-bench-'));
const formSecret = crypto.randomBytes(32).toString('base64url');
export const serviceEnv = {
  NODE_ENV: 'production',
  DATABASE_PATH: path.join(dir, 'reprise.db'),
  MAIL_DIR: path.join(dir, 'mail'),
  RATE_LIMIT_SUBMIT_PER_HOUR: '0',
  RATE_LIMIT_QUOTE_PER_MINUTE: '0',
  FORM_MIN_FILL_SECONDS: '0',
  LOG_LEVEL: 'warn',
  // The daily retention run starts a minute after boot and anonymises a seeded backlog in one go, blocking
  // the process meanwhile: the nightly job is not what the bench measures.
  RETENTION_MONTHS: '0',
  FORM_SECRET: formSecret,
  SESSION_SECRET: crypto.randomBytes(32).toString('base64url'),
};

/** Waits until the service's outbox has nothing left to send (or `limitMs` passed). */
async function outboxDrained(databasePath: string, limitMs: number) {
  if (!fs.existsSync(databasePath)) return;
  const db = new Database(databasePath, { readonly: true });
  try {
    const pending = db.prepare(`SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sending')`).pluck();
    const until = Date.now() + limitMs;
    while ((pending.get() as number) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
  } finally {
    db.close();
  }
}

const servers: Server[] = [];
const cleanup = async () => {
  await Promise.all(servers.map((s) => s.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
};

try {
  const reprise = await startServer(
    'reprise',
    [path.join(root, 'dist/src/main.js')],
    serviceEnv,
    '/healthz',
    path.join(dir, 'reprise.log'),
  );
  servers.push(reprise);
  const pageBytes = (await (await fetch(`${reprise.url}/licensing`)).arrayBuffer()).byteLength;
  const plain = await startServer(
    'plain',
    [path.join(root, 'bench/plain-server.js')],
    { PAGE_BYTES: String(pageBytes) },
    '/',
    path.join(dir, 'plain.log'),
  );
  servers.push(plain);
  console.error(machine());
  console.error(`${CONNECTIONS} connections, ${duration} s per scenario${smoke ? ' (smoke run)' : ''}\n`);

  const plainRun = async () => toRow('plain Express "hello"', await run({ url: plain.url }, duration), 200);
  const rows: Row[] = [];
  const plains: Row[] = [await plainRun()];
  rows.push(plains[0]!);
  const selected = [
    ...ceilingScenarios(plain, pageBytes),
    ...reprisescenarios({ smoke, formSecret, dir, env: serviceEnv, root, servers }),
  ].filter((s: Scenario) => !only || only.some((o) => s.name.includes(o)));
  for (const s of selected) {
    console.error(`… ${s.name}`);
    const row = await s.measure(reprise, duration);
    // The submissions just made queued two emails each; the service sends them in the background,
    // and that work would otherwise fall on whichever scenario comes next.
    await outboxDrained(serviceEnv.DATABASE_PATH, 180_000);
    const before = plains.at(-1)!;
    const after = await plainRun();
    plains.push(after);
    row.ratio = row.rps / ((before.rps + after.rps) / 2);
    rows.push(row);
  }
  const plainAvg = plains.reduce((n, p) => n + p.rps, 0) / plains.length;
  rows[0] = { ...rows[0]!, rps: Math.round(plainAvg), note: `mean of ${plains.length} runs between scenarios` };
  console.log(table(rows));
  fs.mkdirSync(path.join(root, 'bench/out'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'bench/out/latest.json'),
    JSON.stringify({ machine: machine(), duration, rows, plains }, null, 2),
  );
  if (!only || only.some((o) => 'export'.includes(o))) {
    // The services are stopped first: the one that took the submissions would still be sending
    // their tens of thousands of queued emails, on the same two cores as the export.
    await Promise.all(servers.map((s) => s.stop()));
    // The export's own bench (seeds its own database, runs each export in a child so peak RSS is its own).
    const count = smoke ? 2_000 : 1_000_000;
    console.error(`\n… CSV export of ${count.toLocaleString('en')} requests (bench/export-1m.ts)`);
    const exp = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'bench/export-1m.ts'), '--count', String(count), '--no-build'],
      {
        cwd: root,
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    if (exp.status !== 0) process.exitCode = 1;
  }
  const broken = rows.filter((r) => r.ok === 0 || r.unexpected > 0);
  if (broken.length) {
    console.error(`Scenarios with unexpected answers: ${broken.map((r) => r.scenario).join(', ')}`);
    for (const s of servers.slice(1)) {
      const log = fs.readFileSync(s.log, 'utf8').trim();
      if (log) console.error(`Last lines of the log of ${s.name}:\n${log.slice(-3000)}`);
    }
    process.exitCode = 1;
  }
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await cleanup();
}
