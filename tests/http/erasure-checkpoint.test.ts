// The checkpoint after an erasure while another connection holds a read transaction, as
// Litestream always does between its own checkpoints: the erasure returns at once and
// submissions carry on (a TRUNCATE checkpoint waiting for that reader held the write lock
// for the whole 5 s busy time-out), and once the reader lets go, the next checkpoint moves
// the erased text out of the database file and the WAL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { validRequest } from '../helpers/fixtures.js';
import { runCli } from '../helpers/cli-process.js';
import { checkpointWithoutWaiting, openDatabase, type Db } from '../../src/db/connection.js';
import { erasePerson } from '../../src/services/erasure.js';
import { CLI } from '../../src/domain/accounts.js';

let t: TestApp;
let reader: Db;
const person = (email: string, name: string) => validRequest({ requester: { name, email } });

async function submit(body: object): Promise<number> {
  const started = performance.now();
  await request(t.server).post('/api/v1/requests').send(body).expect(201);
  return performance.now() - started;
}

/** Litestream's hold on the database: a read transaction begun before the latest writes. */
function holdRead() {
  reader.exec('BEGIN');
  reader.prepare('SELECT count(*) FROM requests').get();
}
const letGo = () => {
  if (reader.inTransaction) reader.exec('ROLLBACK');
};

const fileHolds = (needle: string) =>
  [t.config.databasePath, `${t.config.databasePath}-wal`]
    .filter((f) => fs.existsSync(f))
    .some((f) => fs.readFileSync(f).includes(Buffer.from(needle)));

before(async () => {
  t = await buildTestApp();
  reader = openDatabase(t.config.databasePath, { readonly: true });
});
after(async () => {
  letGo();
  reader.close();
  await t.close();
});

test('in the service: with a reader holding an old snapshot the erasure returns at once, its checkpoint deferred', async (ctx) => {
  ctx.after(letGo);
  await submit(person('held@example.org', 'Held Reader-Case'));
  holdRead();
  await submit(person('other@example.org', 'Someone Other')); // the WAL now runs past the reader's snapshot
  const started = performance.now();
  const result = erasePerson(t.db, 'held@example.org', { actor: CLI, now: new Date() });
  const ms = performance.now() - started;
  assert.equal(result.references.length, 1);
  assert.equal(result.walCheckpointed, false, 'the reader keeps the checkpoint from finishing');
  assert.ok(ms < 1_000, `the erasure took ${ms.toFixed(0)} ms (a waiting checkpoint takes the 5 s busy time-out)`);
  assert.ok((await submit(person('next@example.org', 'Next One'))) < 1_000);

  letGo();
  assert.ok(fileHolds('held@example.org'), 'until a checkpoint, the old pages are still in the WAL');
  assert.equal(checkpointWithoutWaiting(t.db), true, 'with the reader gone the next checkpoint completes');
  assert.equal(fs.statSync(`${t.config.databasePath}-wal`).size, 0, 'and truncates the WAL');
  assert.ok(
    !fileHolds('held@example.org') && !fileHolds('Reader-Case'),
    'the erased text has left the file and the WAL',
  );
});

test('reprise erase in another process while submissions go on: no submission waits on its checkpoint', async (ctx) => {
  ctx.after(letGo);
  for (let i = 0; i < 3; i++) await submit(person('cli@example.org', `Cli Person ${i}`));
  holdRead();
  await submit(person('other@example.org', 'Someone Other'));
  const env = { DATABASE_PATH: t.config.databasePath, MAIL_DIR: path.join(t.dir, 'mail') };
  let running = true;
  const erase = runCli(['erase', '--email', 'cli@example.org'], env).finally(() => (running = false));
  const latencies: number[] = [];
  let i = 0;
  while (running) latencies.push(await submit(person(`during${i}@example.org`, `During ${i++}`)));
  const run = await erase;
  letGo();
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /Erased 3 request\(s\)/);
  assert.match(run.stderr, /stays in the WAL file until the next checkpoint/);
  assert.ok(latencies.length >= 3, `${latencies.length} submissions while the command ran`);
  const slowest = Math.max(...latencies);
  // A checkpoint waiting for the reader would have held every write up for 5 s.
  assert.ok(slowest < 2_500, `slowest submission during the erasure: ${slowest.toFixed(0)} ms`);
});
