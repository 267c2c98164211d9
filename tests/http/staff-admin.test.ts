// /admin/users and /admin/rate-card: admins only; every account change audited
// and CSRF-checked; the last admin cannot lock the desk out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { addUser, csrfFrom, signIn, DESK_ENV, PASSWORD, type Agent } from '../helpers/desk.js';

let t: TestApp;
let admin: Agent;

before(async () => {
  t = await buildTestApp(DESK_ENV);
  await addUser(t, 'boss@reprise.test', 'admin');
  admin = await signIn(t, 'boss@reprise.test');
});
after(() => t.close());

const userId = (email: string) =>
  (t.db.prepare('SELECT id FROM users WHERE email = ?').get(email) as { id: number }).id;
const audit = (id: number) =>
  t.db
    .prepare(`SELECT * FROM audit_log WHERE subject_type = 'user' AND subject_id = ? ORDER BY id`)
    .all(String(id)) as { action: string; actor: string; before_json: string | null; after_json: string | null }[];
async function form(agent: Agent, path: string, fields: Record<string, string>) {
  const page = await agent.get('/admin/users').expect(200);
  return agent
    .post(path)
    .type('form')
    .send({ ...fields, _csrf: csrfFrom(page.text) });
}

test('an admin adds an account, which can then sign in; the audit row has no password', async () => {
  const res = await form(admin, '/admin/users', {
    email: 'New.Person@Reprise.test',
    role: 'staff',
    password: 'a long enough password',
  });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/admin/users?done=added');
  const id = userId('new.person@reprise.test');
  const rows = audit(id);
  assert.equal(rows[0].action, 'user.add');
  assert.equal(rows[0].actor, 'boss@reprise.test');
  assert.doesNotMatch(JSON.stringify(rows), /long enough/);
  await signIn(t, 'new.person@reprise.test', 'a long enough password');
  const page = await admin.get('/admin/users').expect(200);
  assert.match(page.text, /new\.person@reprise\.test/);
  assert.doesNotMatch(page.text, /<script|style=/);
});

test('adding refuses a weak password, a duplicate email and a missing role, keeping the input', async () => {
  const weak = await form(admin, '/admin/users', { email: 'weak@reprise.test', role: 'staff', password: 'short' });
  assert.equal(weak.status, 422);
  assert.match(weak.text, /at least 12 characters/);
  assert.match(weak.text, /value="weak@reprise.test"/);
  const dupe = await form(admin, '/admin/users', {
    email: 'BOSS@reprise.test',
    role: 'admin',
    password: 'a long enough password',
  });
  assert.equal(dupe.status, 422);
  assert.match(dupe.text, /already exists/);
  const noRole = await form(admin, '/admin/users', {
    email: 'norole@reprise.test',
    password: 'a long enough password',
  });
  assert.equal(noRole.status, 422);
  const made = t.db
    .prepare(`SELECT COUNT(*) AS n FROM users WHERE email IN ('weak@reprise.test', 'norole@reprise.test')`)
    .get() as { n: number };
  assert.equal(made.n, 0);
});

test('a role that does not exist is refused on the users page, with the message, and changes nothing', async () => {
  const u = t.db.prepare(`SELECT id, role FROM users WHERE email = 'new.person@reprise.test'`).get() as {
    id: number;
    role: string;
  };
  const res = await form(admin, `/admin/users/${u.id}/role`, { role: 'superuser' });
  assert.equal(res.status, 422);
  assert.match(res.text, /Choose staff or admin\./);
  assert.match(res.text, /<h1[^>]*>Users<\/h1>/);
  assert.equal(t.db.prepare('SELECT role FROM users WHERE id = ?').pluck().get(u.id), u.role);
});

