// Measures group commit's batch sizes under the submission scenarios: runs the
// service through batch-probe-server.ts (the same app, with a counting writer)
// and prints how many requests each COMMIT carried.
// Each scenario runs with group commit off (maxBatch=1) and on, alternately.
// Usage: tsx bench/batching.ts [seconds] [--mail]
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from './processes.js';
import { reprisescenarios } from './scenarios.js';

const seconds = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 10);
const root = path.resolve(import.meta.dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-batching-'));
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
const scenarios = reprisescenarios({ smoke: true, formSecret, dir, env, root, servers: [] }).filter(
  (s) => s.name === 'POST /api/v1/requests (FULL)' || s.name === 'POST /licensing',
);
// Alternating, so every setting sees the same load from other work on the machine.
// `--mail` adds runs with the outbox worker off (what delivering the two emails costs).
const withMail = process.argv.includes('--mail');
const settings: [number, boolean][] = withMail
  ? [
      [64, true],
      [64, false],
      [64, true],
      [64, false],
    ]
  : [
      [1, true],
      [64, true],
      [1, true],
      [64, true],
    ];
for (const s of scenarios) {
  for (const [maxBatch, mail] of settings) {
    const log = path.join(dir, `${s.name.replace(/\W+/g, '_')}-${maxBatch}-${mail}.log`);
    const server = await startServer(
      'probe',
      ['--import', 'tsx', path.join(root, 'bench/batch-probe-server.ts')],
      { ...env, BENCH_MAX_BATCH: String(maxBatch), BENCH_NO_MAIL: mail ? '0' : '1' },
      '/healthz',
      log,
    );
    const row = await s.measure(server, seconds);
    await server.stop();
    const stats = fs.readFileSync(log, 'utf8').trim().split('\n').at(-1);
    console.log(
      `${s.name} maxBatch=${maxBatch}${mail ? '' : ' (mail worker off)'}: ${row.rps} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms; batches ${stats}`,
    );
  }
}
fs.rmSync(dir, { recursive: true, force: true });
