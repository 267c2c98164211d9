// Integrations: what webhooks cost a submission, how fast their worker drains a backlog, and how the read API
// pages a million requests. Builds first (unless --no-build), then:
//   npx tsx bench/integrations.ts [--only=webhooks|writes|read] [--rounds N] [--smoke] [--no-build]
// Webhooks. The built service, bench/plain-server.js and a receiver (this file with --sink: answers 204 and checks
// each signature with the standardwebhooks package) run as processes of their own. The main bench's
// POST /api/v1/requests scenario runs in rounds of three modes, each round starting one mode further on: without the
// migration's triggers on requests and audit_log, with them but no enabled endpoint, and with one enabled endpoint
// for every event; plain Express's express.json() echo of the same bodies runs between rounds. Each run reports CPU
// per submission by thread and the event loop's delay; the outbox and the deliveries are drained between runs. Then
// three backlogs of 5,000 deliveries are queued at once and timed until the receiver has every one.
// Writes. The same three modes in this process, through the submission service and the group-commit writer on this
// thread (no HTTP, no worker sending): CPU per submission, modes alternating in blocks of 500; then the triggers'
// condition alone, as the CPU of an audit row about a request with and without them.
// Read API. On the million requests `reprise seed` made for the staff bench (bench/out/seed, made here when
// missing), GET /api/v1/requests with a token: first and deep pages (by cursor), limit 100 and 500, status filters,
// one client at a time and 10 at once, beside plain Express sending as many bytes; GET /healthz beside status=new
// first pages; then each page's query alone in-process, its plans with parameters bound, and the audit row each read
// commits (as before, at synchronous=FULL, and as now, with writeTransactionWhenFree).
import { execSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../src/config.js';
import { createContainer } from '../src/container.js';
import { openDatabase, writeTransactionWhenFree, type Db } from '../src/db/connection.js';
import { migrate } from '../src/db/migrate.js';
import { apiRecordsRepo } from '../src/db/repos/api-records.js';
import { auditRepo } from '../src/db/repos/audit.js';
import { requestColumns } from '../src/db/repos/export-queries.js';
import { formatterFor } from '../src/export/formatter.js';
import { createTransport } from '../src/mail/transport.js';
import { licensingRequest } from './bodies.js';
import { machine } from './machine.js';
import { run, table, toRow, type Row } from './measure.js';
import { startServer, type Server } from './processes.js';
import { ceilingScenarios, reprisescenarios } from './scenarios.js';

const root = path.resolve(import.meta.dirname, '..');
const SECRET = 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=';
const EVENTS =
  'request.created,request.status_changed,quote.sent,quote.accepted,licence.issued,licence.revoked,message.received';

/** The receiver: 204 to every POST whose signature verifies; GET answers what it has received. */
function sink() {
  const verifier = new Webhook(SECRET);
  const ids = new Set<string>();
  let received = 0;
  let bad = 0;
  http
    .createServer((req, res) => {
      if (req.method !== 'POST') {
        res.setHeader('content-type', 'application/json');
        return res.end(JSON.stringify({ received, unique: ids.size, bad }));
      }
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received++;
        try {
          verifier.verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>);
          ids.add(String(req.headers['webhook-id']));
        } catch {
          bad++;
        }
        res.writeHead(204).end();
      });
    })
    .listen(Number(process.env.PORT), '127.0.0.1');
}

async function main() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      rounds: { type: 'string' },
      smoke: { type: 'boolean' },
      'no-build': { type: 'boolean' },
    },
  });
  const smoke = values.smoke ?? false;
  const opts = {
    smoke,
    duration: smoke ? 1 : Number(process.env.BENCH_DURATION ?? 10),
    rounds: Number(values.rounds ?? (smoke ? 1 : 4)),
    backlog: smoke ? 200 : 5_000,
    count: smoke ? 2_000 : 1_000_000,
  };
  if (!values['no-build']) {
    const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    if (built.status !== 0) process.exit(1);
  }
  console.log(`${machine()}\n`);
  const report: Record<string, unknown> = { machine: machine(), opts };
  if (!values.only || values.only === 'webhooks') report.webhooks = await webhooks(opts);
  if (!values.only || values.only === 'writes') report.writes = await writePath(opts);
  if (!values.only || values.only === 'read') report.read = await readApi(opts);
  fs.mkdirSync(path.join(root, 'bench/out'), { recursive: true });
  const out = path.join(root, `bench/out/integrations-${values.only ?? 'all'}.json`);
  fs.writeFileSync(out, JSON.stringify(report, null, 2));
}

