// Does mail keep flowing while submissions flood in? Starts the built service (mail
// written as .eml files), sends API submissions with 10 connections for 10 s, and
// reports how much of the outbox went out during the flood and how long the rest
// took once it stopped. Usage (build first): npx tsx bench/mail-under-load.ts
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { startServer } from './processes.js';
import { licensingRequest } from './bodies.js';
import { JSON_HEADERS, rotating } from './measure.js';

const root = path.resolve(import.meta.dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-mail-'));
const env = {
  NODE_ENV: 'production',
  DATABASE_PATH: path.join(dir, 'reprise.db'),
  MAIL_DIR: path.join(dir, 'mail'),
  RATE_LIMIT_SUBMIT_PER_HOUR: '0',
  ACK_EMAILS_PER_ADDRESS_PER_DAY: '0',
  LOG_LEVEL: 'warn',
  RETENTION_MONTHS: '0',
  FORM_SECRET: crypto.randomBytes(32).toString('base64url'),
};
const server = await startServer(
  'reprise',
  [path.join(root, 'dist/src/main.js')],
  env,
  '/healthz',
  path.join(dir, 'reprise.log'),
);
const bodies = Array.from({ length: 60 }, (_, i) => JSON.stringify(licensingRequest(i)));
const result = await autocannon({
  url: server.url,
  connections: 10,
  duration: 10,
  requests: rotating(bodies, JSON_HEADERS, 'POST', '/api/v1/requests'),
});
const db = new Database(env.DATABASE_PATH, { readonly: true });
const count = (where: string) => db.prepare(`SELECT COUNT(*) FROM outbox WHERE ${where}`).pluck().get() as number;
const sentDuring = count(`status = 'sent'`);
const queued = count('1');
const started = Date.now();
while (count(`status IN ('queued', 'sending')`) > 0 && Date.now() - started < 300_000)
  await new Promise((r) => setTimeout(r, 200));
const drainS = (Date.now() - started) / 1000;
console.log(
  `${Math.round(result.requests.average)} submissions/s for 10 s queued ${queued.toLocaleString('en')} emails;`,
);
console.log(
  `${sentDuring.toLocaleString('en')} went out during the flood (${Math.round(sentDuring / 10)}/s), the rest in ${drainS.toFixed(1)} s after it (${Math.round((queued - sentDuring) / drainS)}/s)`,
);
db.close();
await server.stop();
fs.rmSync(dir, { recursive: true, force: true });
