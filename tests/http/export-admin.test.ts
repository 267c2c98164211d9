// The admin data pages through the real app: sign-in, roles, CSRF, the export
// download (headers, name from the filters, body parsed back, audit row) and the
// erasure page (review, confirm, subject-access download).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { addUser, csrfOf, signIn, DESK_ENV, type Agent } from '../helpers/desk.js';
import { setStatus, submitAt, type Row } from '../helpers/export-seed.js';
import { ERASED } from '../../src/db/repos/retention.js';

let t: TestApp;
let admin: Agent;
let staff: Agent;
const ref: string[] = [];

before(async () => {
  t = await buildTestApp(DESK_ENV);
  await addUser(t, 'admin@reprise.test', 'admin');
  await addUser(t, 'staff@reprise.test', 'staff');
  ref.push(
    await submitAt(t, '2026-01-05T10:00:00Z', { requester: { name: 'Chloé Dupont', email: 'chloe@example.fr' } }),
  );
  ref.push(
    await submitAt(t, '2026-02-05T10:00:00Z', {
      organisation: { name: '@evil', type: 'ngo', country: 'GB', nonProfit: true },
    }),
  );
  setStatus(t, ref[1], 'licensed');
  t.clock.now = new Date();
  admin = await signIn(t, 'admin@reprise.test');
  staff = await signIn(t, 'staff@reprise.test');
});
after(() => t.close());

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

test('only admins reach the export and erasure pages', async () => {
  for (const path of ['/admin/export', '/admin/export/download?format=csv', '/admin/erase']) {
    const anon = await request(t.server).get(path).expect(303);
    assert.match(anon.headers.location, /^\/staff\/login/);
    await staff.get(path).expect(403);
  }
  const page = await admin.get('/admin/export?from=2026-01-01').expect(200);
  assert.match(page.text, /<strong>2<\/strong> requests match these filters/);
  assert.match(page.text, /href="\/admin\/export" aria-current="page"/);
  assert.doesNotMatch(page.text, /<script|style=/);
});

test('the CSV download: headers, a name built from the filters, the rows, and an audit entry', async () => {
  const res = await admin
    .get('/admin/export/download?format=csv&from=2026-02-01&status=licensed&filename=../../evil.sh')
    .buffer(true)
    .parse(binary)
    .expect(200);
  assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8; header=present');
  assert.equal(
    res.headers['content-disposition'],
    'attachment; filename="reprise-requests_2026-02-01_now_licensed.csv"',
  );
  assert.equal(res.headers['cache-control'], 'no-store, no-transform');
  assert.equal(res.headers['content-encoding'], undefined, 'streamed as it is, though the client takes gzip');
  const records = parse(res.body as Buffer, { bom: true, columns: true }) as Record<string, string>[];
  assert.deepEqual(
    records.map((r) => r.reference),
    [ref[1]],
  );
  assert.equal(records[0]['organisation.name'], "'@evil");
  const audit = t.db
    .prepare(`SELECT actor, actor_id, after_json FROM audit_log WHERE action = 'export' ORDER BY id DESC`)
    .get() as Row;
  assert.equal(audit.actor, 'admin@reprise.test');
  assert.ok(audit.actor_id);
  assert.deepEqual(JSON.parse(String(audit.after_json)), {
    format: 'csv',
    filters: { from: '2026-02-01', to: null, statuses: ['licensed'], licences: null },
    rows: 1,
    completed: true,
    destination: 'download',
  });
});

test('a download started from another site is refused and not audited', async () => {
  const before = t.db.prepare(`SELECT COUNT(*) FROM audit_log WHERE action = 'export'`).pluck().get();
  await admin.get('/admin/export/download?format=csv').set('Sec-Fetch-Site', 'cross-site').expect(403);
  await admin.get('/admin/export/download?format=csv').set('Sec-Fetch-Site', 'same-site').expect(403);
  assert.equal(t.db.prepare(`SELECT COUNT(*) FROM audit_log WHERE action = 'export'`).pluck().get(), before);
  await admin.get('/admin/export/download?format=csv').set('Sec-Fetch-Site', 'same-origin').expect(200);
});