type Opts = { smoke: boolean; duration: number; rounds: number; backlog: number; count: number };

/** As bench/run.ts starts the service, and with webhooks allowed to reach the receiver on the loopback. */
function serviceEnv(dir: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_PATH: path.join(dir, 'reprise.db'),
    MAIL_DIR: path.join(dir, 'mail'),
    RATE_LIMIT_SUBMIT_PER_HOUR: '0',
    // The read API shares the quote's per-address limit.
    RATE_LIMIT_QUOTE_PER_MINUTE: '0',
    FORM_MIN_FILL_SECONDS: '0',
    LOG_LEVEL: 'warn',
    RETENTION_MONTHS: '0',
    FORM_SECRET: crypto.randomBytes(32).toString('base64url'),
    SESSION_SECRET: crypto.randomBytes(32).toString('base64url'),
    WEBHOOKS_ALLOW_PRIVATE: 'true',
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const number = (db: Database.Database, sql: string, ...params: unknown[]) =>
  db
    .prepare(sql)
    .pluck()
    .get(...params) as number;
const CLOCK_TICKS = Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }));
/** User + system CPU in ms of a process or thread, from its /proc stat file. */
function cpuMs(stat: string): number {
  const fields = fs.readFileSync(stat, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
/** CPU ms so far of a process's threads by kind: the main thread, worker threads (the request writer), the rest. */
function threadCpu(pid: number): Record<'main' | 'writer' | 'other', number> {
  const cpu = { main: 0, writer: 0, other: 0 };
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const kind = name === 'MainThread' ? 'main' : name === 'WorkerThread' ? 'writer' : 'other';
      cpu[kind] += cpuMs(`/proc/${pid}/task/${tid}/stat`);
    } catch {
      // the thread ended meanwhile
    }
  }
  return cpu;
}
/** CPU used from `before` on, in µs per unit of work, by kind of thread, and by the receiver when there is one. */
function cpuSince(before: ReturnType<typeof snapshot>, units: number) {
  const now = snapshot(before.pids);
  const per = (a: number, b: number) => Math.round(((a - b) * 1000) / Math.max(units, 1));
  return {
    main: per(now.service.main, before.service.main),
    writer: per(now.service.writer, before.service.writer),
    other: per(now.service.other, before.service.other),
    receiver: per(now.receiver, before.receiver),
  };
}
function snapshot(pids: { service: number; receiver?: number }) {
  return {
    pids,
    service: threadCpu(pids.service),
    receiver: pids.receiver ? cpuMs(`/proc/${pids.receiver}/stat`) : 0,
  };
}
/** The service's event-loop delay (p99 and max, ms) since the last call: each /metrics scrape starts it afresh. */
async function loopDelay(server: Server) {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const ms = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { p99: ms('nodejs_eventloop_lag_p99_seconds'), max: ms('nodejs_eventloop_lag_max_seconds') };
}
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
};
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

/** Waits until the service has sent every email and webhook the last run queued; returns the seconds it took. */
async function drained(db: Database.Database, limitMs = 300_000): Promise<number> {
  const pending = db
    .prepare(
      `SELECT (SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sending'))
      + (SELECT COUNT(*) FROM webhook_deliveries WHERE status IN ('pending', 'sending'))`,
    )
    .pluck();
  const started = Date.now();
  while ((pending.get() as number) > 0) {
    if (Date.now() - started > limitMs) throw new Error('the outbox or the webhooks did not drain');
    await sleep(100);
  }
  return (Date.now() - started) / 1000;
}

async function received(sinkServer: Server) {
  return (await (await fetch(sinkServer.url)).json()) as { received: number; unique: number; bad: number };
}

