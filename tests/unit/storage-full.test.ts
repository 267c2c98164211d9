// The storage condition and the request writer when SQLite answers SQLITE_FULL, made
// real with a lowered PRAGMA max_page_count (the ops suite fills a real disk): each
// request is stored whole or not at all, the condition logs a line when a store becomes
// full and one when it has room again, and health follows it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { buildTestApp } from '../helpers/app.js';
import { writeCommand } from '../helpers/write-command.js';
import { validRequest } from '../helpers/fixtures.js';
import { isOutOfSpace, LOW_SPACE_BYTES, storageCondition } from '../../src/storage-condition.js';

function capture() {
  const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
  const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(JSON.parse(String(chunk))), cb()) });
  return { lines, logger: pino({ level: 'info' }, sink) };
}
const error = (code: string) => Object.assign(new Error(code), { code });

test("what counts as out of space: SQLITE_FULL, ENOSPC, EDQUOT, SQLite's write errors; another I/O error only where the disk is nearly full", () => {
  for (const code of [
    'SQLITE_FULL',
    'ENOSPC',
    'EDQUOT',
    'SQLITE_IOERR_WRITE',
    'SQLITE_IOERR_FSYNC',
    'SQLITE_IOERR_SHMSIZE',
  ]) {
    assert.equal(isOutOfSpace(error(code)), true, code);
  }
  for (const code of ['SQLITE_CONSTRAINT_CHECK', 'SQLITE_BUSY', 'ECONNREFUSED', 'EACCES', ''])
    assert.equal(isOutOfSpace(error(code)), false, code);
  assert.equal(isOutOfSpace(new Error('no code')), false);
  assert.equal(isOutOfSpace(undefined), false);
  // The temp folder has room here: an I/O error there is some other trouble, not a full disk.
  assert.equal(isOutOfSpace(error('SQLITE_IOERR_READ'), '/tmp'), false);
  assert.equal(isOutOfSpace(error('SQLITE_IOERR_READ')), false);
});

test('the condition logs one line when a store becomes full, one per refused action, none per quiet retry, one when it clears', () => {
  const { lines, logger } = capture();
  let room = false;
  const storage = storageCondition({ logger, hasRoom: { mail: () => room } });
  assert.equal(storage.refuse('database', error('SQLITE_CONSTRAINT'), 'submission'), undefined, 'not a lack of space');
  const refused = storage.refuse('database', error('SQLITE_FULL'), 'submission');
  assert.equal(refused?.status, 503);
  assert.equal(refused?.code, 'storage_full');
  assert.equal(refused?.retryAfterSeconds, 60);
  storage.refuse('database', error('SQLITE_FULL'), 'desk action note');
  for (let i = 0; i < 50; i++) assert.equal(storage.refuseQuietly('mail', error('ENOSPC'), 'mail file'), true);
  assert.equal(storage.full('database')?.refused, 2);
  assert.equal(storage.full('mail')?.refused, 50);
  assert.equal(storage.refusedTotal('mail'), 50);
  room = true;
  assert.equal(storage.full('mail'), undefined, 'the mail folder has room again');
  storage.wrote('database');
  assert.equal(storage.full('database'), undefined);
  storage.wrote('database');
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg]),
    [
      [50, 'database full: submission refused; writes will fail until space is freed'],
      [40, 'database full: desk action note refused'],
      [50, 'mail folder full: mail file refused; writes will fail until space is freed'],
      [30, 'mail folder writable again (space was freed) after 0 s; 50 writes were refused meanwhile'],
      [30, 'database writable again (a write succeeded) after 0 s; 2 writes were refused meanwhile'],
    ],
  );
  assert.ok(
    lines.every((l) => !('err' in l) && !('stack' in l)),
    'no error object, no stack',
  );
});

test('a store that looked roomy when it filled up (a quota, max_page_count) clears only on a successful write', () => {
  const { logger } = capture();
  const storage = storageCondition({ logger, hasRoom: { database: () => true } });
  storage.refuse('database', error('SQLITE_FULL'), 'submission');
  assert.ok(storage.full('database'), 'free space alone does not clear it');
  storage.wrote('database');
  assert.equal(storage.full('database'), undefined);
  assert.ok(LOW_SPACE_BYTES > 0);
});

