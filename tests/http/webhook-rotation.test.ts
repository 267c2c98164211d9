// Rotating a webhook endpoint's secret from its admin page: the new secret is shown once; for 24 hours every delivery
// carries both signatures (new first), each verified by the `standardwebhooks` package; then only the new one. A
// second rotation keeps at most two; a chat endpoint has nothing to rotate; the audit row holds no secret.
import { after, before, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { addUser, csrfFrom, csrfOf, DESK_ENV, signIn, type Agent } from '../helpers/desk.js';
import { submit } from '../helpers/desk-flow.js';

interface Received {
  headers: Record<string, string>;
  body: string;
}
let t: TestApp;
let admin: Agent;
let receiver: http.Server;
let receiverUrl: string;
let received: Received[] = [];

before(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  t = await buildTestApp({ ...DESK_ENV, WEBHOOKS_ALLOW_PRIVATE: 'true' });
  await addUser(t, 'boss@reprise.test', 'admin');
  admin = await signIn(t, 'boss@reprise.test');
});
after(async () => {
  await t?.close();
  receiver?.close();
});
beforeEach(() => {
  received = [];
  t.db
    .prepare("UPDATE webhook_endpoints SET disabled_at = ?, disabled_reason = 'test over'")
    .run(t.clock.now.toISOString());
});

const SECRET = /<code class="reference webhook-secret">(whsec_[A-Za-z0-9+/=]+)<\/code>/;

/** Adds an endpoint through the admin page; its id and, for the standard format, its secret. */
async function addEndpoint(format: 'standard' | 'chat') {
  const res = await admin
    .post('/admin/webhooks')
    .type('form')
    .send({ _csrf: await csrfOf(admin, '/admin/webhooks'), url: receiverUrl, format, events: 'request.created' });
  assert.equal(res.status, 201);
  const id = t.db.prepare('SELECT max(id) FROM webhook_endpoints').pluck().get() as number;
  return { id, secret: SECRET.exec(res.text)?.[1] };
}

/** Presses "Rotate secret" on the endpoint's page, as an admin's browser does. */
async function rotate(agent: Agent, id: number) {
  const page = await agent.get(`/admin/webhooks/${id}`).expect(200);
  return agent.post(`/admin/webhooks/${id}/rotate-secret`).type('form').send(rotationForm(page.text));
}
const rotationForm = (html: string) => ({
  _csrf: csrfFrom(html),
  secretTag: /name="secretTag" value="([0-9a-f]{16})"/.exec(html)?.[1],
});

async function deliverOne(): Promise<Received> {
  await submit(t);
  while ((await t.container.webhooks.runOnce()) > 0);
  assert.equal(received.length, 1);
  return received.pop()!;
}

/** Verifies as a receiver would, its own clock reading the app's (which a test moves a day on). */
function verifies(secret: string, message: Received): boolean {
  mock.timers.enable({ apis: ['Date'], now: t.clock.now });
  try {
    new Webhook(secret).verify(message.body, message.headers);
    return true;
  } catch {
    return false;
  } finally {
    mock.timers.reset();
  }
}

/** The header a message signed with these secrets, in this order, carries. */
const signatures = (secrets: string[], message: Received) =>
  secrets
    .map((secret) =>
      new Webhook(secret).sign(
        message.headers['webhook-id'],
        new Date(Number(message.headers['webhook-timestamp']) * 1000),
        message.body,
      ),
    )
    .join(' ');