async function webhooks(opts: Opts) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-integrations-'));
  const env = serviceEnv(dir);
  const servers: Server[] = [];
  const log = (name: string) => path.join(dir, `${name}.log`);
  try {
    const receiver = await startServer(
      'sink',
      ['--import', 'tsx', import.meta.filename, '--sink'],
      {},
      '/',
      log('sink'),
    );
    servers.push(receiver);
    const reprise = await startServer(
      'reprise',
      [path.join(root, 'dist/src/main.js')],
      env,
      '/healthz',
      log('reprise'),
    );
    servers.push(reprise);
    const plain = await startServer('plain', [path.join(root, 'bench/plain-server.js')], {}, '/', log('plain'));
    servers.push(plain);
    const pids = { service: reprise.child.pid!, receiver: receiver.child.pid! };
    const db = new Database(env.DATABASE_PATH);
    db.pragma('busy_timeout = 5000');
    // The main bench's own scenarios: the JSON submission (which counts what was stored) and the echo ceiling.
    const ctx = { smoke: opts.smoke, formSecret: env.FORM_SECRET!, dir, root, env, servers };
    const submit = reprisescenarios(ctx).find((s) => s.name === 'POST /api/v1/requests (FULL)')!;
    const echo = ceilingScenarios(plain, 0).find((s) => s.name.includes('json()'))!;
    const endpoint = (enabled: boolean) => {
      if (!number(db, 'SELECT COUNT(*) FROM webhook_endpoints')) {
        db.prepare(
          `INSERT INTO webhook_endpoints (url, format, events, secret, created_by, created_at)
          VALUES (?, 'standard', ?, ?, 'bench', datetime('now'))`,
        ).run(`${receiver.url}/h`, EVENTS, SECRET);
      }
      db.prepare(`UPDATE webhook_endpoints SET disabled_at = ${enabled ? 'NULL' : "datetime('now')"}`).run();
    };

    // The migration's triggers on requests and audit_log, dropped for the runs that measure the service without them.
    const hotTriggers = db
      .prepare(
        `SELECT name, sql FROM sqlite_master WHERE type = 'trigger'
        AND name IN ('webhook_request_created', 'webhook_request_audited')`,
      )
      .all() as { name: string; sql: string }[];
    const triggers = (on: boolean) => {
      for (const t of hotTriggers) {
        db.exec(`DROP TRIGGER IF EXISTS ${t.name}`);
        if (on) db.exec(t.sql);
      }
    };

    console.log(`POST /api/v1/requests, ${opts.rounds} rounds of ${opts.duration} s per mode`);
    type Run = Row & { mode: string; cpu?: ReturnType<typeof cpuSince>; loop?: { p99: number; max: number } };
    const rows: Run[] = [];
    const plainRun = async () => {
      const row = await echo.measure(plain, opts.duration);
      rows.push({ ...row, scenario: `plain Express, express.json() echo`, mode: 'plain' });
    };
    // Warm-up, not counted: the service's first seconds run code V8 has not optimised yet.
    await submit.measure(reprise, Math.min(opts.duration, 5));
    await drained(db);
    await plainRun();
    const modes = ['no triggers', 'no endpoint', 'one endpoint'];
    for (let round = 1; round <= opts.rounds; round++) {
      // Each round starts one mode further on, so no mode always follows the same one.
      for (const mode of [...modes.slice((round - 1) % 3), ...modes.slice(0, (round - 1) % 3)]) {
        const withEndpoint = mode === 'one endpoint';
        triggers(mode !== 'no triggers');
        // Until the first run with an endpoint there is no endpoint row; after it, it is there, disabled.
        if (withEndpoint || number(db, 'SELECT COUNT(*) FROM webhook_endpoints')) endpoint(withEndpoint);
        const label =
          mode === 'no endpoint' && number(db, 'SELECT COUNT(*) FROM webhook_endpoints') ? 'endpoint disabled' : mode;
        const events = number(db, 'SELECT COUNT(*) FROM webhook_events');
        await loopDelay(reprise);
        const before = snapshot(pids);
        const row = await submit.measure(reprise, opts.duration);
        // CPU per acknowledged submission during the run (deliveries sent meanwhile included).
        const cpu = cpuSince(before, row.ok);
        const loop = await loopDelay(reprise);
        let note = row.note ?? '';
        const queued = number(db, 'SELECT COUNT(*) FROM webhook_events') - events;
        if (withEndpoint) {
          const left = number(db, `SELECT COUNT(*) FROM webhook_deliveries WHERE status IN ('pending', 'sending')`);
          const after = await drained(db);
          note += `; ${queued} events, ${queued - left} delivered during the run, the rest ${after.toFixed(1)} s after`;
        } else {
          if (queued) throw new Error(`${queued} events recorded with no enabled endpoint`);
          await drained(db);
        }
        rows.push({ ...row, scenario: `round ${round}: ${label}`, note, mode, cpu, loop });
      }
      await plainRun();
    }
    triggers(true);
    // Each service run against the mean of the echo runs just before and just after its round.
    let lastPlain = 0;
    rows.forEach((row, i) => {
      if (row.mode === 'plain') lastPlain = i;
      else {
        const next = rows.findIndex((r, j) => j > i && r.mode === 'plain');
        row.ratio = row.rps / ((rows[lastPlain]!.rps + rows[next]!.rps) / 2);
      }
    });
    console.log(table(rows));
    console.log(
      '\nCPU µs per acknowledged submission (main thread, writer thread, other threads, receiver), event loop',
    );
    for (const r of rows.filter((row) => row.cpu)) {
      const { main, writer, other, receiver: sinkCpu } = r.cpu!;
      console.log(
        `${r.scenario.padEnd(32)} ${[main, writer, other, sinkCpu].map((n) => String(n).padStart(5)).join(' ')}` +
          `   delay p99 ${r.loop!.p99.toFixed(1)} / max ${r.loop!.max.toFixed(1)} ms`,
      );
    }
    const summary = ['plain', ...modes].map((mode) => {
      const runs = rows.filter((r) => r.mode === mode);
      const m = (pick: (r: Run) => number) => median(runs.map(pick));
      return {
        mode,
        rps: m((r) => r.rps),
        p50: m((r) => r.p50),
        p99: m((r) => r.p99),
        ...(mode === 'plain'
          ? {}
          : {
              ratio: m((r) => r.ratio!),
              cpu: { main: m((r) => r.cpu!.main), writer: m((r) => r.cpu!.writer), other: m((r) => r.cpu!.other) },
              receiverCpu: m((r) => r.cpu!.receiver),
              loopP99: m((r) => r.loop!.p99),
              loopMax: m((r) => r.loop!.max),
            }),
      };
    });
    console.log('\nmedians:', JSON.stringify(summary, null, 1));

    // Backlogs: one request.created event per stored request, as the trigger writes them, queued at once.
    endpoint(true);
    const drains: Awaited<ReturnType<typeof drainBacklog>>[] = [];
    for (let i = 0; i < 3; i++) drains.push(await drainBacklog(db, reprise, receiver, opts.backlog));
    const states = db.prepare('SELECT status, COUNT(*) AS n FROM webhook_deliveries GROUP BY status').all();
    const total = { deliveries: states, receiver: await received(receiver) };
    console.log('every delivery, and what the receiver got:', total);
    db.close();
    return { rows, summary, drains, total };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Queues `count` deliveries at once and waits until every one is delivered: how fast, at what CPU, all received? */
async function drainBacklog(db: Database.Database, reprise: Server, receiver: Server, count: number) {
  const firstId = number(db, 'SELECT coalesce(max(id), 0) FROM webhook_deliveries');
  const sunk = await received(receiver);
  await loopDelay(reprise);
  const before = snapshot({ service: reprise.child.pid!, receiver: receiver.child.pid! });
  const started = performance.now();
  const queuedAt = new Date().toISOString();
  db.prepare(
    `INSERT INTO webhook_events (type, request_id, at, data_json)
    SELECT 'request.created', id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), json_object('reference', reference, 'status', status)
    FROM requests ORDER BY id LIMIT ?`,
  ).run(count);
  const left = db
    .prepare(`SELECT COUNT(*) FROM webhook_deliveries WHERE id > ? AND status IN ('pending', 'sending')`)
    .pluck();
  while ((left.get(firstId) as number) > 0) await sleep(20);
  const seconds = (performance.now() - started) / 1000;
  const backlog = db
    .prepare(
      `SELECT COUNT(*) AS queued, SUM(status = 'delivered') AS delivered, SUM(attempts > 1) AS retried,
        (julianday(min(delivered_at)) - julianday(@queuedAt)) * 86400 AS toFirst,
        (julianday(max(delivered_at)) - julianday(min(delivered_at))) * 86400 AS firstToLast
      FROM webhook_deliveries WHERE id > @firstId`,
    )
    .get({ firstId, queuedAt }) as {
    queued: number;
    delivered: number;
    retried: number;
    toFirst: number;
    firstToLast: number;
  };
  const cpu = cpuSince(before, backlog.queued);
  const loop = await loopDelay(reprise);
  const sunkAfter = await received(receiver);
  const drain = {
    ...backlog,
    seconds,
    perSecond: Math.round(backlog.delivered / seconds),
    // The worker looks for due deliveries every 2 s when it has none: the first one waits for that.
    perSecondFirstToLast: Math.round((backlog.delivered - 1) / backlog.firstToLast),
    receiverGot: sunkAfter.received - sunk.received,
    receiverUnique: sunkAfter.unique - sunk.unique,
    badSignatures: sunkAfter.bad - sunk.bad,
    cpuMicrosecondsPerDelivery: cpu,
    loop,
  };
  console.log('\nbacklog drained:', drain);
  return drain;
}

/**
 * The submission path alone, in this process (WRITER_THREAD=0): CPU per submission, in batches of 10 as under 10
 * connections, with the triggers dropped, with no enabled endpoint, and with one (its deliveries stay queued: no
 * worker runs here). Blocks of the three modes alternate, so the machine's load falls on all of them alike.
 */
async function writePath(opts: Opts) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-writes-'));
  const file = path.join(dir, 'reprise.db');
  const db = openDatabase(file);
  try {
    migrate(db);
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_PATH: file, LOG_LEVEL: 'silent', WRITER_THREAD: '0' });
    const c = createContainer({ config, db, transport: createTransport(null, dir), logger: pino({ level: 'silent' }) });
    await c.writer.ready();
    const hot = db
      .prepare(
        `SELECT name, sql FROM sqlite_master WHERE type = 'trigger'
        AND name IN ('webhook_request_created', 'webhook_request_audited')`,
      )
      .all() as { name: string; sql: string }[];
    db.prepare(
      `INSERT INTO webhook_endpoints (url, format, events, secret, created_by, created_at, disabled_at)
      VALUES ('http://127.0.0.1:9/h', 'standard', ?, ?, 'bench', datetime('now'), datetime('now'))`,
    ).run(EVENTS, SECRET);
    const modes: Record<string, () => void> = {
      'no triggers': () => hot.forEach((t) => db.exec(`DROP TRIGGER IF EXISTS ${t.name}`)),
      'no endpoint': () => db.exec(`UPDATE webhook_endpoints SET disabled_at = datetime('now')`),
      'one endpoint': () => db.exec('UPDATE webhook_endpoints SET disabled_at = NULL'),
    };
    const restoreTriggers = () => hot.forEach((t) => db.exec(`DROP TRIGGER IF EXISTS ${t.name}; ${t.sql}`));
    let seq = 0;
    const submit = async (count: number) => {
      for (let b = 0; b < count / 10; b++) {
        const batch = Array.from({ length: 10 }, () =>
          c.services.submissions.submit(licensingRequest(seq++), { locale: 'en' }),
        );
        for (const outcome of await Promise.all(batch))
          if (outcome.kind !== 'created') throw new Error(`a submission was ${outcome.kind}`);
      }
    };
    await submit(opts.smoke ? 100 : 2_000); // warm-up: V8's optimised code, and indexes with some depth
    const block = opts.smoke ? 100 : 500;
    const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
    for (let cycle = 0; cycle < (opts.smoke ? 1 : 6); cycle++) {
      const names = Object.keys(modes);
      for (const mode of [...names.slice(cycle % 3), ...names.slice(0, cycle % 3)]) {
        restoreTriggers();
        modes[mode]!();
        const before = process.cpuUsage();
        await submit(block);
        const used = process.cpuUsage(before);
        cpu[mode]!.push(Math.round((used.user + used.system) / block));
      }
    }
    // The triggers' condition alone, with no enabled endpoint: 20,000 audit rows about a request in one transaction
    // (no commit to wait for), with the triggers and without them, alternating ten times.
    modes['no endpoint']!();
    const auditRow = db.prepare(`INSERT INTO audit_log
      (at, actor_id, actor, action, subject_type, subject_id, before_json, after_json)
      VALUES (?, NULL, 'bench', 'request.note', 'request', '1', '{"status":"new"}', '{"status":"new"}')`);
    const rows = opts.smoke ? 1_000 : 20_000;
    const perRow = () => {
      const at = new Date().toISOString();
      const before = process.cpuUsage();
      db.transaction(() => {
        for (let i = 0; i < rows; i++) auditRow.run(at);
      })();
      const used = process.cpuUsage(before);
      return (used.user + used.system) / rows;
    };
    perRow();
    const condition: Record<string, number[]> = { 'with the triggers': [], 'without them': [] };
    for (let k = 0; k < 10; k++) {
      for (const mode of k % 2 ? ['with the triggers', 'without them'] : ['without them', 'with the triggers']) {
        if (mode === 'without them') modes['no triggers']!();
        else restoreTriggers();
        condition[mode]!.push(perRow());
      }
    }
    restoreTriggers();
    const events = number(db, 'SELECT COUNT(*) FROM webhook_events');
    const result = Object.entries(cpu).map(([mode, us]) => ({ mode, median: median(us), blocks: us }));
    const auditRows = Object.entries(condition).map(([mode, us]) => ({ mode, medianMicroseconds: median(us) }));
    console.log('\nthe write path alone: CPU µs per submission (median; each block of ' + block + ')');
    for (const r of result)
      console.log(`  ${r.mode.padEnd(14)} ${String(r.median).padStart(6)}   ${r.blocks.join(' ')}`);
    console.log(`  events recorded (one endpoint blocks only): ${events.toLocaleString('en')}`);
    console.log('an audit row about a request, no enabled endpoint: CPU µs per row (median of ten)');
    for (const r of auditRows) console.log(`  ${r.mode.padEnd(18)} ${r.medianMicroseconds.toFixed(2)}`);
    await c.writer.close();
    return { result, events, auditRows };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function cli(env: Record<string, string>, args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'dist/src/cli/main.js'), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`reprise ${args.join(' ')} failed: ${r.stderr}`);
}