const t = await buildTestApp({ WRITER_THREAD: '0' });
after(() => t.close());

test('max_page_count reached: each request is stored whole or not at all, and health names the database until it can grow', async () => {
  const rowsOf = (message: string) => ({
    requests: t.db.prepare('SELECT COUNT(*) FROM requests WHERE message = ?').pluck().get(message),
    articles: t.db
      .prepare('SELECT COUNT(*) FROM request_articles a JOIN requests r ON r.id = a.request_id WHERE r.message = ?')
      .pluck()
      .get(message),
    outbox: t.db
      .prepare('SELECT COUNT(*) FROM outbox o JOIN requests r ON r.id = o.request_id WHERE r.message = ?')
      .pluck()
      .get(message),
    keys: t.db.prepare('SELECT COUNT(*) FROM idempotency_keys WHERE key = ?').pluck().get(`key ${message}`),
  });
  const limit = t.db.pragma('max_page_count', { simple: true }) as number;
  let refusedApi: { key: string; body: object; res: request.Response } | undefined;
  t.db.pragma(`max_page_count = ${t.db.pragma('page_count', { simple: true })}`);
  try {
    // Batches of three, sent in one turn (one transaction, a savepoint each), until SQLite refuses.
    const outcomes: { message: string; ok: boolean; code?: string }[] = [];
    for (let round = 0; round < 40 && outcomes.every((o) => o.ok); round++) {
      const messages = [0, 1, 2].map((i) => `round ${round}.${i}`);
      const settled = await Promise.allSettled(
        messages.map((m) => t.container.writer.write(writeCommand(t, { message: m }, `key ${m}`), t.clock.now)),
      );
      settled.forEach((s, i) =>
        outcomes.push({
          message: messages[i]!,
          ok: s.status === 'fulfilled',
          code: s.status === 'rejected' ? (s.reason as { code?: string }).code : undefined,
        }),
      );
    }
    const failed = outcomes.filter((o) => !o.ok);
    assert.ok(failed.length > 0, 'SQLite refused to grow the database');
    assert.ok(
      failed.every((o) => o.code === 'SQLITE_FULL'),
      JSON.stringify(failed),
    );
    for (const o of outcomes) {
      const expected = o.ok
        ? { requests: 1, articles: 1, outbox: 2, keys: 1 }
        : { requests: 0, articles: 0, outbox: 0, keys: 0 };
      assert.deepEqual(rowsOf(o.message), expected, o.message);
    }
    assert.equal(t.db.pragma('integrity_check', { simple: true }), 'ok');

    // Through the API (a request may still fit in the pages there are): 503 with Retry-After; health names the database.
    for (let i = 0; i < 20 && refusedApi === undefined; i++) {
      const body = validRequest({ message: `api ${i}` });
      const res = await request(t.server).post('/api/v1/requests').set('Idempotency-Key', `api-${i}`).send(body);
      if (res.status === 503) refusedApi = { key: `api-${i}`, body, res };
      else assert.equal(res.status, 201);
    }
    assert.ok(refusedApi);
    assert.equal(refusedApi.res.headers['retry-after'], '60');
    assert.equal(refusedApi.res.body.code, 'storage_full');
    const health = await request(t.server).get('/healthz').expect(503);
    assert.equal(health.body.database, 'full');
  } finally {
    t.db.pragma(`max_page_count = ${limit}`);
  }
  assert.equal((await request(t.server).get('/healthz')).status, 200, 'room again: health clears without a write');
  const created = await request(t.server)
    .post('/api/v1/requests')
    .set('Idempotency-Key', refusedApi.key)
    .send(refusedApi.body)
    .expect(201);
  const replayed = await request(t.server)
    .post('/api/v1/requests')
    .set('Idempotency-Key', refusedApi.key)
    .send(refusedApi.body)
    .expect(201);
  assert.equal(replayed.body.reference, created.body.reference, 'the refused key, sent again, makes one request');
});
