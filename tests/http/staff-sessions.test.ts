// A desk user's sessions, through the real app: each browser signed in is listed with its device, address, sign-in
// and last use; its owner ends any of them (that browser is signed out at once), never someone else's; an admin ends
// all of an account's sessions. Each ending is audited and CSRF-checked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { addUser, csrfFrom, csrfOf, DESK_ENV, PASSWORD, type Agent } from '../helpers/desk.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp(DESK_ENV);
  await addUser(t, 'ines@reprise.test');
  await addUser(t, 'other@reprise.test');
  await addUser(t, 'boss@reprise.test', 'admin');
});
after(() => t.close());

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

/** Signs in through the form with this browser's User-Agent. */
async function signInAs(email: string, userAgent: string): Promise<Agent> {
  const agent = request.agent(t.server).set('User-Agent', userAgent);
  const page = await agent.get('/staff/login').expect(200);
  await agent
    .post('/staff/login')
    .type('form')
    .send({ email, password: PASSWORD, _csrf: csrfFrom(page.text) })
    .expect(303);
  return agent;
}

const sessionIds = (html: string) =>
  [...html.matchAll(/\/staff\/account\/sessions\/([A-Za-z0-9_-]{43})\/end/g)].map((m) => m[1]!);
const audits = (action: string) =>
  t.db.prepare('SELECT actor, subject_id, after_json FROM audit_log WHERE action = ? ORDER BY id').all(action) as {
    actor: string;
    subject_id: string;
    after_json: string;
  }[];

test('a user sees their sessions and ends one: that browser is signed out, the others are not', async () => {
  const laptop = await signInAs('ines@reprise.test', FIREFOX);
  const desktop = await signInAs('ines@reprise.test', CHROME_MAC);
  const someoneElse = await signInAs('other@reprise.test', FIREFOX);

  const page = await laptop.get('/staff/account').expect(200);
  assert.match(page.text, /Firefox on Windows <strong>\(this browser\)<\/strong>/);
  assert.match(page.text, /Chrome on macOS/);
  assert.match(page.text, /127\.0\.0\.1/);
  const [desktopId, ...more] = sessionIds(page.text);
  assert.ok(desktopId);
  assert.equal(more.length, 0, 'the current session is signed out with the sign-out button, not listed to end');

  // Another person's session id is not found; without the form's token nothing happens.
  const othersPage = await someoneElse.get('/staff/account').expect(200);
  assert.equal(sessionIds(othersPage.text).length, 0);
  await someoneElse
    .post(`/staff/account/sessions/${desktopId}/end`)
    .type('form')
    .send({ _csrf: csrfFrom(othersPage.text) })
    .expect(404);
  await laptop.post(`/staff/account/sessions/${desktopId}/end`).type('form').send({}).expect(403);
  await desktop.get('/staff/requests').expect(200);

  const ended = await laptop
    .post(`/staff/account/sessions/${desktopId}/end`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text) })
    .expect(303);
  assert.equal(ended.headers.location, '/staff/account?done=ended');
  const afterwards = await desktop.get('/staff/requests');
  assert.equal(afterwards.status, 303, 'the ended browser is sent to sign in');
  assert.match(String(afterwards.headers.location), /^\/staff\/login/);
  await laptop.get('/staff/requests').expect(200);
  await someoneElse.get('/staff/requests').expect(200);
  const [entry] = audits('session.end');
  assert.equal(entry?.actor, 'ines@reprise.test');
  assert.deepEqual(JSON.parse(entry!.after_json), { device: 'Chrome on macOS', ip: '127.0.0.1' });
});

test('an admin ends every session of an account; staff cannot', async () => {
  const one = await signInAs('other@reprise.test', FIREFOX);
  const two = await signInAs('other@reprise.test', CHROME_MAC);
  const staff = await signInAs('ines@reprise.test', FIREFOX);
  const admin = await signInAs('boss@reprise.test', FIREFOX);
  const other = t.db.prepare(`SELECT id FROM users WHERE email = 'other@reprise.test'`).pluck().get() as number;

  await staff
    .post(`/admin/users/${other}/sessions/end`)
    .type('form')
    .send({ _csrf: await csrfOf(staff) })
    .expect(403);
  await one.get('/staff/requests').expect(200);

  const usersPage = await admin.get('/admin/users').expect(200);
  assert.match(usersPage.text, new RegExp(`action="/admin/users/${other}/sessions/end"`));
  const done = await admin
    .post(`/admin/users/${other}/sessions/end`)
    .type('form')
    .send({ _csrf: csrfFrom(usersPage.text) })
    .expect(303);
  assert.equal(done.headers.location, '/admin/users?done=sessions');
  for (const agent of [one, two]) assert.equal((await agent.get('/staff/requests')).status, 303);
  await staff.get('/staff/requests').expect(200);
  const [entry] = audits('user.end_sessions');
  assert.equal(entry?.actor, 'boss@reprise.test');
  assert.equal(entry?.subject_id, String(other));
  assert.ok(JSON.parse(entry!.after_json).ended >= 2);
  await admin
    .post('/admin/users/99999/sessions/end')
    .type('form')
    .send({ _csrf: csrfFrom(usersPage.text) })
    .expect(404);
});
