// Browsing the desk does not write the session back on every page (each write is
// a durable commit): only when a minute has passed, and a page view takes no write lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp } from '../helpers/app.js';
import { addUser, csrfFrom, signIn, DESK_ENV } from '../helpers/desk.js';
import { submit, post } from '../helpers/desk-flow.js';
import { openDatabase } from '../../src/db/connection.js';

test('page views within a minute change no session row; after a minute, one write', async () => {
  const t = await buildTestApp(DESK_ENV);
  try {
    await addUser(t, 'desk@example.org');
    const agent = await signIn(t, 'desk@example.org');
    await agent.get('/staff/requests').expect(200);
    const changes = () => t.db.prepare('SELECT total_changes()').pluck().get() as number;
    const before = changes();
    for (let i = 0; i < 5; i++) await agent.get('/staff/requests').expect(200);
    assert.equal(changes() - before, 0, 'no row written by five page views');
    t.clock.advance(61_000);
    await agent.get('/staff/requests').expect(200);
    assert.ok(changes() - before >= 1, 'the session is written once a minute has passed');
  } finally {
    await t.close();
  }
});

test('page views take no write lock: the desk answers while another connection holds it', async () => {
  const t = await buildTestApp(DESK_ENV);
  const other = openDatabase(t.config.databasePath);
  try {
    await addUser(t, 'desk@example.org');
    const agent = await signIn(t, 'desk@example.org');
    await agent.get('/staff/requests').expect(200);
    other.exec('BEGIN IMMEDIATE'); // as the request writer's thread does while a batch commits
    try {
      // Had the page asked for the lock, SQLite would have made it wait the full 3 s and then
      // failed the touch (which express-session reports after the page is sent, so only the wait shows).
      t.db.pragma('busy_timeout = 3000');
      const started = Date.now();
      await agent.get('/staff/requests').expect(200);
      assert.ok(Date.now() - started < 2_500, `the page waited ${Date.now() - started} ms for the write lock`);
    } finally {
      other.exec('COMMIT');
      t.db.pragma('busy_timeout = 5000');
    }
  } finally {
    other.close();
    await t.close();
  }
});

test('a desk action that cannot get the write lock in time answers 503 with Retry-After, and changes nothing', async () => {
  const t = await buildTestApp(DESK_ENV);
  const other = openDatabase(t.config.databasePath);
  try {
    await addUser(t, 'desk@example.org');
    const agent = await signIn(t, 'desk@example.org');
    const reference = await submit(t);
    const csrf = csrfFrom((await agent.get(`/staff/requests/${reference}`).expect(200)).text);
    t.db.pragma('busy_timeout = 300');
    other.exec('BEGIN IMMEDIATE'); // a long write elsewhere (a retention run, an erasure)
    let res;
    try {
      res = await agent.post(`/staff/requests/${reference}/start_review`).type('form').send({ _csrf: csrf });
    } finally {
      other.exec('COMMIT');
      t.db.pragma('busy_timeout = 5000');
    }
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], '5');
    assert.match(res.text, /try again/i);
    assert.equal(t.db.prepare('SELECT status FROM requests WHERE reference = ?').pluck().get(reference), 'new');
    assert.equal((await post(agent, reference, 'start_review')).status, 303);
  } finally {
    other.close();
    await t.close();
  }
});
