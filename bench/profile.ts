// Profiles the built service under one scenario's load: starts it with
// `node --cpu-prof`, runs the scenario, stops it (the profile is written at exit)
// and prints the functions with the most self time.
// Usage: tsx bench/profile.ts [scenario-substring] [seconds]   (build first)
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from './processes.js';
import { reprisescenarios } from './scenarios.js';

interface ProfileNode {
  id: number;
  hitCount?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

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
const scenario = reprisescenarios({ smoke: true, formSecret, dir, env, root, servers: [] }).find((s) => s.name.includes(wanted));
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

const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { nodes: ProfileNode[] };
const self = new Map<string, number>();
let total = 0;
for (const n of profile.nodes) {
  const { functionName, url, lineNumber } = n.callFrame;
  const where = url ? `${url.replace(`file://${root}/`, '').replace(/^.*node_modules\//, '')}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + (n.hitCount ?? 0));
  total += n.hitCount ?? 0;
}
const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
for (const [name, hits] of top) console.log(`${((100 * hits) / total).toFixed(1).padStart(5)}%  ${name}`);
fs.copyFileSync(path.join(dir, file), path.join(root, 'bench/out', `${wanted.replace(/\W+/g, '_')}.cpuprofile`));
fs.rmSync(dir, { recursive: true, force: true });
