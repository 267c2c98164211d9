// The HTML form without JavaScript: GET prefilled from the footer link, POST →
// 303 → confirmation page; mistakes → 422 with input kept and messages per field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { validFormFields } from '../helpers/fixtures.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(() => t.close());

const tokenFrom = (html: string) => /name="form_token" value="([^"]+)"/.exec(html)![1];
const count = (sql: string) => (t.db.prepare(sql).get() as { n: number }).n;

async function freshToken() {
  const res = await request(t.server).get('/licensing').expect(200);
  return tokenFrom(res.text);
}

test('the footer link prefills the first article; malicious values are escaped or dropped', async () => {
  const url = 'https://news.example/world/2026/story?id=7&x=1';
  const res = await request(t.server)
    .get('/licensing')
    .query({ url, title: 'Floods <script>alert(1)</script> & "quotes"', lang: 'en' })
    .expect(200);
  assert.match(res.text, /<html lang="en" dir="ltr">/);
  assert.ok(res.text.includes('value="https://news.example/world/2026/story?id=7&amp;x=1"'));
  assert.ok(res.text.includes('Floods &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;'));
  assert.ok(!res.text.includes('<script>alert(1)'));
  const js = await request(t.server).get('/licensing').query({ url: 'javascript:alert(1)', title: 'x' }).expect(200);
  assert.ok(!js.text.includes('javascript:alert'));
  assert.match(res.headers['content-security-policy'], /script-src 'self'/);
  assert.match(res.headers['content-security-policy'], /frame-ancestors 'none'/);
  assert.equal(res.headers['x-powered-by'], undefined);
});

test('a valid form post is stored and redirects (303) to a confirmation page with reference and quote', async () => {
  const before = count('SELECT COUNT(*) AS n FROM requests');
  const token = await freshToken();
  const res = await request(t.server)
    .post('/licensing')
    .type('form')
    .send(validFormFields({ form_token: token }))
    .expect(303);
  assert.match(res.headers.location, /^\/licensing\/requests\/[A-Za-z0-9_-]{32}$/);
  assert.equal(count('SELECT COUNT(*) AS n FROM requests'), before + 1);
  const row = t.db.prepare('SELECT * FROM requests ORDER BY id DESC LIMIT 1').get() as Record<string, unknown>;
  assert.equal(row.audience, 50000, '"50 000" typed in the form is stored as 50000');
  assert.equal(row.org_non_profit, 0);
  assert.equal(row.requester_phone, null, 'empty optional fields are not stored as empty strings');
  const page = await request(t.server).get(res.headers.location).expect(200);
  assert.ok(page.text.includes(String(row.reference)));
  assert.match(page.text, /£190\.00/);
  assert.match(page.text, /A story worth telling/);
  assert.equal(page.headers['cache-control'], 'no-store');
});

test('invalid input comes back (422) with the input kept, an error summary and a message beside each field', async () => {
  const before = count('SELECT COUNT(*) AS n FROM requests');
  const token = await freshToken();
  const res = await request(t.server)
    .post('/licensing')
    .type('form')
    .send(validFormFields({ form_token: token, 'requester[email]': 'ada@', 'usage[audience]': 'lots', consent: '' }))
    .expect(422);
  assert.equal(count('SELECT COUNT(*) AS n FROM requests'), before);
  assert.match(res.text, /There is a problem/);
  assert.match(res.text, /href="#f-requester-email"/);
  assert.match(res.text, /href="#f-usage-audience"/);
  assert.match(res.text, /href="#f-consent"/);
  assert.match(res.text, /id="f-requester-email"[^>]*value="ada@"|value="ada@"[^>]*\n?[^>]*id="f-requester-email"/);
  assert.ok(res.text.includes('value="Daily Planet"'), 'other input is kept');
  assert.ok(res.text.includes('value="lots"'));
  assert.match(res.text, /aria-invalid="true"/);
  assert.match(res.text, /Enter an email address like name@example.com/);
  assert.match(res.text, /Accept the licence conditions/);
});

test('a double submission of the same form makes one request and one set of emails', async () => {
  const token = await freshToken();
  const fields = validFormFields({ form_token: token, 'organisation[name]': 'Double Click Gazette' });
  const a = await request(t.server).post('/licensing').type('form').send(fields).expect(303);
  const b = await request(t.server).post('/licensing').type('form').send(fields).expect(303);
  assert.equal(b.headers.location, a.headers.location);
  assert.equal(count("SELECT COUNT(*) AS n FROM requests WHERE org_name = 'Double Click Gazette'"), 1);
  assert.equal(
    count(
      "SELECT COUNT(*) AS n FROM outbox o JOIN requests r ON r.id = o.request_id WHERE r.org_name = 'Double Click Gazette'",
    ),
    2,
  );
});

