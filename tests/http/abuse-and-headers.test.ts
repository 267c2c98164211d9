// Per-IP rate limits (and TRUST_PROXY: a forged X-Forwarded-For changes nothing),
// security headers, and internal errors that never reach the user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import request from 'supertest';
import { buildTestApp } from '../helpers/app.js';
import { validRequest } from '../helpers/fixtures.js';

test('submissions are limited per IP; a forged X-Forwarded-For does not reset the count', async () => {
  const t = await buildTestApp({ RATE_LIMIT_SUBMIT_PER_HOUR: '2' });
  try {
    await request(t.server).post('/api/v1/requests').send(validRequest()).expect(201);
    await request(t.server)
      .post('/api/v1/requests')
      .set('X-Forwarded-For', '203.0.113.9')
      .send(validRequest())
      .expect(201);
    const limited = await request(t.server)
      .post('/api/v1/requests')
      .set('X-Forwarded-For', '198.51.100.7')
      .send(validRequest())
      .expect(429);
    assert.equal(limited.body.code, 'rate_limited');
    assert.match(limited.headers['content-type'], /problem\+json/);
    assert.equal((t.db.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n, 2);
    // The HTML form shares the same per-IP budget and answers a page a person can read.
    const page = await request(t.server).post('/licensing').type('form').send({ action: 'submit' }).expect(429);
    assert.match(page.text, /Too many requests/);
    // An unknown action is a submission like any other, and is limited too.
    await request(t.server).post('/licensing').type('form').send({ action: 'lang:xx' }).expect(429);
    // Editing the form (adding a row) is not a submission and is not limited.
    await request(t.server).post('/licensing').type('form').send({ action: 'add_article' }).expect(200);
  } finally {
    await t.close();
  }
});

test('behind one trusted proxy, clients are told apart by the address the proxy saw', async () => {
  const t = await buildTestApp({ RATE_LIMIT_QUOTE_PER_MINUTE: '1', TRUST_PROXY: '1' });
  try {
    const body = validRequest();
    await request(t.server).post('/api/v1/quote').set('X-Forwarded-For', '203.0.113.1').send(body).expect(200);
    await request(t.server).post('/api/v1/quote').set('X-Forwarded-For', '203.0.113.1').send(body).expect(429);
    await request(t.server).post('/api/v1/quote').set('X-Forwarded-For', '203.0.113.2').send(body).expect(200);
    // A client cannot prepend a forged hop: only the last (proxy-added) address counts.
    await request(t.server)
      .post('/api/v1/quote')
      .set('X-Forwarded-For', '10.9.9.9, 203.0.113.1')
      .send(body)
      .expect(429);
  } finally {
    await t.close();
  }
});

test('at most ACK_EMAILS_PER_ADDRESS_PER_DAY acknowledgements go to one address; the desk still hears of every request', async () => {
  const t = await buildTestApp({ ACK_EMAILS_PER_ADDRESS_PER_DAY: '2' });
  try {
    for (let i = 0; i < 4; i++) await request(t.server).post('/api/v1/requests').send(validRequest()).expect(201);
    const count = (template: string) =>
      (t.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE template = ?').get(template) as { n: number }).n;
    assert.equal(count('requester_ack'), 2);
    assert.equal(count('desk_new_request'), 4);
    // The same address in other letters is the same person's inbox: still capped.
    const shouting = validRequest();
    (shouting.requester as { email: string }).email = (shouting.requester as { email: string }).email.toUpperCase();
    await request(t.server).post('/api/v1/requests').send(shouting).expect(201);
    assert.equal(count('requester_ack'), 2);
    t.clock.advance(25 * 3600_000);
    await request(t.server).post('/api/v1/requests').send(validRequest()).expect(201);
    assert.equal(count('requester_ack'), 3, 'a day later the address gets acknowledgements again');
    // The count reads the partial index of acknowledgements (migrations/0022), not the outbox.
    const plan = t.db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT COUNT(*) FROM outbox
      WHERE lower(recipient) = lower(?) AND template = 'requester_ack' AND created_at > ?`,
      )
      .all('a@example.org', '2026-01-01') as { detail: string }[];
    assert.match(plan.map((p) => p.detail).join(' | '), /USING (COVERING )?INDEX outbox_acks/);
  } finally {
    await t.close();
  }
});

test('security headers: strict CSP, no framing, no X-Powered-By; HSTS only in production', async () => {
  const t = await buildTestApp();
  try {
    const res = await request(t.server).get('/licensing').expect(200);
    const csp = res.headers['content-security-policy'];
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /style-src 'self'(;|$)/);
    assert.ok(!/unsafe-inline|unsafe-eval/.test(csp));
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers['x-powered-by'], undefined);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['strict-transport-security'], undefined);
    assert.ok(!/<script>|\sstyle="/.test(res.text), 'no inline script or style attribute in the page');
    const css = await request(t.server).get('/assets/css/site.css').expect(200);
    assert.match(css.headers['cache-control'], /max-age=31536000/);
  } finally {
    await t.close();
  }
  const prod = await buildTestApp({ NODE_ENV: 'production' });
  try {
    const res = await request(prod.server).get('/licensing').expect(200);
    assert.match(res.headers['strict-transport-security'], /max-age=31536000/);
  } finally {
    await prod.close();
  }
});

test('an internal failure is answered generically: no stack trace, no SQL, no internal message', async () => {
  const t = await buildTestApp();
  try {
    // The database goes away under the running app: its connection, and the request writer's thread.
    t.db.close();
    await t.container.writer.close();
    const api = await request(t.server).post('/api/v1/requests').send(validRequest()).expect(500);
    assert.equal(api.body.code, 'internal');
    assert.ok(!/database|sqlite|stack|\.ts/i.test(api.text), api.text);
    const page = await request(t.server)
      .get('/licensing/requests/' + 'a'.repeat(32))
      .expect(500);
    assert.match(page.text, /Sorry, something went wrong on our side/);
    assert.ok(!/sqlite|database connection|at .*\.ts/i.test(page.text));
    await request(t.server).get('/healthz').expect(503);
  } finally {
    await t.container.worker.stop();
    fs.rmSync(t.dir, { recursive: true, force: true });
  }
});
