// The group-commit writer on its own thread and connection (the service's default):
// a request is acknowledged only after the thread's COMMIT, so while another
// connection holds the write lock nothing is acknowledged; a row that fails comes
// back as that caller's error with SQLite's message, code and class name; close()
// (called once or twice) waits for writes in flight, ends the thread, and refuses later writes.
import fs from 'node:fs';
import path from 'node:path';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp } from '../helpers/app.js';
import { writeCommand } from '../helpers/write-command.js';
import { openDatabase } from '../../src/db/connection.js';
import { requestWriterThread } from '../../src/db/writer/writer-thread.js';

const t = await buildTestApp();
const reader = openDatabase(t.config.databasePath, { readonly: true });
after(async () => {
  reader.close();
  await t.close();
});

const command = (overrides: Record<string, unknown> = {}, key?: string) => writeCommand(t, overrides, key);
const stored = (message: string) =>
  (reader.prepare('SELECT COUNT(*) AS n FROM requests WHERE message = ?').get(message) as { n: number }).n;
const settledWithin = (p: Promise<unknown>, ms: number) =>
  Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    new Promise((resolve) => setTimeout(() => resolve(false), ms)),
  ]);

test('the service writes requests on a thread of its own, and acknowledges none while another connection holds the write lock', async () => {
  const writer = t.container.writer;
  // The main thread's connection takes the write lock: the thread's batch must wait for it.
  t.db.exec('BEGIN IMMEDIATE');
  const writes = [
    writer.write(command({ message: 'held 1' }), t.clock.now),
    writer.write(command({ message: 'held 2' }), t.clock.now),
  ];
  try {
    assert.equal(await settledWithin(Promise.race(writes), 300), false, 'nothing acknowledged while the lock is held');
    assert.equal(stored('held 1') + stored('held 2'), 0);
  } finally {
    t.db.exec('COMMIT');
  }
  const results = await Promise.all(writes);
  assert.deepEqual(
    results.map((r) => r.kind),
    ['created', 'created'],
  );
  assert.equal(stored('held 1') + stored('held 2'), 2, 'both stored once acknowledged');
  const outbox = reader
    .prepare('SELECT COUNT(*) AS n FROM outbox WHERE request_id IN (?, ?)')
    .get(results[0]!.id, results[1]!.id);
  assert.deepEqual(outbox, { n: 4 }, 'each with its two emails queued');
});

test("a row that fails comes back as its caller's error; the rest of the batch is stored", async () => {
  const writer = requestWriterThread({ databasePath: t.config.databasePath, messageIdDomain: 'reprise.test' });
  const bad = command({ message: 'thread bad' });
  bad.request = { ...bad.request, usage: { ...bad.request.usage, audience: -1 } };
  const settled = await Promise.allSettled([
    writer.write(command({ message: 'thread good 1' }), t.clock.now),
    writer.write(bad, t.clock.now),
    writer.write(command({ message: 'thread good 2' }), t.clock.now),
  ]);
  assert.deepEqual(
    settled.map((s) => s.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  const reason = (settled[1] as PromiseRejectedResult).reason as Error & { code?: string };
  assert.match(reason.message, /CHECK constraint/);
  assert.equal(reason.code, 'SQLITE_CONSTRAINT_CHECK');
  assert.equal(reason.name, 'SqliteError', "the thread's error class name, for the log");
  assert.equal(stored('thread good 1') + stored('thread good 2') + stored('thread bad'), 2);
  await writer.close();
});

test('close() waits for the writes in flight, ends the thread and refuses later writes', async () => {
  const writer = requestWriterThread({ databasePath: t.config.databasePath, messageIdDomain: 'reprise.test' });
  const inFlight = Array.from({ length: 30 }, (_, i) =>
    writer.write(command({ message: `closing ${i}` }), t.clock.now),
  );
  await Promise.all([writer.close(), writer.close()]); // a second close() waits for the same end
  const results = await Promise.allSettled(inFlight);
  assert.ok(
    results.every((r) => r.status === 'fulfilled'),
    'every write in flight was committed before the thread ended',
  );
  assert.equal(
    (reader.prepare("SELECT COUNT(*) AS n FROM requests WHERE message LIKE 'closing %'").get() as { n: number }).n,
    30,
  );
  await assert.rejects(writer.write(command(), t.clock.now), /closed/);
});

test('ready() resolves once the thread has opened the database, and rejects with the reason when it cannot', async () => {
  const good = requestWriterThread({ databasePath: t.config.databasePath, messageIdDomain: 'reprise.test' });
  await good.ready();
  assert.equal((await good.write(command({ message: 'after ready' }), t.clock.now)).kind, 'created');
  await good.close();
  // A folder that cannot be created (a file stands in its place): the service stops at start
  // (src/main.ts) rather than answer 500s later.
  fs.writeFileSync(path.join(t.dir, 'not-a-folder'), '');
  const bad = requestWriterThread({
    databasePath: path.join(t.dir, 'not-a-folder', 'reprise.db'),
    messageIdDomain: 'reprise.test',
  });
  await assert.rejects(bad.ready(), /ENOTDIR|EEXIST|not a directory|file already exists/i);
  await bad.close();
});
