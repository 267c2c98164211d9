// Browsing the desk does not write the session back on every page (each write is
// a durable commit): only when a minute has passed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp } from '../helpers/app.js';
import { addUser, signIn, DESK_ENV } from '../helpers/desk.js';

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
