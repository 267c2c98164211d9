// The group-commit writer on a real SQLite file: requests queued in one turn share
// one transaction, each in its own savepoint; an idempotency key repeated inside a
// batch gives one request; a bad row fails alone; and no promise resolves before
// its rows are visible to a second connection (i.e. before COMMIT returned).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp } from '../helpers/app.js';
import { writeCommand } from '../helpers/write-command.js';
import { openDatabase } from '../../src/db/connection.js';
import { requestWriter, type WriteResult } from '../../src/db/writer/group-commit.js';

// The writer on this thread's connection, as WRITER_THREAD=0 runs it (writer-thread.test.ts covers the thread).
const t = await buildTestApp({ WRITER_THREAD: '0' });
const reader = openDatabase(t.config.databasePath, { readonly: true });
after(async () => {
  reader.close();
  await t.close();
});

const batches: number[] = [];
const writer = requestWriter(t.db, t.container.repos, { maxBatch: 8, onBatch: (n) => batches.push(n) });
const command = (overrides: Record<string, unknown> = {}, key?: string) => writeCommand(t, overrides, key);

const count = (sql: string) => (reader.prepare(sql).get() as { n: number }).n;
const requestsVisible = (id: number) => count(`SELECT COUNT(*) AS n FROM requests WHERE id = ${id}`);

test('requests written in one turn share a transaction, and each is readable elsewhere before its promise resolves', async () => {
  const before = count('SELECT COUNT(*) AS n FROM requests');
  batches.length = 0;
  const seenOnResolve: number[] = [];
  const writes = Array.from({ length: 20 }, (_, i) =>
    writer.write(command({ message: `batch ${i}` }), t.clock.now).then((r) => {
      seenOnResolve.push(requestsVisible(r.id));
      return r;
    }),
  );
  const results = await Promise.all(writes);
  assert.deepEqual(
    seenOnResolve,
    Array(20).fill(1),
    'a second connection sees every row by the time its promise resolves',
  );
  assert.equal(new Set(results.map((r) => r.id)).size, 20);
  assert.ok(results.every((r) => r.kind === 'created'));
  assert.equal(count('SELECT COUNT(*) AS n FROM requests') - before, 20);
  // 20 queued in one turn with at most 8 per batch: 8 + 8 + 4, three COMMITs instead of twenty.
  assert.deepEqual(batches, [8, 8, 4]);
  const refs = results.map((r) => (r.kind === 'created' ? r.reference : ''));
  assert.equal(new Set(refs).size, 20, 'every request has its own reference number');
});

test('an idempotency key repeated inside one batch gives one request; the second sees the first', async () => {
  const before = count('SELECT COUNT(*) AS n FROM requests');
  batches.length = 0;
  const [first, second] = await Promise.all([
    writer.write(command({}, 'api:same-batch'), t.clock.now),
    writer.write(command({}, 'api:same-batch'), t.clock.now),
  ]);
  assert.deepEqual(batches, [2], 'both were in the same batch');
  assert.equal(first.kind, 'created');
  assert.deepEqual(second, { kind: 'replayed', id: first.id, sameBody: true } satisfies WriteResult);
  assert.equal(count('SELECT COUNT(*) AS n FROM requests') - before, 1);
});

test('a row that violates a constraint fails alone; the rest of its batch is stored whole', async () => {
  const before = {
    requests: count('SELECT COUNT(*) AS n FROM requests'),
    articles: count('SELECT COUNT(*) AS n FROM request_articles'),
    outbox: count('SELECT COUNT(*) AS n FROM outbox'),
    counter: count('SELECT COALESCE(MAX(last), 0) AS n FROM reference_counters'),
  };
  batches.length = 0;
  const bad = command({ message: 'bad' });
  // Bypasses validation on purpose: the CHECK (audience >= 0) constraint fires after the counter and before articles.
  bad.request = { ...bad.request, usage: { ...bad.request.usage, audience: -1 } };
  const settled = await Promise.allSettled([
    writer.write(command({ message: 'good 1' }), t.clock.now),
    writer.write(bad, t.clock.now),
    writer.write(command({ message: 'good 2' }), t.clock.now),
  ]);
  assert.deepEqual(batches, [3]);
  assert.deepEqual(
    settled.map((s) => s.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.match(String((settled[1] as PromiseRejectedResult).reason), /CHECK constraint/);
  assert.equal(count('SELECT COUNT(*) AS n FROM requests') - before.requests, 2);
  assert.equal(count('SELECT COUNT(*) AS n FROM request_articles') - before.articles, 2);
  assert.equal(count('SELECT COUNT(*) AS n FROM outbox') - before.outbox, 4);
  // The failed row's savepoint rolled its reference number back too: no gap in the sequence.
  assert.equal(count('SELECT COALESCE(MAX(last), 0) AS n FROM reference_counters') - before.counter, 2);
  assert.equal(count("SELECT COUNT(*) AS n FROM requests WHERE message = 'bad'"), 0);
});

test('writes queued after a flush started go into the next batch, not lost', async () => {
  const before = count('SELECT COUNT(*) AS n FROM requests');
  batches.length = 0;
  const first = writer.write(command(), t.clock.now);
  const chained = first.then(() => writer.write(command(), t.clock.now));
  await Promise.all([first, chained]);
  assert.deepEqual(batches, [1, 1]);
  assert.equal(count('SELECT COUNT(*) AS n FROM requests') - before, 2);
});

test('outbox Message-IDs are unique and sort in the order they were made (new ones go at the end of their index)', async () => {
  for (let i = 0; i < 3; i++)
    await Promise.all([writer.write(command(), t.clock.now), writer.write(command(), t.clock.now)]);
  const ids = reader.prepare('SELECT message_id FROM outbox ORDER BY id').pluck().all() as string[];
  assert.ok(ids.length >= 12);
  assert.equal(new Set(ids).size, ids.length);
  // Within one millisecond the random part decides; across milliseconds, time does.
  const stamps = ids.map((id) => id.slice(1, 10));
  assert.deepEqual([...stamps].sort(), stamps);
  assert.ok(
    ids.every((id) => /^<[0-9a-z]{9}\.[0-9a-f-]{36}@[^>]+>$/.test(id)),
    ids[0],
  );
});

test("the writer's connection keeps savepoint journals in memory; other connections (migrations, the CLI) do not", () => {
  // 2 = MEMORY: a batch's per-request savepoints no longer spill to a temp file (see keepJournalsInMemory).
  assert.equal(t.db.pragma('temp_store', { simple: true }), 2);
  assert.equal(reader.pragma('temp_store', { simple: true }), 0);
});