test('JSON and NDJSON downloads carry values unchanged', async () => {
  const json = await admin.get('/admin/export/download?format=json').buffer(true).parse(binary).expect(200);
  assert.equal(json.headers['content-disposition'], 'attachment; filename="reprise-requests_all.json"');
  const records = JSON.parse((json.body as Buffer).toString('utf8'));
  assert.equal(records.length, 2);
  assert.equal(records[0].requester.name, 'Chloé Dupont');
  assert.equal(records[1].organisation.name, '@evil');
  const nd = await admin
    .get('/admin/export/download?format=ndjson&status=new&status=licensed')
    .buffer(true)
    .parse(binary)
    .expect(200);
  assert.equal(nd.headers['content-type'], 'application/x-ndjson; charset=utf-8');
  assert.equal(nd.headers['content-disposition'], 'attachment; filename="reprise-requests_all_new-licensed.ndjson"');
  assert.equal((nd.body as Buffer).toString('utf8').trimEnd().split('\n').length, 2);
});

test('tricks in the filter parameters are refused with a clear message, and nothing is exported', async () => {
  const before = t.db.prepare(`SELECT COUNT(*) FROM audit_log WHERE action = 'export'`).pluck().get() as number;
  const cases: [string, RegExp][] = [
    ['from=..%2F..%2Fetc%2Fpasswd', /&quot;from&quot; must be a date written YYYY-MM-DD/],
    ['to=2026-01-01%00.csv', /&quot;to&quot; must be a date/],
    ['format=..%2Fx', /&quot;format&quot; must be one of csv, json, ndjson/],
    ['status=licensed%0d%0aSet-Cookie:x', /&quot;status&quot; must be one or more of/],
    ['from=2026-03-01&to=2026-01-01', /must not be after/],
  ];
  for (const [query, message] of cases) {
    const res = await admin.get(`/admin/export/download?${query}`).expect(400);
    assert.match(res.headers['content-type'], /^text\/html/);
    assert.equal(res.headers['content-disposition'], undefined);
    assert.match(res.text, message);
    assert.match(res.text, /The export could not be made/);
  }
  assert.equal(t.db.prepare(`SELECT COUNT(*) FROM audit_log WHERE action = 'export'`).pluck().get(), before);
});

test('erasure page: review, confirmation required, erase, and a subject-access download', async () => {
  await admin.post('/admin/erase').type('form').send({ step: 'review', email: 'chloe@example.fr' }).expect(403);
  const csrf = await csrfOf(admin, '/admin/erase');
  const bad = await admin
    .post('/admin/erase')
    .type('form')
    .send({ _csrf: csrf, step: 'review', email: 'nope' })
    .expect(400);
  assert.match(bad.text, /Give the email address/);

  const review = await admin
    .post('/admin/erase')
    .type('form')
    .send({ _csrf: csrf, step: 'review', email: 'CHLOE@example.fr' })
    .expect(200);
  assert.match(review.text, new RegExp(ref[0]));
  assert.match(review.text, /1 request with personal data/);

  const sar = await admin
    .post('/admin/erase')
    .type('form')
    .send({ _csrf: csrf, step: 'subject', email: 'chloe@example.fr' })
    .expect(200);
  assert.equal(sar.headers['content-disposition'], 'attachment; filename="reprise-subject-access-export.json"');
  assert.equal(sar.body.requests[0].requester_name, 'Chloé Dupont');

  const unconfirmed = await admin
    .post('/admin/erase')
    .type('form')
    .send({ _csrf: csrf, step: 'erase', email: 'chloe@example.fr' })
    .expect(400);
  assert.match(unconfirmed.text, /cannot be undone/);
  assert.equal(
    t.db.prepare('SELECT requester_name FROM requests WHERE reference = ?').pluck().get(ref[0]),
    'Chloé Dupont',
  );

  const done = await admin
    .post('/admin/erase')
    .type('form')
    .send({ _csrf: csrf, step: 'erase', email: 'chloe@example.fr', confirm: 'yes' })
    .expect(200);
  assert.match(done.text, /Erased in 1 request/);
  assert.match(done.text, /1 queued email cancelled/);
  const row = t.db.prepare('SELECT * FROM requests WHERE reference = ?').get(ref[0]) as Row;
  assert.equal(row.requester_name, ERASED);
  const audit = t.db.prepare(`SELECT actor FROM audit_log WHERE action = 'person.erase'`).get() as Row;
  assert.equal(audit.actor, 'admin@reprise.test');
});
