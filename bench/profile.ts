// Profiles the built service under one scenario's load: starts it with
// `node --cpu-prof`, runs the scenario, stops it (the profile is written at exit)
// and prints the functions with the most self time.
// Usage: tsx bench/profile.ts [scenario-substring] [seconds]   (build first)
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from './processes.js';
import { printTopSelfTime } from './profile-summary.js';
import { reprisescenarios } from './scenarios.js';

const [wanted = 'POST /api/v1/requests', seconds = '10'] = process.argv.slice(2);
const root = path.resolve(import.meta.dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-profile-'));
const formSecret = crypto.randomBytes(32).toString('base64url');
const env = {
  NODE_ENV: 'production',
  DATABASE_PATH: path.join(dir, 'reprise.db'),
  MAIL_DIR: path.join(dir, 'mail'),
  RATE_LIMIT_SUBMIT_PER_HOUR: '0',
  RATE_LIMIT_QUOTE_PER_MINUTE: '0',
  FORM_MIN_FILL_SECONDS: '0',
  LOG_LEVEL: 'warn',
  RETENTION_MONTHS: '0',
  FORM_SECRET: formSecret,
};
const scenario = reprisescenarios({ smoke: true, formSecret, dir, env, root, servers: [] }).find((s) =>
  s.name.includes(wanted),
);
if (!scenario) throw new Error(`No scenario matches "${wanted}"`);

const server = await startServer(
  'reprise',
  ['--cpu-prof', `--cpu-prof-dir=${dir}`, path.join(root, 'dist/src/main.js')],
  env,
  '/healthz',
  path.join(dir, 'reprise.log'),
);
const row = await scenario.measure(server, Number(seconds));
await server.stop();
console.log(`${scenario.name}: ${row.rps} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms (under the profiler)\n`);

printTopSelfTime(dir, root, wanted.replace(/\W+/g, '_'), 30);
fs.rmSync(dir, { recursive: true, force: true });
