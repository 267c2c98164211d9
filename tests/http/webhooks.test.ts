// Webhooks against a receiver on the loopback: an admin adds an endpoint (secret shown once); requests being created,
// moved through the desk, accepted, licensed and written to produce signed deliveries that the `standardwebhooks`
// package verifies, with no personal data in them. Retries keep their webhook-id and follow the backoff or the
// receiver's Retry-After; 410 disables the endpoint; private addresses are refused unless allowed; the chat format is
// one line with a link; the test button and the delivery log work.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { addUser, csrfOf, DESK_ENV, signIn, type Agent } from '../helpers/desk.js';
import { ACTION_FIELDS, acceptAsRequester, post, submit } from '../helpers/desk-flow.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}
let t: TestApp;
let admin: Agent;
let receiver: http.Server;
let receiverUrl: string;
let received: Received[] = [];
/** What the receiver answers next, in order; then 204. */
let answers: { status: number; headers?: Record<string, string> }[] = [];

before(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const answer = answers.shift() ?? { status: 204 };
      res.writeHead(answer.status, answer.headers).end(answer.status >= 300 ? 'not now' : '');
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
  answers = [];
  t.db
    .prepare("UPDATE webhook_endpoints SET disabled_at = ?, disabled_reason = 'test over' WHERE disabled_at IS NULL")
    .run(new Date().toISOString());
});

async function addEndpoint(fields: Record<string, string | string[]>) {
  const res = await admin
    .post('/admin/webhooks')
    .type('form')
    .send({ _csrf: await csrfOf(admin, '/admin/webhooks'), ...fields });
  return res;
}
const deliver = () => t.container.webhooks.runOnce();
const deliveries = () =>
  t.db.prepare('SELECT * FROM webhook_deliveries ORDER BY id').all() as Record<string, string | number | null>[];

test('signed events for a request’s life, verified by standardwebhooks, with no personal data', async () => {
  const added = await addEndpoint({
    url: receiverUrl,
    format: 'standard',
    events: [
      'request.created',
      'request.status_changed',
      'quote.sent',
      'quote.accepted',
      'licence.issued',
      'message.received',
    ],
  });
  assert.equal(added.status, 201);
  const revocations = await addEndpoint({
    url: `${receiverUrl}?revocations`,
    format: 'chat',
    events: 'licence.revoked',
  });
  assert.equal(revocations.status, 201);
  const secret = /<code class="reference webhook-secret">(whsec_[A-Za-z0-9+/=]+)<\/code>/.exec(added.text)![1];
  const verifier = new Webhook(secret);

  const reference = await submit(t);
  for (const action of ['start_review', 'send_quote']) {
    assert.equal((await post(admin, reference, action, ACTION_FIELDS[action])).status, 303);
  }
  acceptAsRequester(t, reference);
  assert.equal((await post(admin, reference, 'license', ACTION_FIELDS.license)).status, 303);
  while ((await deliver()) > 0);

  const events = received.map((message) => {
    const payload = verifier.verify(message.body, message.headers as Record<string, string>) as {
      type: string;
      timestamp: string;
      data: {
        reference: string;
        status: string;
        previousStatus?: string;
        licenceNumber?: string;
        links: { desk: string };
      };
    };
    assert.equal(payload.data.reference, reference);
    assert.equal(payload.data.links.desk, `${t.config.publicBaseUrl}/staff/requests/${reference}`);
    assert.doesNotMatch(message.body, /ada@example\.org|Ada Lovelace/, 'no personal data');
    return `${payload.type}:${payload.data.status}`;
  });
  assert.deepEqual(events, [
    'request.created:new',
    'request.status_changed:in_review',
    'request.status_changed:quoted',
    'quote.sent:quoted',
    'request.status_changed:accepted',
    'quote.accepted:accepted',
    'request.status_changed:licensed',
    'licence.issued:licensed',
  ]);
  // A message from the requester, one from the desk (not an event), and the licence revoked.
  const stored = t.container.repos.requests.findByReference(reference)!;
  t.container.services.requesterPages.postMessage(stored, 'Can we run it on Monday?');
  assert.equal((await post(admin, reference, 'reply', { reply: 'Yes, Monday is fine.' })).status, 303);
  assert.equal(
    (await post(admin, reference, 'revoke', { revoke_reason: 'Published without the credit line' })).status,
    303,
  );
  const before = received.length;
  while ((await deliver()) > 0);
  const later = received.slice(before);
  const signed = later.filter((message) => message.headers['webhook-signature']);
  const verified = signed.map(
    (m) => (verifier.verify(m.body, m.headers as Record<string, string>) as { type: string }).type,
  );
  assert.deepEqual(verified, ['message.received'], 'the desk’s own reply is not an event');
  const chat = later
    .filter((message) => !message.headers['webhook-signature'])
    .map((m) => JSON.parse(m.body) as { text: string });
  assert.equal(chat.length, 1);
  assert.match(chat[0].text, new RegExp(`^Licence LIC-\\d{4}-\\d+ revoked \\(${reference}\\)`));
  const ids = received.map((message) => message.headers['webhook-id']);
  assert.equal(new Set(ids).size, ids.length, 'one webhook-id per message');
  // A tampered body does not verify.
  assert.throws(() =>
    verifier.verify(received[0].body.replace('new', 'old'), received[0].headers as Record<string, string>),
  );
});

