// Bad input against the HTTP interface: each case gets a clear 4xx (never a 500),
// a message a person understands, and nothing is stored or queued. Inputs that
// are odd but legitimate (SQL metacharacters, XSS-looking text) are stored
// literally and rendered inert.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { validRequest, validFormFields } from '../helpers/fixtures.js';
import { addUser, signIn, DESK_ENV } from '../helpers/desk.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp(DESK_ENV);
});
after(() => t.close());

const counts = () => ({
  requests: (t.db.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n,
  outbox: (t.db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n,
});
const base = validRequest();
const withUsage = (u: Record<string, unknown>) => validRequest({ usage: { ...base.usage, ...u } });
const withRequester = (r: Record<string, unknown>) => validRequest({ requester: { ...base.requester, ...r } });
const withOrg = (o: Record<string, unknown>) => validRequest({ organisation: { ...base.organisation, ...o } });

interface Case {
  name: string;
  body?: unknown;
  raw?: string;
  contentType?: string;
  status: number;
  /** JSON Pointer that must be named in `errors`, when the answer is a validation error. */
  path?: string;
  code?: string;
}

const deep = (n: number): unknown => (n === 0 ? {} : { a: deep(n - 1) });

const cases: Case[] = [
  {
    name: 'oversized body',
    body: validRequest({ message: 'x'.repeat(80_000) }),
    status: 413,
    code: 'payload_too_large',
  },
  {
    name: 'deeply nested body',
    body: validRequest({ message: deep(40) as unknown as string }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: '__proto__ key',
    raw: JSON.stringify(base).replace(/^\{/, '{"__proto__":{"polluted":true},'),
    status: 400,
    path: '/__proto__',
  },
  {
    name: 'constructor key',
    raw: JSON.stringify(base).replace(/^\{/, '{"constructor":{"prototype":{"x":1}},'),
    status: 400,
    path: '/constructor',
  },
  { name: 'unknown field status', body: { ...base, status: 'licensed' }, status: 400, path: '/status' },
  { name: 'unknown field id', body: { ...base, id: 1 }, status: 400, path: '/id' },
  { name: 'audience as a string', body: withUsage({ audience: '50000' }), status: 400, path: '/usage/audience' },
  { name: 'negative audience', body: withUsage({ audience: -1 }), status: 400, path: '/usage/audience' },
  { name: 'huge audience', body: withUsage({ audience: 1e12 }), status: 400, path: '/usage/audience' },
  { name: 'fractional audience', body: withUsage({ audience: 10.5 }), status: 400, path: '/usage/audience' },
  {
    name: 'NaN-like audience',
    raw: JSON.stringify(base).replace('"audience":50000', '"audience":NaN'),
    status: 400,
    code: 'malformed_json',
  },
  { name: 'fractional duration', body: withUsage({ durationMonths: 1.5 }), status: 400, path: '/usage/durationMonths' },
  { name: 'impossible date', body: withUsage({ startDate: '2027-02-30' }), status: 400, path: '/usage/startDate' },
  { name: 'past date', body: withUsage({ startDate: '2001-01-01' }), status: 400, path: '/usage/startDate' },
  {
    name: 'date with time',
    body: withUsage({ startDate: '2027-02-01T00:00:00Z' }),
    status: 400,
    path: '/usage/startDate',
  },
  { name: 'overlong name', body: withRequester({ name: 'n'.repeat(201) }), status: 400, path: '/requester/name' },
  {
    name: 'overlong title',
    body: validRequest({ articles: [{ ...base.articles[0], title: 't'.repeat(301) }] }),
    status: 400,
    path: '/articles/0/title',
  },
  {
    name: 'too many articles',
    body: validRequest({ articles: Array.from({ length: 21 }, () => base.articles[0]) }),
    status: 400,
    path: '/articles',
  },
  { name: 'NUL in a name', body: withRequester({ name: 'Ada\u0000Lovelace' }), status: 400, path: '/requester/name' },
  {
    name: 'escape character in organisation',
    body: withOrg({ name: 'Daily\u001b[31mPlanet' }),
    status: 400,
    path: '/organisation/name',
  },
  {
    name: 'bidi override in a name',
    body: withRequester({ name: 'Ada \u202Eecalevol' }),
    status: 400,
    path: '/requester/name',
  },
  {
    name: 'CRLF in a name',
    body: withRequester({ name: 'Ada\r\nBcc: victim@example.org' }),
    status: 400,
    path: '/requester/name',
  },
  {
    name: 'CRLF in an email',
    body: withRequester({ email: 'ada@example.org\r\nBcc: x@example.org' }),
    status: 400,
    path: '/requester/email',
  },
  { name: 'invalid email', body: withRequester({ email: 'ada@@example' }), status: 400, path: '/requester/email' },
  {
    name: 'javascript: URL',
    body: validRequest({ articles: [{ ...base.articles[0], url: 'javascript:alert(1)' }] }),
    status: 400,
    path: '/articles/0/url',
  },
  { name: 'unknown country code', body: withOrg({ country: 'XX' }), status: 400, path: '/organisation/country' },
  { name: 'lower-case country code', body: withOrg({ country: 'gb' }), status: 400, path: '/organisation/country' },
  { name: 'unknown enum value', body: withUsage({ medium: 'billboard' }), status: 400, path: '/usage/medium' },
  { name: 'consent false', body: validRequest({ consent: false }), status: 400, path: '/consent' },
  { name: 'boolean as string', body: withUsage({ images: 'false' }), status: 400, path: '/usage/images' },
  {
    name: 'extract without word count',
    body: validRequest({ articles: [{ ...base.articles[0], portion: 'extract' }] }),
    status: 400,
    path: '/articles/0/extractWords',
  },
  { name: 'array instead of object', body: [base], status: 400, code: 'validation_failed' },
  { name: 'JSON null', raw: 'null', status: 400 },
  { name: 'malformed JSON', raw: '{"requester": ', status: 400, code: 'malformed_json' },
  {
    name: 'wrong charset',
    raw: JSON.stringify(base),
    contentType: 'application/json; charset=utf-16',
    status: 415,
    code: 'unsupported_encoding',
  },
  {
    name: 'text/plain body',
    raw: JSON.stringify(base),
    contentType: 'text/plain',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'duplicate countries',
    body: withUsage({ territory: 'region', countries: ['FR', 'FR'] }),
    status: 400,
    path: '/usage/countries',
  },
];

for (const c of cases) {
  test(`bad input: ${c.name} → ${c.status}`, async () => {
    const before = counts();
    let req = request(t.server)
      .post('/api/v1/requests')
      .set('Content-Type', c.contentType ?? 'application/json');
    const res = await req.send(c.raw ?? JSON.stringify(c.body));
    assert.equal(res.status, c.status, JSON.stringify(res.body));
    assert.match(res.headers['content-type'], /application\/problem\+json/);
    assert.equal(typeof res.body.title, 'string');
    assert.ok(!/at .*\.ts:\d+|Error:|SQLITE/i.test(res.text), 'no internals leak');
    if (c.code) assert.equal(res.body.code, c.code);
    if (c.path) {
      const paths = (res.body.errors ?? []).map((e: { path: string }) => e.path);
      assert.ok(paths.includes(c.path), `expected ${c.path} in ${JSON.stringify(res.body.errors)}`);
      const message = res.body.errors.find((e: { path: string }) => e.path === c.path).message;
      assert.ok(message.length > 8 && !/must match|instancePath|#\//.test(message), `a person's message: ${message}`);
    }
    assert.deepEqual(counts(), before, 'nothing stored, nothing queued');
    req = undefined as never;
  });
}

test('no prototype pollution after __proto__ and constructor payloads', () => {
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

test('SQL metacharacters are stored literally', async () => {
  const name = `Robert'); DROP TABLE requests;-- "x" \\ %_`;
  const res = await request(t.server).post('/api/v1/requests').send(withOrg({ name })).expect(201);
  const row = t.db.prepare('SELECT org_name FROM requests WHERE reference = ?').get(res.body.reference) as {
    org_name: string;
  };
  assert.equal(row.org_name, name);
});

test('XSS payloads in every text field are stored as typed and rendered inert', async () => {
  const x = (s: string) => `<script>alert("${s}")</script><img src=x onerror=alert(1)>`;
  const body = validRequest({
    requester: { name: x('name'), email: 'xss@example.org', jobTitle: x('job') },
    organisation: { ...base.organisation, name: x('org') },
    articles: [{ url: 'https://news.example/a?q=%3Cscript%3E', title: x('title'), portion: 'full' }],
    message: x('message'),
  });
  const res = await request(t.server).post('/api/v1/requests').send(body).expect(201);
  const token = (
    t.db.prepare('SELECT access_token FROM requests WHERE reference = ?').get(res.body.reference) as {
      access_token: string;
    }
  ).access_token;
  const page = await request(t.server).get(`/licensing/requests/${token}`).expect(200);
  assert.ok(!page.text.includes('<script>alert'), 'no live script');
  assert.ok(!page.text.includes('<img src=x'), 'no live markup');
  assert.ok(page.text.includes('&lt;script&gt;alert(&quot;org&quot;)&lt;/script&gt;'));
  await addUser(t, 'xss-desk@example.org');
  const desk = await signIn(t, 'xss-desk@example.org');
  for (const path of [`/staff/requests/${res.body.reference}`, '/staff/requests', '/staff/requests?q=script']) {
    const staffPage = await desk.get(path).expect(200);
    assert.ok(!staffPage.text.includes('<script>alert') && !staffPage.text.includes('<img src=x'), `${path} is inert`);
  }
  await t.container.worker.runOnce();
  const fs = await import('node:fs');
  for (const f of fs.readdirSync(t.config.mailDir)) {
    const eml = fs.readFileSync(`${t.config.mailDir}/${f}`, 'utf8');
    const html = eml.split(/Content-Type: text\/html/i)[1] ?? '';
    assert.ok(!/<script>alert/.test(html.replace(/=\r?\n/g, '')), `${f}: html part has no live script`);
  }
});

test('the form never answers 500 to junk fields', async () => {
  const get = await request(t.server).get('/licensing');
  const token = /name="form_token" value="([^"]+)"/.exec(get.text)![1];
  const before = counts();
  const junk = validFormFields({
    form_token: token,
    'articles[9999][url]': 'x',
    'usage[audience]': '1e9',
    'usage[countries]': 'ZZ',
    'organisation[nonProfit]': 'maybe',
    'requester[name]': 'A\u0000B',
    '__proto__[x]': '1',
  });
  const res = await request(t.server).post('/licensing').type('form').send(junk);
  assert.equal(res.status, 422);
  assert.match(res.text, /There is a problem/);
  assert.deepEqual(counts(), before);
});

test('path tricks and odd paths get 404, not an error', async () => {
  await request(t.server).get('/licensing/requests/..%2F..%2Fetc%2Fpasswd').expect(404);
  await request(t.server).get('/assets/../package.json').expect(404);
  await request(t.server).get('/api/v1/nothing').expect(404);
});
