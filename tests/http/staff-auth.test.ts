// Signing in and out of the desk: the real login form, sessions in the real
// SQLite file, throttling, fixation, CSRF and role checks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { sessionKey } from '../../src/db/session-store.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { addUser, csrfFrom, csrfOf, signIn, DESK_ENV, PASSWORD } from '../helpers/desk.js';

let t: TestApp;

before(async () => {
  t = await buildTestApp({ ...DESK_ENV, TRUST_PROXY: '1' });
  await addUser(t, 'staff@reprise.test', 'staff');
  await addUser(t, 'admin@reprise.test', 'admin');
});
after(() => t.close());

const sid = (cookies: string[] | string | undefined) =>
  [cookies ?? []]
    .flat()
    .map((c) => /reprise\.sid=([^;]+)/.exec(c)?.[1])
    .find(Boolean);

async function attempt(email: string, password: string, ip: string) {
  const agent = request.agent(t.server);
  const page = await agent.get('/staff/login').set('X-Forwarded-For', ip).expect(200);
  return agent
    .post('/staff/login')
    .set('X-Forwarded-For', ip)
    .type('form')
    .send({ email, password, _csrf: csrfFrom(page.text) });
}

test('anonymous desk and admin pages redirect to sign in; public pages set no cookie', async () => {
  const res = await request(t.server).get('/staff/requests').expect(303);
  assert.equal(res.headers.location, '/staff/login?next=%2Fstaff%2Frequests');
  assert.equal(
    (await request(t.server).get('/staff/requests/REP-2026-000001').expect(303)).headers.location.startsWith(
      '/staff/login',
    ),
    true,
  );
  assert.equal(
    (await request(t.server).get('/admin/users').expect(303)).headers.location.startsWith('/staff/login'),
    true,
  );
  assert.equal(
    (await request(t.server).get('/staff/anything/guessed').expect(303)).headers.location.startsWith('/staff/login'),
    true,
  );
  const pub = await request(t.server).get('/licensing').expect(200);
  assert.equal(sid(pub.headers['set-cookie']), undefined);
});

