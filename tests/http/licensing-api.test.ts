// POST /api/v1/requests and /api/v1/quote against a real SQLite file and a real
// SMTP server: the row, the articles, the outbox and the two parsed emails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { validRequest } from '../helpers/fixtures.js';

let smtp: TestSmtp;
let t: TestApp;

before(async () => {
  smtp = await startSmtp();
  t = await buildTestApp({ SMTP_URL: smtp.url });
});
after(async () => {
  await t.close();
  await smtp.close();
});

test('a valid request is stored with its quote and both emails reach the SMTP server', async () => {
  const body = validRequest();
  const res = await request(t.server).post('/api/v1/requests').send(body).expect(201);
  assert.match(res.body.reference, /^REP-\d{4}-\d{6}$/);
  assert.equal(res.body.status, 'new');
  assert.equal(res.body.quote.currency, 'GBP');
  assert.equal(res.body.quote.referToDesk, false);
  const sum = res.body.quote.lines.reduce((s: number, l: { amountMinor: number }) => s + l.amountMinor, 0);
  assert.equal(res.body.quote.totalMinor, sum);
  assert.ok(res.body.quote.lines.every((l: { label: string }) => l.label.length > 0));

  const row = t.db.prepare('SELECT * FROM requests WHERE reference = ?').get(res.body.reference) as Record<
    string,
    unknown
  >;
  assert.equal(row.requester_email, 'ada@example.org');
  assert.equal(row.org_name, 'Daily Planet');
  assert.equal(row.audience, 50000);
  assert.equal(row.countries, 'GB');
  assert.equal(row.quote_total_minor, res.body.quote.totalMinor);
  assert.equal(row.rate_card_version, res.body.quote.rateCardVersion);
  const articles = t.db.prepare('SELECT * FROM request_articles WHERE request_id = ?').all(row.id) as Record<
    string,
    unknown
  >[];
  assert.deepEqual(
    articles.map((a) => a.url),
    ['https://news.example/2026/story'],
  );
  const outbox = t.db
    .prepare('SELECT template, recipient, status FROM outbox WHERE request_id = ? ORDER BY id')
    .all(row.id);
  assert.deepEqual(
    outbox.map((o) => (o as { template: string }).template),
    ['desk_new_request', 'requester_ack'],
  );

  await t.container.worker.runOnce();
  const mails = await smtp.waitFor(2);
  const desk = mails.find((m) => m.subject?.includes('New licensing request'))!;
  const ack = mails.find((m) => m.subject?.includes('Your licensing request'))!;
  assert.ok(desk && ack, 'both messages were received');
  assert.equal(desk.to && !Array.isArray(desk.to) ? desk.to.value[0].address : '', 'desk@reprise.test');
  assert.equal(desk.replyTo?.value[0].address, 'ada@example.org');
  assert.match(desk.text ?? '', /Daily Planet/);
  assert.match(desk.text ?? '', /A story worth telling/);
  assert.match(desk.text ?? '', new RegExp(res.body.reference));
  assert.match(desk.html || '', /Indicative quote/);
  assert.equal(!Array.isArray(ack.to) ? ack.to?.value[0].address : '', 'ada@example.org');
  assert.match(ack.text ?? '', new RegExp(res.body.reference));
  assert.match(ack.text ?? '', /^Total: £190\.00$/m, 'the plain-text total stands on its own line');
  assert.ok(ack.messageId && ack.messageId.includes('@reprise.test'));
  const sent = t.db
    .prepare("SELECT COUNT(*) AS n FROM outbox WHERE request_id = ? AND status = 'sent'")
    .get(row.id) as { n: number };
  assert.equal(sent.n, 2);
});

test('references count up and access tokens are long and random', async () => {
  const a = await request(t.server).post('/api/v1/requests').send(validRequest()).expect(201);
  const b = await request(t.server).post('/api/v1/requests').send(validRequest()).expect(201);
  const n = (ref: string) => Number(ref.slice(-6));
  assert.equal(n(b.body.reference), n(a.body.reference) + 1);
  const tokens = t.db.prepare('SELECT access_token FROM requests').all() as { access_token: string }[];
  assert.ok(tokens.every((r) => /^[A-Za-z0-9_-]{32}$/.test(r.access_token)));
  assert.equal(new Set(tokens.map((r) => r.access_token)).size, tokens.length);
});