test('a failed delivery is retried with the same webhook-id: backoff, then Retry-After; 410 disables', async () => {
  await addEndpoint({ url: receiverUrl, format: 'standard', events: ['request.created'] });
  answers = [{ status: 500 }, { status: 503, headers: { 'Retry-After': '120' } }, { status: 204 }];
  await submit(t);
  const start = t.clock.now.getTime();
  await deliver();
  let [row] = deliveries().slice(-1);
  assert.equal(row.status, 'pending');
  assert.equal(row.attempts, 1);
  assert.equal(row.last_status, 500);
  const wait = Date.parse(String(row.next_attempt_at)) - start;
  assert.ok(wait >= 16_000 && wait <= 24_000, `first retry after ~20 s, not ${wait} ms`);
  assert.equal(await deliver(), 0, 'not due yet');

  t.clock.advance(25_000);
  await deliver();
  [row] = deliveries().slice(-1);
  assert.equal(row.last_status, 503);
  assert.equal(Date.parse(String(row.next_attempt_at)) - t.clock.now.getTime(), 120_000, 'Retry-After: 120 honoured');
  t.clock.advance(121_000);
  await deliver();
  [row] = deliveries().slice(-1);
  assert.equal(row.status, 'delivered');
  assert.equal(row.attempts, 3);
  assert.equal(new Set(received.map((m) => m.headers['webhook-id'])).size, 1, 'the same webhook-id on every attempt');

  // 410 Gone: the endpoint is disabled and nothing more is queued for it.
  answers = [{ status: 410 }];
  await submit(t);
  await deliver();
  const endpoint = t.db
    .prepare('SELECT disabled_at, disabled_reason FROM webhook_endpoints ORDER BY id DESC')
    .get() as Record<string, string>;
  assert.ok(endpoint.disabled_at);
  assert.match(endpoint.disabled_reason, /410/);
  const before = deliveries().length;
  await submit(t);
  assert.equal(deliveries().length, before, 'a disabled endpoint gets no deliveries');

  const id = t.db.prepare('SELECT id FROM webhook_endpoints ORDER BY id DESC').pluck().get() as number;
  const log = await admin.get(`/admin/webhooks/${id}`).expect(200);
  assert.match(log.text, /Delivered \(204\) in \d+ ms/);
  assert.match(log.text, /Given up: Gone \(410\)/);
});