test('a rotated secret: shown once, both signatures for 24 hours (new first), then only the new one', async () => {
  const { id, secret: old } = await addEndpoint('standard');
  assert.ok(old);
  const page = await admin.get(`/admin/webhooks/${id}`).expect(200);
  assert.match(page.text, /<button type="submit" class="secondary">Rotate secret<\/button>/);
  assert.match(page.text, /<dt>Signed with<\/dt><dd>Its secret<\/dd>/);

  const forged = await admin.post(`/admin/webhooks/${id}/rotate-secret`).type('form').send({ _csrf: 'forged' });
  assert.equal(forged.status, 403, 'the CSRF token is checked');
  const rotated = await rotate(admin, id);
  assert.equal(rotated.status, 200);
  const secret = SECRET.exec(rotated.text)?.[1];
  assert.ok(secret && secret !== old);
  assert.match(rotated.text, /The previous secret signs too until [^<]+ UTC\./);
  const later = await admin.get(`/admin/webhooks/${id}`).expect(200);
  assert.doesNotMatch(later.text, /whsec_/, 'shown only once');
  assert.match(later.text, /The new secret and, until [^<]+ UTC, the previous one/);

  const inside = await deliverOne();
  assert.equal(inside.headers['webhook-signature'], signatures([secret, old], inside), 'both, the new one first');
  assert.ok(verifies(secret, inside), 'verifies with the new secret');
  assert.ok(verifies(old, inside), 'verifies with the old secret');

  t.clock.advance(24 * 60 * 60_000 + 60_000);
  const outside = await deliverOne();
  assert.equal(outside.headers['webhook-signature'], signatures([secret], outside), 'the new one alone');
  assert.ok(verifies(secret, outside), 'verifies with the new secret');
  assert.ok(!verifies(old, outside), 'the old secret no longer verifies');
  admin = await signIn(t, 'boss@reprise.test'); // the session before ended with the day
  const afterWindow = await admin.get(`/admin/webhooks/${id}`).expect(200);
  assert.match(afterWindow.text, /<dt>Signed with<\/dt><dd>Its secret<\/dd>/);

  // The worker's hourly tidying forgets the old secret once its window has closed.
  await t.container.webhooks.runOnce();
  const row = t.db.prepare('SELECT secret, previous_secret FROM webhook_endpoints WHERE id = ?').get(id);
  assert.deepEqual(row, { secret, previous_secret: null });

  const audit = t.db
    .prepare("SELECT * FROM audit_log WHERE action = 'webhook.secret_rotated' AND subject_id = ?")
    .all(String(id)) as Record<string, unknown>[];
  assert.equal(audit.length, 1);
  assert.equal(audit[0].subject_type, 'webhook');
  assert.match(String(audit[0].after_json), /"previousSecretUntil":"\d{4}-/);
  assert.doesNotMatch(JSON.stringify(audit[0]), /whsec_/, 'no secret in the audit log');
});

test('rotating again inside the window keeps two secrets: the newest and the one before', async () => {
  const { id, secret: first } = await addEndpoint('standard');
  const second = SECRET.exec((await rotate(admin, id)).text)?.[1];
  t.clock.advance(60 * 60_000);
  const third = SECRET.exec((await rotate(admin, id)).text)?.[1];
  assert.ok(first && second && third);
  const message = await deliverOne();
  assert.equal(message.headers['webhook-signature'], signatures([third, second], message));
  assert.ok(verifies(third, message) && verifies(second, message));
  assert.ok(!verifies(first, message), 'the first secret is dropped at once');
});

test('the rotation form sent twice (a double press, a reload) rotates once: the new secret stays', async () => {
  const { id } = await addEndpoint('standard');
  const form = rotationForm((await admin.get(`/admin/webhooks/${id}`).expect(200)).text);
  const first = await admin.post(`/admin/webhooks/${id}/rotate-secret`).type('form').send(form).expect(200);
  const secret = SECRET.exec(first.text)?.[1];
  const again = await admin.post(`/admin/webhooks/${id}/rotate-secret`).type('form').send(form);
  assert.equal(again.status, 409);
  assert.match(again.text, /This secret was already replaced/);
  assert.doesNotMatch(again.text, /whsec_/);
  assert.equal(t.db.prepare('SELECT secret FROM webhook_endpoints WHERE id = ?').pluck().get(id), secret);
  const rotations = t.db
    .prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'webhook.secret_rotated' AND subject_id = ?")
    .pluck()
    .get(String(id));
  assert.equal(rotations, 1);
});

test('a chat endpoint is not signed: no rotation form, and a rotation is refused', async () => {
  const { id } = await addEndpoint('chat');
  const before = t.db.prepare('SELECT secret FROM webhook_endpoints WHERE id = ?').pluck().get(id);
  const page = await admin.get(`/admin/webhooks/${id}`).expect(200);
  assert.doesNotMatch(page.text, /rotate-secret|Rotate secret|Signed with/);
  const res = await admin
    .post(`/admin/webhooks/${id}/rotate-secret`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text) });
  assert.equal(res.status, 409);
  assert.match(res.text, /A chat endpoint is not signed, so it has no secret to rotate\./);
  assert.equal(t.db.prepare('SELECT secret FROM webhook_endpoints WHERE id = ?').pluck().get(id), before);
  const audited = t.db
    .prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'webhook.secret_rotated' AND subject_id = ?")
    .pluck()
    .get(String(id));
  assert.equal(audited, 0);
});