/** The seeded file bench/staff.ts keeps (made by `reprise seed` when missing), with the newer migrations applied. */
function seeded(count: number): string {
  const keep = path.join(root, 'bench/out/seed', `seed-${count}.db`);
  if (!fs.existsSync(keep)) {
    fs.mkdirSync(path.dirname(keep), { recursive: true });
    console.log(`seeding ${count.toLocaleString('en')} requests (once; kept in ${path.relative(root, keep)})…`);
    cli({ DATABASE_PATH: `${keep}.tmp` }, ['seed', '--count', String(count)]);
    fs.renameSync(`${keep}.tmp`, keep);
  }
  cli({ DATABASE_PATH: keep }, ['migrate']);
  return keep;
}

/** One client, one request after another: each page's latency in ms, to the tenth. */
async function oneClient(url: string, headers: Record<string, string>, times: number) {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    ms.push(performance.now() - t0);
  }
  return { p50: median(ms), p99: percentile(ms, 99), n: times };
}

async function readApi(opts: Opts) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-read-api-'));
  const env = serviceEnv(dir);
  const servers: Server[] = [];
  try {
    if (opts.smoke) cli(env, ['seed', '--count', String(opts.count)]);
    else fs.copyFileSync(seeded(opts.count), env.DATABASE_PATH!);
    const token = `rep_${crypto.randomBytes(32).toString('base64url')}`;
    const db = new Database(env.DATABASE_PATH);
    db.prepare(`INSERT INTO api_tokens (name, token_hash, created_by, created_at) VALUES ('bench', ?, 'bench', ?)`).run(
      crypto.createHash('sha256').update(token).digest('hex'),
      new Date().toISOString(),
    );
    const total = number(db, 'SELECT COUNT(*) FROM requests');
    // A position 90 % of the way through the table, in the order the API pages in.
    const deepAt = db
      .prepare('SELECT updated_at FROM requests ORDER BY updated_at, id LIMIT 1 OFFSET ?')
      .pluck()
      .get(Math.floor(total * 0.9)) as string;
    db.close();

    const reprise = await startServer(
      'reprise',
      [path.join(root, 'dist/src/main.js')],
      env,
      '/healthz',
      path.join(dir, 'reprise.log'),
    );
    servers.push(reprise);
    // Uncompressed unless a case says otherwise (fetch would ask for gzip), as plain Express sends its bytes.
    const headers = { authorization: `Bearer ${token}`, 'accept-encoding': 'identity' };
    const page = async (query: string) => {
      const res = await fetch(`${reprise.url}/api/v1/requests?${query}`, { headers });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`?${query} answered ${res.status}: ${body.slice(0, 200)}`);
      const parsed = JSON.parse(body) as { items: unknown[]; next: string | null };
      return { items: parsed.items.length, bytes: Buffer.byteLength(body), next: parsed.next };
    };
    // The cursor a client holds there: the `next` of the page that starts at that position.
    const cursor = (await page(`updatedSince=${encodeURIComponent(deepAt)}&limit=100`)).next!;
    const cases = [
      { name: 'first page, limit=100', query: 'limit=100' },
      { name: 'first page, limit=500', query: 'limit=500' },
      { name: 'deep page (cursor at 90 %), limit=100', query: `cursor=${cursor}&limit=100` },
      { name: 'deep page (cursor at 90 %), limit=500', query: `cursor=${cursor}&limit=500` },
      { name: 'status=licensed, first page, limit=100', query: 'status=licensed&limit=100' },
      { name: 'status=licensed, deep page, limit=100', query: `status=licensed&cursor=${cursor}&limit=100` },
      // What most HTTP clients ask for (fetch, Python's requests: gzip), and browsers and curl --compressed (br).
      { name: 'first page, limit=100, gzip', query: 'limit=100', encoding: 'gzip' },
      { name: 'first page, limit=500, gzip', query: 'limit=500', encoding: 'gzip' },
      { name: 'first page, limit=100, br', query: 'limit=100', encoding: 'br' },
      // Open requests are the recent ones (3 % of the table): one range of (status, updated_at, id) per status.
      { name: 'status=new, first page, limit=100', query: 'status=new&limit=100' },
      { name: 'status=new,in_review,quoted, first page, limit=100', query: 'status=new,in_review,quoted&limit=100' },
    ];
    const sizes = new Map<string, { items: number; bytes: number }>();
    for (const c of cases) if (!c.encoding) sizes.set(c.name, await page(c.query));
    const plains = new Map<number, Server>();
    for (const limit of [100, 500]) {
      const bytes = sizes.get(`first page, limit=${limit}`)!.bytes;
      const plain = await startServer(
        `plain ${limit}`,
        [path.join(root, 'bench/plain-server.js')],
        { PAGE_BYTES: String(bytes) },
        '/',
        path.join(dir, `plain-${limit}.log`),
      );
      servers.push(plain);
      plains.set(limit, plain);
    }

    const rows: Record<string, unknown>[] = [];
    const measure = async (name: string, server: Server, url: string, hdrs: Record<string, string>) => {
      const one = await oneClient(url, hdrs, opts.smoke ? 3 : 100);
      const before = snapshot({ service: server.child.pid! });
      const result = await run({ url, headers: hdrs }, opts.duration);
      const cpu = cpuSince(before, result.requests.total);
      // Bytes on the wire per answer, headers included (autocannon does not decompress).
      const wire = Math.round(result.throughput.total / Math.max(result.requests.total, 1));
      const ten = toRow(name, result, 200);
      rows.push({ name, ...sizes.get(name), wire, one, ten, cpu });
      console.log(
        `${name.padEnd(44)} one client p50 ${one.p50.toFixed(1)} / p99 ${one.p99.toFixed(1)} ms` +
          `; 10 connections ${ten.rps} req/s, p50 ${ten.p50} / p99 ${ten.p99} ms, bad ${ten.unexpected}` +
          `; CPU µs a page: main ${cpu.main}, other threads ${cpu.writer + cpu.other}` +
          `; ${wire.toLocaleString('en')} bytes an answer`,
      );
    };
    console.log(`\nGET /api/v1/requests over ${total.toLocaleString('en')} requests`);
    for (const limit of [100, 500]) {
      const bytes = sizes.get(`first page, limit=${limit}`)!.bytes;
      const name = `plain Express sending ${bytes.toLocaleString('en')} bytes (limit=${limit})`;
      await measure(name, plains.get(limit)!, `${plains.get(limit)!.url}/page`, {});
    }
    for (const c of cases) {
      const asked = c.encoding ? { ...headers, 'accept-encoding': c.encoding } : headers;
      await measure(c.name, reprise, `${reprise.url}/api/v1/requests?${c.query}`, asked);
    }

    // What the filtered page does to everything else: GET /healthz while one client reads it again and again.
    const health = autocannon({ url: `${reprise.url}/healthz`, connections: 1, duration: 300 });
    const slowPages = await oneClient(`${reprise.url}/api/v1/requests?status=new&limit=100`, headers, 200);
    health.stop();
    const h = await health;
    const beside = { slowPages, healthz: { p50: h.latency.p50, p99: h.latency.p99, max: h.latency.max } };
    console.log('GET /healthz while status=new first pages are read:', beside);
    await Promise.all(servers.map((s) => s.stop()));
    return {
      total,
      sizes: Object.fromEntries(sizes),
      rows,
      beside,
      inProcess: await inProcess(env.DATABASE_PATH!, deepAt),
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Each page's query alone (SQLite writing the records), its plan with the parameters bound, and one audit row. */
async function inProcess(file: string, deepAt: string) {
  const db = openDatabase(file);
  try {
    const line = formatterFor('json', requestColumns(db)).line;
    // The statement's text, as the repository prepares it, so its plan can be read with parameters bound.
    const sources: string[] = [];
    const spy = Object.create(db, {
      prepare: { value: (sql: string) => (sources.push(sql), db.prepare(sql)) },
    }) as Db;
    const records = apiRecordsRepo(spy, line);
    // Everything has settled (the service leaves the last 2 s for the next page).
    const settled = new Date().toISOString();
    const start = { afterAt: '', afterId: 0, settled };
    const deep = { afterAt: deepAt, afterId: 0, settled };
    const queries = [
      { name: 'first page, limit=100', q: { ...start, statuses: null, limit: 100 } },
      { name: 'first page, limit=500', q: { ...start, statuses: null, limit: 500 } },
      { name: 'deep page, limit=100', q: { ...deep, statuses: null, limit: 100 } },
      { name: 'deep page, limit=500', q: { ...deep, statuses: null, limit: 500 } },
      { name: 'status=licensed, first page, limit=100', q: { ...start, statuses: ['licensed'], limit: 100 } },
      { name: 'status=new, first page, limit=100', q: { ...start, statuses: ['new'], limit: 100 } },
      {
        name: 'status=new,in_review,quoted, first page',
        q: { ...start, statuses: ['new', 'in_review', 'quoted'], limit: 100 },
      },
    ];
    const runs = 20;
    const timings = queries.map(({ name, q }) => {
      records.page(q);
      const t0 = performance.now();
      for (let i = 0; i < runs; i++) records.page(q);
      return { name, ms: (performance.now() - t0) / runs };
    });
    // The page without a filter; with one, a status's range of keys, then the records of the merged keys.
    const plan = (marker: string, params: Record<string, unknown>) =>
      (
        db.prepare(`EXPLAIN QUERY PLAN ${sources.find((sql) => sql.includes(marker))}`).all(params) as {
          detail: string;
        }[]
      ).map((row) => row.detail);
    const walked = number(
      db,
      `SELECT COUNT(*) FROM requests WHERE updated_at < (SELECT min(updated_at) FROM requests WHERE status = 'new')`,
    );
    const audit = auditRepo(db);
    const row = () =>
      audit.record({
        actor: { id: null, label: 'api token "bench"' },
        action: 'api.read',
        subjectType: 'api_token',
        subjectId: 1,
        // As a list read audits it: the references of the page it gave.
        after: { what: 'requests', count: 100, references: Array.from({ length: 100 }, (_, n) => `REP-2026-${n}`) },
        at: new Date().toISOString(),
      });
    let t0 = performance.now();
    for (let i = 0; i < 50; i++) row();
    const auditMs = (performance.now() - t0) / 50;
    // As the service now commits it: waiting for the lock on a timer, at synchronous=NORMAL.
    t0 = performance.now();
    for (let i = 0; i < 50; i++) await writeTransactionWhenFree(db, row);
    const auditWhenFreeMs = (performance.now() - t0) / 50;
    const result = {
      timings,
      plan: plan('r.updated_at < @settled', { ...start, limit: 100 }),
      planWithStatus: [
        ...plan('status = @status', { ...start, status: 'new', limit: 100 }),
        ...plan('json_each(@ids)', { ids: '[1,2,3]' }),
      ],
      rowsBeforeTheFirstNew: walked,
      auditRowMs: auditMs,
      auditRowWhenFreeMs: auditWhenFreeMs,
    };
    console.log('\nin-process (the query alone, mean ms):');
    for (const t of timings) console.log(`  ${t.name.padEnd(44)} ${t.ms.toFixed(2).padStart(8)}`);
    console.log(`plan: ${result.plan.join(' | ')}`);
    console.log(`plan with a status: ${result.planWithStatus.join(' | ')}`);
    console.log(`requests before the first new one, in the API's order: ${walked.toLocaleString('en')}`);
    console.log(`one audit row of 100 references, committed alone (synchronous=FULL): ${auditMs.toFixed(2)} ms`);
    console.log(`the same with writeTransactionWhenFree (synchronous=NORMAL): ${auditWhenFreeMs.toFixed(2)} ms`);
    return result;
  } finally {
    db.close();
  }
}

if (process.argv[2] === '--sink') sink();
else await main();