test('the chat format: one line with a link to the desk; the test button sends a test event', async () => {
  const added = await addEndpoint({ url: receiverUrl, format: 'chat', events: ['request.created'] });
  assert.equal(added.status, 201);
  const reference = await submit(t);
  await deliver();
  assert.deepEqual(JSON.parse(received[0].body), {
    text: `New licensing request ${reference} — <${t.config.publicBaseUrl}/staff/requests/${reference}|open in the desk>`,
  });
  assert.equal(received[0].headers['webhook-signature'], undefined);

  const id = t.db.prepare('SELECT id FROM webhook_endpoints ORDER BY id DESC').pluck().get() as number;
  const page = await admin.get(`/admin/webhooks/${id}`).expect(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
  await admin.post(`/admin/webhooks/${id}/test`).type('form').send({ _csrf: csrf }).expect(303);
  await deliver();
  assert.match(JSON.parse(received[1].body).text as string, /^Test message from the licensing desk/);
  const actions = t.db.prepare("SELECT action FROM audit_log WHERE subject_type = 'webhook'").pluck().all();
  assert.ok(actions.includes('webhook.add') && actions.includes('webhook.test'));
});

test('the daily digest of overdue requests: once a day from the configured hour, to endpoints that want it', async () => {
  await addEndpoint({ url: receiverUrl, format: 'chat', events: ['overdue.digest'] });
  const oldest = await submit(t);
  const saved = t.clock.now;
  // Ten days on, at 07:00 UTC: before the hour (8), nothing; at 09:00 the digest; then nothing more that day.
  const day = new Date(t.clock.now.getTime() + 10 * 86_400_000);
  t.clock.now = new Date(`${day.toISOString().slice(0, 10)}T07:00:00.000Z`);
  assert.equal(t.container.services.overdueDigest.run(), null);
  t.clock.now = new Date(`${day.toISOString().slice(0, 10)}T09:00:00.000Z`);
  const count = t.container.services.overdueDigest.run();
  const awaiting = t.db.prepare("SELECT COUNT(*) FROM requests WHERE status IN ('new', 'in_review')").pluck().get();
  assert.equal(count, awaiting);
  assert.equal(t.container.services.overdueDigest.run(), null, 'once a day');
  await deliver();
  const { text } = JSON.parse(received.at(-1)!.body) as { text: string };
  assert.match(text, new RegExp(`^${count} requests overdue \\(no action for over 2 working days\\): REP-`));
  assert.match(text, new RegExp(`<${t.config.publicBaseUrl}/staff/requests\\?overdue=1\\|open in the desk>$`));
  assert.ok(text.includes(oldest) || (count as number) > 10);
  t.clock.now = saved;
});

test('private addresses are refused unless allowed, when added and again when delivering', async () => {
  const strict = await buildTestApp(DESK_ENV);
  try {
    await addUser(strict, 'admin@reprise.test', 'admin');
    const agent = await signIn(strict, 'admin@reprise.test');
    for (const url of [
      receiverUrl,
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]:9/x',
      'http://localhost:9/x',
    ]) {
      const res = await agent
        .post('/admin/webhooks')
        .type('form')
        .send({ _csrf: await csrfOf(agent, '/admin/webhooks'), url, format: 'standard', events: 'request.created' });
      assert.equal(res.status, 422, url);
      assert.match(res.text, /private address/);
    }
    assert.equal(strict.db.prepare('SELECT COUNT(*) FROM webhook_endpoints').pluck().get(), 0);

    // An endpoint that became private (DNS changed, or written in by hand) is refused at delivery too.
    strict.db
      .prepare(
        `INSERT INTO webhook_endpoints (url, format, events, secret, created_by, created_at)
        VALUES (?, 'standard', 'request.created', 'whsec_dGVzdA==', 'test', ?)`,
      )
      .run(receiverUrl, new Date().toISOString());
    await submit(strict);
    await strict.container.webhooks.runOnce();
    const [row] = strict.db.prepare('SELECT status, last_error FROM webhook_deliveries').all() as Record<
      string,
      string
    >[];
    assert.equal(row.status, 'failed');
    assert.match(row.last_error, /^Refused: 127\.0\.0\.1 is a private address/);
    assert.equal(received.length, 0, 'nothing reached the receiver');
  } finally {
    await strict.close();
  }
});

test('without an enabled endpoint, requests and their changes record no events', async () => {
  const events = () => t.db.prepare('SELECT COUNT(*) FROM webhook_events').pluck().get() as number;
  const before = events();
  const reference = await submit(t);
  await post(admin, reference, 'start_review');
  assert.equal(events(), before);
});