test('change role, disable, enable and reset password: each audited with before and after', async () => {
  const u = await addUser(t, 'worker@reprise.test');
  const staff = await signIn(t, 'worker@reprise.test');
  assert.equal((await form(admin, `/admin/users/${u.id}/role`, { role: 'admin' })).status, 303);
  await staff.get('/admin/users').expect(200);
  assert.equal((await form(admin, `/admin/users/${u.id}/role`, { role: 'staff' })).status, 303);
  await staff.get('/admin/users').expect(403);

  assert.equal((await form(admin, `/admin/users/${u.id}/disable`, {})).status, 303);
  await staff.get('/staff/requests').expect(303);
  assert.equal((await form(admin, `/admin/users/${u.id}/enable`, {})).status, 303);
  const again = await signIn(t, 'worker@reprise.test');
  assert.equal((await form(admin, `/admin/users/${u.id}/password`, { password: 'a brand new password' })).status, 303);
  await again.get('/staff/requests').expect(303);
  await signIn(t, 'worker@reprise.test', 'a brand new password');
  await assert.rejects(signIn(t, 'worker@reprise.test', PASSWORD));

  const rows = audit(u.id);
  // Each completed sign-in is audited too, between the admin's changes.
  assert.deepEqual(
    rows.map((r) => r.action),
    [
      'user.add',
      'sign_in',
      'user.role',
      'user.role',
      'user.disable',
      'user.enable',
      'sign_in',
      'user.password_reset',
      'sign_in',
    ],
  );
  const changes = rows.filter((r) => r.action !== 'sign_in');
  assert.deepEqual(JSON.parse(changes[1].before_json!), { role: 'staff' });
  assert.deepEqual(JSON.parse(changes[1].after_json!), { role: 'admin' });
  assert.ok(changes.slice(1).every((r) => r.actor === 'boss@reprise.test'));
  assert.doesNotMatch(JSON.stringify(rows), /brand new/);
});

test('the last admin cannot be demoted, and nobody disables their own account', async () => {
  const me = userId('boss@reprise.test');
  const demote = await form(admin, `/admin/users/${me}/role`, { role: 'staff' });
  assert.equal(demote.status, 409);
  assert.match(demote.text, /only active admin/);
  const self = await form(admin, `/admin/users/${me}/disable`, {});
  assert.equal(self.status, 409);
  const row = t.db.prepare('SELECT role, disabled_at FROM users WHERE id = ?').get(me) as {
    role: string;
    disabled_at: string | null;
  };
  assert.deepEqual({ ...row }, { role: 'admin', disabled_at: null });
});

test('account changes need CSRF; unknown accounts are 404; staff get 403', async () => {
  const u = await addUser(t, 'target@reprise.test');
  await admin.post(`/admin/users/${u.id}/disable`).type('form').send({}).expect(403);
  await admin.post(`/admin/users/${u.id}/disable`).type('form').send({ _csrf: 'nope' }).expect(403);
  assert.equal(audit(u.id).length, 1);
  assert.equal((await form(admin, '/admin/users/999999/disable', {})).status, 404);
  assert.equal((await form(admin, '/admin/users/abc/disable', {})).status, 404);
  const staff = await signIn(t, 'target@reprise.test');
  const page = await staff.get('/staff/requests').expect(200);
  await staff
    .post(`/admin/users/${u.id}/role`)
    .type('form')
    .send({ role: 'admin', _csrf: csrfFrom(page.text) })
    .expect(403);
  await staff.get('/admin/rate-card').expect(403);
  assert.equal((t.db.prepare('SELECT role FROM users WHERE id = ?').get(u.id) as { role: string }).role, 'staff');
  await request(t.server).post(`/admin/users/${u.id}/role`).type('form').send({ role: 'admin' }).expect(303);
});

test('the rate card page shows the active card as tables with its version', async () => {
  const res = await admin.get('/admin/rate-card').expect(200);
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.ok(res.text.includes(t.container.rateCard.version));
  assert.match(res.text, /<table class="data data--narrow">/);
  assert.ok(res.text.includes('£150.00'));
  assert.match(res.text, /Worldwide/);
  assert.doesNotMatch(res.text, /<script|style=/);
});
