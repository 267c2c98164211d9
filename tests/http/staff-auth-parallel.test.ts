// Sign-in throttling holds when attempts arrive in parallel: each attempt is
// counted before its (slow) password check, so a burst cannot slip past the limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { buildTestApp } from '../helpers/app.js';
import { addUser, csrfFrom, DESK_ENV, PASSWORD } from '../helpers/desk.js';
import { throttleKey } from '../../src/services/sign-in.js';

test('30 parallel wrong passwords for one account: at most 5 are checked, the rest get 429', async () => {
  const t = await buildTestApp(DESK_ENV);
  try {
    await addUser(t, 'target@example.org');
    const agent = request.agent(t.server);
    const csrf = csrfFrom((await agent.get('/staff/login').expect(200)).text);
    const attempts = await Promise.all(
      Array.from({ length: 30 }, () =>
        agent
          .post('/staff/login')
          .type('form')
          .send({ email: 'target@example.org', password: 'wrong guess', _csrf: csrf }),
      ),
    );
    const statuses = attempts.map((r) => r.status);
    assert.ok(
      statuses.every((s) => s === 401 || s === 429),
      statuses.join(),
    );
    assert.ok(statuses.filter((s) => s === 401).length <= 5, statuses.join());
    // Even the right password is refused now: the account is throttled.
    const right = await agent
      .post('/staff/login')
      .type('form')
      .send({ email: 'target@example.org', password: PASSWORD, _csrf: csrf });
    assert.equal(right.status, 429);
  } finally {
    await t.close();
  }
});

test('the sign-in page itself is limited per IP (RATE_LIMIT_LOGIN_PER_MINUTE)', async () => {
  const t = await buildTestApp({ ...DESK_ENV, RATE_LIMIT_LOGIN_PER_MINUTE: '3' });
  try {
    for (let i = 0; i < 3; i++) await request(t.server).get('/staff/login').expect(200);
    const res = await request(t.server).get('/staff/login').expect(429);
    assert.match(res.text, /Too many requests/);
    const sessions = (t.db.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n;
    assert.ok(sessions <= 3, `no session made for refused page loads (${sessions})`);
  } finally {
    await t.close();
  }
});

test('the per-IP limit counts an IPv6 client by its /64 network', () => {
  assert.equal(throttleKey('2001:db8:abcd:12::1'), throttleKey('2001:db8:abcd:12:ffff:1:2:3'));
  assert.notEqual(throttleKey('2001:db8:abcd:12::1'), throttleKey('2001:db8:abcd:13::1'));
  assert.equal(throttleKey('::ffff:192.0.2.7'), '192.0.2.7');
  assert.equal(throttleKey('192.0.2.7'), '192.0.2.7');
});
