// The desk's SQLite session store: set, get, touch (written only when the expiry
// moves by a minute or more), destroy — on a real database with the migrations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type session from 'express-session';
import { openDatabase } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';
import { SqliteSessionStore, sessionKey } from '../../src/db/session-store.js';
import { tempDir } from '../helpers/app.js';

const call = (fn: (cb: (err?: unknown, v?: unknown) => void) => void) =>
  new Promise<unknown>((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));

test('touch writes only when the expiry moves by a minute, and never fails', async () => {
  const dir = tempDir();
  const db = openDatabase(path.join(dir, 's.db'));
  migrate(db);
  try {
    const store = new SqliteSessionStore(db, 3_600_000);
    const at = (ms: number) =>
      ({ cookie: { expires: new Date(ms), originalMaxAge: 3_600_000 } }) as unknown as session.SessionData;
    const base = Date.now() + 3_600_000;
    await call((cb) => store.set('sid-1', at(base), cb));
    const expiry = () => db.prepare('SELECT expires_at FROM sessions WHERE sid = ?').pluck().get(sessionKey('sid-1'));
    assert.equal(expiry(), base);
    assert.equal(
      db.prepare('SELECT COUNT(*) FROM sessions WHERE sid = ?').pluck().get('sid-1'),
      0,
      'the id itself is not stored',
    );
    await call((cb) => store.touch('sid-1', at(base + 30_000), cb));
    assert.equal(expiry(), base, 'half a minute later: not written');
    await call((cb) => store.touch('sid-1', at(base + 120_000), cb));
    assert.equal(expiry(), base + 120_000, 'two minutes later: written');
    assert.ok(await call((cb) => store.get('sid-1', cb)));
    await call((cb) => store.destroy('sid-1', cb));
    assert.equal(await call((cb) => store.get('sid-1', cb)), null);
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