test('the login page has labelled fields, a CSRF token, no-store and a strict cookie', async () => {
  const res = await request(t.server).get('/staff/login').expect(200);
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.match(res.text, /<label for="email">Email<\/label>/);
  assert.match(res.text, /<label for="password">Password<\/label>/);
  assert.ok(csrfFrom(res.text).length >= 20);
  // Scripts only from the desk's own assets (the passkey button), nothing inline.
  assert.doesNotMatch(res.text, /<script(?! src="\/assets\/)|style=/);
  assert.match(res.text, /<script src="\/assets\/js\/passkeys.js/);
  const cookie = [res.headers['set-cookie']].flat().join(';');
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
});

test('sign-in succeeds with the right password and issues a new session id', async () => {
  const agent = request.agent(t.server);
  const page = await agent.get('/staff/login?next=%2Fstaff%2Frequests%3Fstatus%3Dnew').expect(200);
  const before = sid(page.headers['set-cookie']);
  assert.ok(before);
  const res = await agent
    .post('/staff/login')
    .type('form')
    .send({
      email: 'Staff@Reprise.test',
      password: PASSWORD,
      _csrf: csrfFrom(page.text),
      next: '/staff/requests?status=new',
    })
    .expect(303);
  assert.equal(res.headers.location, '/staff/requests?status=new');
  const after = sid(res.headers['set-cookie']);
  assert.ok(after);
  assert.notEqual(after, before);
  // The fixed (pre-login) session id does not carry the sign-in.
  const fixed = await request(t.server).get('/staff/requests').set('Cookie', `reprise.sid=${before}`);
  assert.equal(fixed.status, 303);
  await agent.get('/staff/requests').expect(200);
  const row = t.db.prepare('SELECT last_login_at FROM users WHERE email = ?').get('staff@reprise.test') as {
    last_login_at: string;
  };
  assert.ok(row.last_login_at);
  // The database keeps only a hash of the id: a copy of it signs nobody in.
  const id = /^s:([^.]+)\./.exec(decodeURIComponent(after))?.[1];
  assert.ok(id, 'a signed session cookie');
  assert.equal(t.db.prepare('SELECT COUNT(*) FROM sessions WHERE sid = ?').pluck().get(id), 0);
  assert.equal(
    t.db.prepare('SELECT COUNT(*) FROM sessions WHERE sid = ? AND user_id IS NOT NULL').pluck().get(sessionKey(id)),
    1,
  );
});

test('a wrong password and an unknown user get the same answer', async () => {
  const wrong = await attempt('admin@reprise.test', 'not the password at all', '10.0.0.1');
  const unknown = await attempt('nobody@reprise.test', 'not the password at all', '10.0.0.1');
  assert.equal(wrong.status, 401);
  assert.equal(unknown.status, 401);
  const message = (html: string) => /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0];
  assert.ok(message(wrong.text));
  assert.equal(message(wrong.text), message(unknown.text));
});

test('the 6th failed sign-in for one account within 15 minutes answers 429, even with the right password', async () => {
  await addUser(t, 'victim@reprise.test', 'staff');
  for (let i = 0; i < 5; i++) {
    assert.equal((await attempt('victim@reprise.test', 'wrong password!!', `10.1.0.${i}`)).status, 401);
  }
  const locked = await attempt('victim@reprise.test', PASSWORD, '10.1.0.99');
  assert.equal(locked.status, 429);
  assert.equal(locked.headers['retry-after'], '900');
  t.clock.advance(15 * 60_000 + 1000);
  assert.equal((await attempt('victim@reprise.test', PASSWORD, '10.1.0.99')).status, 303);
});

test('more than 20 failures from one IP within 15 minutes answer 429 for every account', async () => {
  for (let i = 0; i < 20; i++) {
    assert.equal((await attempt(`spray${i}@reprise.test`, 'wrong password!!', '10.2.0.1')).status, 401);
  }
  assert.equal((await attempt('staff@reprise.test', PASSWORD, '10.2.0.1')).status, 429);
  assert.equal((await attempt('staff@reprise.test', PASSWORD, '10.2.0.2')).status, 303);
});

test('logout ends the session on the server: the old cookie no longer works', async () => {
  const agent = await signIn(t, 'staff@reprise.test');
  const page = await agent.get('/staff/requests').expect(200);
  const cookie = [page.request.getHeader?.('Cookie') ?? ''].flat().join('');
  const count = () =>
    (t.db.prepare('SELECT COUNT(*) AS n FROM sessions WHERE user_id IS NOT NULL').get() as { n: number }).n;
  const n = count();
  await agent
    .post('/staff/logout')
    .type('form')
    .send({ _csrf: csrfFrom(page.text) })
    .expect(303);
  assert.equal(count(), n - 1);
  await agent.get('/staff/requests').expect(303);
  if (cookie) await request(t.server).get('/staff/requests').set('Cookie', cookie).expect(303);
});

test('state-changing forms without a CSRF token or with a wrong one get 403', async () => {
  const agent = await signIn(t, 'staff@reprise.test');
  await agent.post('/staff/logout').type('form').send({}).expect(403);
  await agent
    .post('/staff/logout')
    .type('form')
    .send({ _csrf: 'x'.repeat(64) })
    .expect(403);
  await agent.get('/staff/requests').expect(200);
  // A login form posted without the session that issued its token is refused too.
  const stale = await request(t.server)
    .post('/staff/login')
    .type('form')
    .send({ email: 'staff@reprise.test', password: PASSWORD, _csrf: 'guess' })
    .expect(403);
  assert.match(stale.text, /sign-in form had expired/);
  assert.ok(csrfFrom(stale.text));
});

test('staff get 403 on admin pages; admins get in', async () => {
  const staff = await signIn(t, 'staff@reprise.test');
  await staff.get('/admin/users').expect(403);
  await staff.get('/admin/rate-card').expect(403);
  await staff.get('/admin/anything').expect(403);
  const admin = await signIn(t, 'admin@reprise.test');
  await csrfOf(admin);
  assert.notEqual((await admin.get('/admin/users')).status, 403);
});

test('idle and absolute time-outs end the session', async () => {
  const agent = await signIn(t, 'staff@reprise.test');
  t.clock.advance(119 * 60_000);
  await agent.get('/staff/requests').expect(200);
  t.clock.advance(121 * 60_000);
  await agent.get('/staff/requests').expect(303);

  const busy = await signIn(t, 'staff@reprise.test');
  for (let h = 0; h < 11; h++) {
    t.clock.advance(60 * 60_000);
    await busy.get('/staff/requests').expect(200);
  }
  t.clock.advance(61 * 60_000);
  await busy.get('/staff/requests').expect(303);
});

test('a disabled account is signed out at once and cannot sign in', async () => {
  const u = await addUser(t, 'leaver@reprise.test', 'staff');
  const agent = await signIn(t, 'leaver@reprise.test');
  t.db.prepare('UPDATE users SET disabled_at = ? WHERE id = ?').run(new Date().toISOString(), u.id);
  await agent.get('/staff/requests').expect(303);
  assert.equal((await attempt('leaver@reprise.test', PASSWORD, '10.3.0.1')).status, 401);
});

test('next= never leads off the desk', async () => {
  const agent = request.agent(t.server);
  const page = await agent.get('/staff/login').expect(200);
  const res = await agent
    .post('/staff/login')
    .type('form')
    .send({ email: 'staff@reprise.test', password: PASSWORD, _csrf: csrfFrom(page.text), next: '//evil.example/staff' })
    .expect(303);
  assert.equal(res.headers.location, '/staff/requests');
});