test('one token sent with two different requests (a cached page) makes two requests, never shows the first to the second', async () => {
  const token = await freshToken();
  const a = await request(t.server)
    .post('/licensing')
    .type('form')
    .send(validFormFields({ form_token: token, 'requester[email]': 'alice@example.org' }))
    .expect(303);
  const b = await request(t.server)
    .post('/licensing')
    .type('form')
    .send(validFormFields({ form_token: token, 'requester[email]': 'mallory@example.org' }))
    .expect(303);
  assert.notEqual(b.headers.location, a.headers.location);
  const page = await request(t.server).get(b.headers.location).expect(200);
  assert.ok(page.text.includes('mallory@example.org') && !page.text.includes('alice@example.org'));
  const form = await request(t.server).get('/licensing').expect(200);
  assert.equal(form.headers['cache-control'], 'no-store', 'the form (with its token) is never cached');
});

test('adding and removing article rows works without JavaScript and keeps the input', async () => {
  const token = await freshToken();
  const added = await request(t.server)
    .post('/licensing')
    .type('form')
    .send(validFormFields({ form_token: token, action: 'add_article' }))
    .expect(200);
  assert.match(added.text, /name="articles\[1\]\[url\]"/);
  assert.ok(added.text.includes('value="A story worth telling"'));
  const removed = await request(t.server)
    .post('/licensing')
    .type('form')
    .send(
      validFormFields({
        form_token: token,
        'articles[1][url]': 'https://news.example/b',
        'articles[1][title]': 'B',
        action: 'remove_article:0',
      }),
    )
    .expect(200);
  assert.ok(removed.text.includes('value="https://news.example/b"'));
  assert.ok(!removed.text.includes('value="A story worth telling"'));
});

test('a form sent faster than a person could, forged or without a token is refused with a message', async () => {
  const slow = await buildTestApp({ FORM_MIN_FILL_SECONDS: '3' });
  try {
    const get = await request(slow.server).get('/licensing').expect(200);
    const quick = await request(slow.server)
      .post('/licensing')
      .type('form')
      .send(validFormFields({ form_token: tokenFrom(get.text) }))
      .expect(422);
    assert.match(quick.text, /expired or was sent too quickly/);
    slow.clock.advance(5_000);
    await request(slow.server)
      .post('/licensing')
      .type('form')
      .send(validFormFields({ form_token: tokenFrom(get.text) }))
      .expect(303);
    const forged = tokenFrom(get.text).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    await request(slow.server)
      .post('/licensing')
      .type('form')
      .send(validFormFields({ form_token: forged }))
      .expect(422);
    await request(slow.server)
      .post('/licensing')
      .type('form')
      .send(validFormFields({ form_token: '' }))
      .expect(422);
    slow.clock.advance(25 * 3600_000);
    const old = await request(slow.server)
      .post('/licensing')
      .type('form')
      .send(validFormFields({ form_token: tokenFrom(get.text), 'organisation[name]': 'Other' }))
      .expect(422);
    assert.match(old.text, /expired/);
    assert.equal((slow.db.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n, 1);
  } finally {
    await slow.close();
  }
});

test('the honeypot answers like a success but stores and sends nothing', async () => {
  const before = count('SELECT COUNT(*) AS n FROM requests');
  const outboxBefore = count('SELECT COUNT(*) AS n FROM outbox');
  const token = await freshToken();
  const res = await request(t.server)
    .post('/licensing')
    .type('form')
    .send(validFormFields({ form_token: token, nickname: 'bot' }))
    .expect(303);
  assert.equal(res.headers.location, '/licensing/received');
  assert.equal(count('SELECT COUNT(*) AS n FROM requests'), before);
  assert.equal(count('SELECT COUNT(*) AS n FROM outbox'), outboxBefore);
});

test('confirmation pages cannot be found by guessing', async () => {
  await request(t.server).get('/licensing/requests/REP-2026-000001').expect(404);
  await request(t.server)
    .get(`/licensing/requests/${'a'.repeat(32)}`)
    .expect(404);
});

test('form bodies past 128 kB get 413', async () => {
  const token = await freshToken();
  await request(t.server)
    .post('/licensing')
    .type('form')
    .send(validFormFields({ form_token: token, message: 'x'.repeat(140_000) }))
    .expect(413);
});
