// Profiles a desk page under load: copies a seeded database (bench/out/seed, made by
// npm run bench), adds a staff account, starts the built service with --cpu-prof, signs
// in, loads /staff/requests<query> with autocannon (10 connections, 8 s) and prints the
// functions with the most self time. bench/profile.ts does the same for the public scenarios.
// Usage (build first): npx tsx bench/profile-desk.ts ['?q=matin&status=licensed'] [10000|1000000]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startServer } from './processes.js';
import { printTopSelfTime } from './profile-summary.js';
import autocannon from 'autocannon';

const root = path.resolve(import.meta.dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-profile-desk-'));
const db = path.join(dir, 'reprise.db');
const [query = '', size = '1000000'] = process.argv.slice(2);
const seed = path.join(root, `bench/out/seed/seed-${size}.db`);
if (!fs.existsSync(seed)) throw new Error(`${seed} is missing: run npm run bench once to make it`);
fs.copyFileSync(seed, db);
const env = {
  NODE_ENV: 'production',
  DATABASE_PATH: db,
  MAIL_DIR: path.join(dir, 'mail'),
  PASSWORD_SCRYPT_LOG2N: '14',
  SECOND_FACTOR: 'optional', // the desk's pages are profiled, not its sign-in
  LOG_LEVEL: 'warn',
  RETENTION_MONTHS: '0',
  TRUST_PROXY: '1',
};
const r = spawnSync(
  process.execPath,
  [path.join(root, 'dist/src/cli/main.js'), 'user', 'add', '--email', 'b@x.example', '--role', 'staff'],
  { env: { ...process.env, ...env }, input: 'bench-password-long-enough\n', encoding: 'utf8' },
);
if (r.status !== 0) throw new Error(r.stderr);
const server = await startServer(
  'reprise',
  ['--cpu-prof', `--cpu-prof-dir=${dir}`, path.join(root, 'dist/src/main.js')],
  env,
  '/healthz',
  path.join(dir, 'log'),
);
const PROXY = { 'x-forwarded-proto': 'https' };
const cookieOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
const page = await fetch(`${server.url}/staff/login`, { headers: PROXY });
const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
const res = await fetch(`${server.url}/staff/login`, {
  method: 'POST',
  redirect: 'manual',
  headers: { ...PROXY, cookie: cookieOf(page), 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ email: 'b@x.example', password: 'bench-password-long-enough', _csrf: csrf }).toString(),
});
const cookie = cookieOf(res);
const result = await autocannon({
  url: `${server.url}/staff/requests${query}`,
  headers: { ...PROXY, cookie },
  connections: 10,
  duration: 8,
});
console.log(
  `/staff/requests${query} at ${Number(size).toLocaleString('en')}: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms (under the profiler)\n`,
);
await server.stop();
printTopSelfTime(dir, root, `desk-${size}`, 25);
fs.rmSync(dir, { recursive: true, force: true });