test('invalid fields give 400 problem+json with a JSON Pointer and a message per field, and store nothing', async () => {
  const before = (t.db.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n;
  const body = validRequest({
    requester: { name: '', email: 'not-an-email' },
    usage: { ...validRequest().usage, audience: '50000', startDate: '2026-02-30' },
  });
  const res = await request(t.server).post('/api/v1/requests').send(body).expect(400);
  assert.match(res.headers['content-type'], /application\/problem\+json/);
  const paths = res.body.errors.map((e: { path: string }) => e.path);
  assert.ok(paths.includes('/requester/name'));
  assert.ok(paths.includes('/requester/email'));
  assert.ok(paths.includes('/usage/audience'), 'a string audience is refused, not coerced');
  assert.ok(paths.includes('/usage/startDate'));
  assert.ok(res.body.errors.every((e: { message: string }) => e.message.length > 5));
  const after = (t.db.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n;
  assert.equal(after, before);
});

test('a start date in the past is refused', async () => {
  const res = await request(t.server)
    .post('/api/v1/requests')
    .send(validRequest({ usage: { ...validRequest().usage, startDate: '2020-01-01' } }))
    .expect(400);
  assert.deepEqual(
    res.body.errors.map((e: { path: string }) => e.path),
    ['/usage/startDate'],
  );
});

test('a past start date is reported with every other mistake in one answer', async () => {
  const body = validRequest({
    requester: { name: '', email: 'ada@example.org' },
    usage: { ...validRequest().usage, startDate: '2020-01-01' },
  });
  const res = await request(t.server).post('/api/v1/requests').send(body).expect(400);
  const errors = res.body.errors as { path: string; message: string }[];
  assert.deepEqual(errors.map((e) => e.path).sort(), ['/requester/name', '/usage/startDate']);
  assert.match(errors.find((e) => e.path === '/usage/startDate')!.message, /cannot be in the past/);
  const quote = await request(t.server)
    .post('/api/v1/quote')
    .send({ ...body, requester: undefined })
    .expect(400);
  assert.ok(quote.body.errors.some((e: { path: string }) => e.path === '/usage/startDate'));
});

test('territory rules: one country, a region of two or more, worldwide without countries', async () => {
  const usage = validRequest().usage;
  const bad = [
    { ...usage, territory: 'single_country', countries: ['GB', 'FR'] },
    { ...usage, territory: 'region', countries: ['GB'] },
    { ...usage, territory: 'worldwide', countries: ['GB'] },
  ];
  for (const u of bad) {
    const res = await request(t.server)
      .post('/api/v1/requests')
      .send(validRequest({ usage: u }))
      .expect(400);
    assert.deepEqual(
      res.body.errors.map((e: { path: string }) => e.path),
      ['/usage/countries'],
      JSON.stringify(u),
    );
  }
  const { countries: _c, ...worldwide } = { ...usage, territory: 'worldwide' };
  await request(t.server)
    .post('/api/v1/requests')
    .send(validRequest({ usage: worldwide }))
    .expect(201);
});

test('415 for other content types, 413 past 64 kB, 400 for malformed JSON', async () => {
  await request(t.server).post('/api/v1/requests').set('Content-Type', 'text/plain').send('hello').expect(415);
  await request(t.server)
    .post('/api/v1/requests')
    .set('Content-Type', 'application/x-www-form-urlencoded')
    .send('a=b')
    .expect(415);
  const big = validRequest({ message: 'x'.repeat(70_000) });
  const res413 = await request(t.server).post('/api/v1/requests').send(big).expect(413);
  assert.match(res413.headers['content-type'], /problem\+json/);
  const res400 = await request(t.server)
    .post('/api/v1/requests')
    .set('Content-Type', 'application/json')
    .send('{"a":')
    .expect(400);
  assert.equal(res400.body.code, 'malformed_json');
});

test('POST /api/v1/quote prices without storing, ignores who is asking, answers the quote at top level', async () => {
  const before = (t.db.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n;
  const { requester: _r, consent: _c, ...body } = validRequest();
  const res = await request(t.server)
    .post('/api/v1/quote')
    .send({ ...body, organisation: { nonProfit: true } })
    .expect(200);
  assert.equal(typeof res.body.totalMinor, 'number');
  assert.ok(res.body.lines.some((l: { code: string }) => l.code === 'non_profit_discount'));
  const full = await request(t.server).post('/api/v1/quote').send(validRequest()).expect(200);
  assert.equal(full.body.currency, 'GBP');
  const after = (t.db.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n;
  assert.equal(after, before);
});

test('article addresses in French and Arabic are priced and stored as browsers write them; the desk reads letters', async () => {
  const fr = 'https://journal.example/économie/2026/la-dette-à-la-une';
  const ar = 'https://akhbar.example/اقتصاد/2026/قصة';
  const articles = [
    { url: fr, title: 'La dette à la une', portion: 'full' },
    { url: ar, title: 'قصة تستحق أن تروى', portion: 'full' },
  ];
  const quote = await request(t.server).post('/api/v1/quote').send(validRequest({ articles })).expect(200);
  assert.equal(typeof quote.body.totalMinor, 'number');

  const sent = smtp.messages.length;
  const res = await request(t.server).post('/api/v1/requests').send(validRequest({ articles })).expect(201);
  const stored = t.db
    .prepare(
      'SELECT a.url FROM request_articles a JOIN requests r ON r.id = a.request_id WHERE r.reference = ? ORDER BY a.id',
    )
    .pluck()
    .all(res.body.reference);
  assert.deepEqual(stored, [new URL(fr).href, new URL(ar).href]);
  assert.match(String(stored[1]), /^https:\/\/akhbar\.example\/%D8%A7%D9%82/);

  await t.container.worker.runOnce();
  const mails = await smtp.waitFor(sent + 2);
  const desk = mails
    .slice(sent)
    .find((m) => m.subject?.includes('New licensing request') && m.subject.includes(res.body.reference as string));
  assert.ok(desk, 'the desk was told');
  assert.ok(desk.text?.includes(fr) && desk.text.includes(ar), desk.text);
});

test('a link cannot pose as another site: a host is kept in punycode, a user name before it is refused', async () => {
  const disguised = await request(t.server)
    .post('/api/v1/requests')
    .send(validRequest({ articles: [{ url: 'https://%D0%B0pple.example/news', title: 'A story', portion: 'full' }] }))
    .expect(201);
  const stored = t.db
    .prepare('SELECT a.url FROM request_articles a JOIN requests r ON r.id = a.request_id WHERE r.reference = ?')
    .pluck()
    .get(disguised.body.reference);
  assert.equal(stored, 'https://xn--pple-43d.example/news', 'the Cyrillic "а" shows as what it is');

  for (const url of [
    'https://planet.example／2026／story@evil.example/x',
    'https://planet.example%E2%88%95a@evil.example/',
  ]) {
    const refused = await request(t.server)
      .post('/api/v1/requests')
      .send(validRequest({ articles: [{ url, title: 'A story', portion: 'full' }] }))
      .expect(400);
    assert.deepEqual(
      (refused.body.errors as { path: string }[]).map((e) => e.path),
      ['/articles/0/url'],
    );
  }
});

test('commercial use is referred to the desk with a reason and no automatic price', async () => {
  const res = await request(t.server)
    .post('/api/v1/quote')
    .send(validRequest({ usage: { ...validRequest().usage, commercial: true } }))
    .expect(200);
  assert.equal(res.body.referToDesk, true);
  assert.equal(res.body.totalMinor, null);
  assert.deepEqual(
    res.body.reasons.map((r: { code: string }) => r.code),
    ['commercial_use'],
  );
  assert.match(res.body.reasons[0].message, /desk/);
});

test('the same Idempotency-Key gives the first answer, not a second request; a different body is refused', async () => {
  const body = validRequest();
  const first = await request(t.server).post('/api/v1/requests').set('Idempotency-Key', 'k-123').send(body).expect(201);
  const again = await request(t.server).post('/api/v1/requests').set('Idempotency-Key', 'k-123').send(body).expect(201);
  assert.equal(again.body.reference, first.body.reference);
  assert.equal(again.headers['idempotent-replayed'], 'true');
  const rows = t.db.prepare('SELECT COUNT(*) AS n FROM requests WHERE reference = ?').get(first.body.reference) as {
    n: number;
  };
  assert.equal(rows.n, 1);
  const outbox = t.db
    .prepare('SELECT COUNT(*) AS n FROM outbox o JOIN requests r ON r.id = o.request_id WHERE r.reference = ?')
    .get(first.body.reference) as { n: number };
  assert.equal(outbox.n, 2);
  const other = validRequest({ message: 'Something else' });
  const reused = await request(t.server)
    .post('/api/v1/requests')
    .set('Idempotency-Key', 'k-123')
    .send(other)
    .expect(422);
  assert.equal(reused.body.code, 'idempotency_key_reused');
});

test('idempotency keys older than 24 h are forgotten and deleted', async () => {
  const body = validRequest({ message: 'key expiry' });
  const first = await request(t.server)
    .post('/api/v1/requests')
    .set('Idempotency-Key', 'old-key')
    .send(body)
    .expect(201);
  t.clock.advance(25 * 3600_000);
  const later = await request(t.server)
    .post('/api/v1/requests')
    .set('Idempotency-Key', 'other-key')
    .send(validRequest())
    .expect(201);
  assert.notEqual(later.body.reference, first.body.reference);
  const keys = (t.db.prepare('SELECT key FROM idempotency_keys').pluck().all() as string[]).map((k) =>
    k.split(':').pop(),
  );
  assert.deepEqual(
    keys.filter((k) => k === 'old-key'),
    [],
    'the expired key was purged by the writer',
  );
  const again = await request(t.server)
    .post('/api/v1/requests')
    .set('Idempotency-Key', 'old-key')
    .send(body)
    .expect(201);
  assert.notEqual(again.body.reference, first.body.reference, 'after 24 h the key makes a new request');
});

test('healthz answers 200 when the database answers and migrations are current', async () => {
  const res = await request(t.server).get('/healthz').expect(200);
  assert.equal(res.body.status, 'ok');
});
