// writeTransactionWhenFree: while another connection holds the write lock, the
// outbox's writes wait on a timer, so the event loop keeps answering requests; they
// go through once the lock is free, give up with SQLITE_BUSY after their limit, and
// leave the connection's own settings (busy time-out, synchronous=FULL) as they were.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase, writeTransactionWhenFree } from '../../src/db/connection.js';
import { tempDir } from '../helpers/app.js';

function twoConnections() {
  const dir = tempDir();
  const file = path.join(dir, 'lock.db');
  const db = openDatabase(file);
  db.exec('CREATE TABLE t (x INTEGER)');
  const other = openDatabase(file);
  return {
    db,
    other,
    rows: () => db.prepare('SELECT x FROM t ORDER BY x').pluck().all(),
    close() {
      db.close();
      other.close();
      fs.rmSync(dir, { recursive: true });
    },
  };
}

test('while the lock is held elsewhere the event loop keeps turning, and the write goes through once it is free', async () => {
  const c = twoConnections();
  try {
    c.other.exec('BEGIN IMMEDIATE');
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    let done = false;
    const write = writeTransactionWhenFree(c.db, () => c.db.prepare('INSERT INTO t VALUES (1)').run()).then(
      () => (done = true),
    );
    await sleep(150);
    // SQLite's own wait would have slept on this thread for the whole 150 ms: no tick at all.
    assert.ok(ticks >= 10, `the event loop turned ${ticks} times in 150 ms`);
    assert.equal(done, false, 'still waiting for the lock');
    c.other.exec('COMMIT');
    await write;
    clearInterval(ticker);
    assert.deepEqual(c.rows(), [1]);
    assert.equal(c.db.pragma('busy_timeout', { simple: true }), 5000, 'the connection keeps its own busy time-out');
    assert.equal(c.db.pragma('synchronous', { simple: true }), 2, 'and synchronous=FULL for its other writes');
  } finally {
    c.close();
  }
});

test('past its limit it gives up with SQLITE_BUSY and writes nothing; other errors are not retried', async () => {
  const c = twoConnections();
  try {
    c.other.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    await assert.rejects(
      writeTransactionWhenFree(c.db, () => c.db.prepare('INSERT INTO t VALUES (2)').run(), 100),
      { code: 'SQLITE_BUSY' },
    );
    assert.ok(Date.now() - started >= 100);
    c.other.exec('ROLLBACK');
    assert.deepEqual(c.rows(), []);
    assert.equal(c.db.pragma('busy_timeout', { simple: true }), 5000);

    let calls = 0;
    await assert.rejects(
      writeTransactionWhenFree(c.db, () => {
        calls++;
        c.db.prepare('INSERT INTO t VALUES (3)').run();
        throw new Error('no');
      }),
      /no/,
    );
    assert.equal(calls, 1);
    assert.deepEqual(c.rows(), [], 'rolled back');

    // Inside a transaction it refuses at once, leaving the connection's settings alone.
    c.db.exec('BEGIN');
    await assert.rejects(
      writeTransactionWhenFree(c.db, () => 1),
      /inside a transaction/,
    );
    c.db.exec('ROLLBACK');
    assert.equal(c.db.pragma('busy_timeout', { simple: true }), 5000);
    assert.equal(c.db.pragma('synchronous', { simple: true }), 2);
  } finally {
    c.close();
  }
});
