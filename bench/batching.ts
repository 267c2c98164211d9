// Measures group commit's batch sizes under the submission scenarios: runs the
// service through batch-probe-server.ts (the same app, with a counting writer)
// and prints how many requests each COMMIT carried.
// Each scenario runs with group commit off (maxBatch=1) and on, alternately.
// Usage: tsx bench/batching.ts [seconds]
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from './processes.js';
import { reprisescenarios } from './scenarios.js';

const seconds = Number(process.argv[2] ?? 10);
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
  FORM_SECRET: formSecret,
};
const scenarios = reprisescenarios({ smoke: true, formSecret, dir, env, root, servers: [] }).filter((s) => s.name === 'POST /api/v1/requests' || s.name === 'POST /licensing');
// Alternating, so both settings see the same load from other work on the machine.
for (const s of scenarios) {
  for (const maxBatch of [1, 64, 1, 64]) {
    const log = path.join(dir, `${s.name.replace(/\W+/g, '_')}-${maxBatch}.log`);
    const server = await startServer('probe', ['--import', 'tsx', path.join(root, 'bench/batch-probe-server.ts')],
      { ...env, BENCH_MAX_BATCH: String(maxBatch) }, '/healthz', log);
    const row = await s.measure(server, seconds);
    await server.stop();
    const stats = fs.readFileSync(log, 'utf8').trim().split('\n').at(-1);
    console.log(`${s.name} maxBatch=${maxBatch}: ${row.rps} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms; batches ${stats}`);
  }
}
fs.rmSync(dir, { recursive: true, force: true });
