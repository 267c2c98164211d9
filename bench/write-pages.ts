// What one submission writes: 5,000 bench requests through the real group-commit
// writer (batches of 10, as under 10 connections) into a fresh file, then the WAL's
// frames counted per b-tree. Every page a COMMIT writes costs CPU and disk; an index
// with a random key (an address, a random id) adds about one page per row.
// Usage: npx tsx bench/write-pages.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keepJournalsInMemory, openDatabase } from '../src/db/connection.js';
import { migrate } from '../src/db/migrate.js';
import { requestsRepo } from '../src/db/repos/requests.js';
import { outboxRepo } from '../src/db/repos/outbox.js';
import { idempotencyRepo } from '../src/db/repos/idempotency.js';
import { requestWriter, type WriteCommand } from '../src/db/writer/group-commit.js';
import { computeQuote } from '../src/domain/quote.js';
import { loadRateCard } from '../src/validation/rate-card-file.js';
import type { LicensingRequest } from '../src/domain/request.js';
import { licensingRequest } from './bodies.js';

const N = 5_000;
const BATCH = 10;
const PAGE = 4096;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-pages-'));
const db = openDatabase(path.join(dir, 'reprise.db'));
migrate(db);
keepJournalsInMemory(db); // as the writer's connection does
const writer = requestWriter(db, {
  requests: requestsRepo(db),
  outbox: outboxRepo(db, 'bench.test'),
  idempotency: idempotencyRepo(db),
});
const rateCard = loadRateCard();
const now = new Date();
let seq = 0;
const command = (i: number): WriteCommand => {
  const request = licensingRequest(i) as unknown as LicensingRequest;
  return {
    request,
    locale: request.locale ?? 'en',
    quote: computeQuote(rateCard, request, now.toISOString().slice(0, 10)),
    accessToken: `bench-${String(++seq).padStart(26, '0')}`,
    now: now.toISOString(),
    emails: [
      { template: 'desk_new_request', locale: 'en', recipient: 'desk@bench.test' },
      {
        template: 'requester_ack',
        locale: request.locale ?? 'en',
        recipient: request.requester.email,
        unlessAcksSince: { count: 20, since: new Date(now.getTime() - 86_400_000).toISOString() },
      },
    ],
  };
};
const submit = async (count: number) => {
  for (let b = 0; b < count / BATCH; b++)
    await Promise.all(Array.from({ length: BATCH }, (_, i) => writer.write(command(b * BATCH + i), now)));
};

await submit(2_000); // warm up: the indexes have some depth before counting
db.pragma('wal_checkpoint(TRUNCATE)');
db.pragma('wal_autocheckpoint = 0');
const cpu = process.cpuUsage();
await submit(N);
const { user, system } = process.cpuUsage(cpu);

const wal = fs.readFileSync(path.join(dir, 'reprise.db-wal'));
const owner = new Map(
  (db.prepare('SELECT pageno, name FROM dbstat').all() as { pageno: number; name: string }[]).map((r) => [
    r.pageno,
    r.name,
  ]),
);
const pages = new Map<string, number>();
let total = 0;
for (let at = 32; at + 24 + PAGE <= wal.length; at += 24 + PAGE) {
  const name = owner.get(wal.readUInt32BE(at)) ?? '(free list)';
  pages.set(name, (pages.get(name) ?? 0) + 1);
  total++;
}
console.log(
  `${N.toLocaleString('en')} submissions in batches of ${BATCH}: ${(total / N).toFixed(2)} WAL pages and ${((user + system) / N).toFixed(0)} µs of CPU each`,
);
for (const [name, n] of [...pages].sort((a, b) => b[1] - a[1]).filter(([, n]) => n / N >= 0.05)) {
  console.log(`${(n / N).toFixed(2).padStart(6)}  ${name}`);
}
db.close();
fs.rmSync(dir, { recursive: true, force: true });
