// The read API for accounting and BI: an admin makes a token (shown once, kept as a fingerprint), reads requests with
// the JSON export's fields page by page behind a cursor that holds when requests change between pages, filters by
// status and last change, and revokes it; every read, creation and revocation is in the audit log.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { addUser, csrfOf, DESK_ENV, signIn } from '../helpers/desk.js';
import { setStatus, submitAt } from '../helpers/export-seed.js';
import { plansOf } from '../helpers/query-plans.js';
import { apiRecordsRepo } from '../../src/db/repos/api-records.js';
import { requestColumns } from '../../src/db/repos/export-queries.js';
import { formatterFor } from '../../src/export/formatter.js';

let t: TestApp;
let token: string;
const references: string[] = [];

before(async () => {
  t = await buildTestApp(DESK_ENV);
  for (let day = 1; day <= 5; day++) references.push(await submitAt(t, `2026-11-0${day}T10:00:00.000Z`));
  t.clock.now = new Date('2026-12-01T00:00:00.000Z');
  await addUser(t, 'boss@reprise.test', 'admin');
  const admin = await signIn(t, 'boss@reprise.test');
  const made = await admin
    .post('/admin/api-tokens')
    .type('form')
    .send({ _csrf: await csrfOf(admin, '/admin/api-tokens'), name: 'Accounting export' });
  assert.equal(made.status, 201);
  token = /<code class="reference api-token">(rep_[A-Za-z0-9_-]+)<\/code>/.exec(made.text)![1];
});
after(() => t?.close());

const get = (path: string, query: Record<string, string> = {}) =>
  request(t.server).get(path).query(query).set('Authorization', `Bearer ${token}`);
const audits = (action: string) =>
  t.db.prepare('SELECT after_json FROM audit_log WHERE action = ? ORDER BY id').pluck().all(action) as string[];

test('the token is shown once and kept only as its fingerprint', async () => {
  const row = t.db.prepare('SELECT name, token_hash, created_by FROM api_tokens').get() as Record<string, string>;
  assert.equal(row.name, 'Accounting export');
  assert.equal(row.token_hash, crypto.createHash('sha256').update(token).digest('hex'));
  assert.equal(row.created_by, 'boss@reprise.test');
  assert.doesNotMatch(JSON.stringify(t.db.prepare('SELECT * FROM api_tokens').all()), new RegExp(token));
  assert.equal(audits('api_token.create').length, 1);
  const admin = await signIn(t, 'boss@reprise.test');
  const list = await admin.get('/admin/api-tokens').expect(200);
  assert.match(list.text, /Accounting export/);
  assert.doesNotMatch(list.text, new RegExp(token));
});

test('pages follow the last change, and a cursor holds when requests change between pages', async () => {
  const first = await get('/api/v1/requests', { limit: '2' }).expect(200);
  const page1 = first.body as { items: { reference: string; requester: { email: string } }[]; next: string };
  assert.deepEqual(
    page1.items.map((r) => r.reference),
    references.slice(0, 2),
  );
  assert.equal(page1.items[0].requester.email, 'ada@example.org', 'the export’s fields, personal data included');

  // The first request changes after the first page: it moves to the end, and the next pages still follow on.
  setStatus(t, references[0], 'in_review', '2026-11-20T09:00:00.000Z');
  const seen = page1.items.map((r) => r.reference);
  let next: string | null = page1.next;
  while (next) {
    const page = (await get('/api/v1/requests', { limit: '2', cursor: next }).expect(200)).body as {
      items: { reference: string; status: string }[];
      next: string | null;
    };
    seen.push(...page.items.map((r) => r.reference));
    next = page.next;
  }
  assert.deepEqual(seen, [...references, references[0]], 'every request once, the changed one again at the end');

  // The same record as the JSON export gives.
  const one = await get(`/api/v1/requests/${references[0]}`).expect(200);
  assert.equal((one.body as { status: string }).status, 'in_review');
  const admin = await signIn(t, 'boss@reprise.test');
  const exported = await admin
    .get('/admin/export/download')
    .query({ format: 'json', from: '2026-11-01', to: '2026-11-01' })
    .set('Sec-Fetch-Site', 'same-origin')
    .expect(200);
  assert.deepEqual(one.body, (JSON.parse(exported.text) as unknown[])[0]);
});

test('filters: status and updatedSince; bad parameters are a 400 that says why', async () => {
  const inReview = (await get('/api/v1/requests', { status: 'in_review' }).expect(200)).body as { items: unknown[] };
  assert.equal(inReview.items.length, 1);
  const recent = (await get('/api/v1/requests', { updatedSince: '2026-11-04T00:00:00Z' }).expect(200)).body as {
    items: { reference: string }[];
  };
  assert.deepEqual(
    recent.items.map((r) => r.reference),
    [references[3], references[4], references[0]],
  );
  for (const [query, code] of [
    [{ status: 'nonsense' }, 'bad_status'],
    [{ limit: '501' }, 'bad_limit'],
    [{ updatedSince: 'yesterday' }, 'bad_updated_since'],
    [{ cursor: 'not-a-cursor' }, 'bad_cursor'],
  ] as const) {
    const res = await get('/api/v1/requests', query).expect(400);
    assert.equal((res.body as { code: string }).code, code);
    assert.match(String(res.headers['content-type']), /application\/problem\+json/);
  }
});

test('several statuses page as one order of last change, each read from its own range of an index', async () => {
  // A tie: the third request is quoted at the very time the first went into review; the id decides, across pages.
  setStatus(t, references[2], 'quoted', '2026-11-20T09:00:00.000Z');
  const seen: string[] = [];
  let next: string | null = null;
  do {
    const query: Record<string, string> = { status: 'in_review,new,new,quoted', limit: '1' };
    if (next) query.cursor = next;
    const page = (await get('/api/v1/requests', query).expect(200)).body as {
      items: { reference: string }[];
      next: string | null;
    };
    assert.ok(page.items.length <= 1);
    seen.push(...page.items.map((r) => r.reference));
    next = page.next;
  } while (next);
  const [r0, r1, r2, r3, r4] = references;
  assert.deepEqual(seen, [r1, r3, r4, r0, r2], 'the new ones by last change, then the tie by id');
  const none = (await get('/api/v1/requests', { status: 'declined' }).expect(200)).body as { items: unknown[] };
  assert.deepEqual(none, { items: [], next: null });

  // However rare a status, a page reads a range of (status, updated_at, id), never every request in the order.
  const plans = plansOf(t.config.databasePath, (db) => {
    const line = formatterFor('json', requestColumns(db)).line;
    const position = { afterAt: '', afterId: 0, settled: '2027-01-01T00:00:00.000Z', limit: 100 };
    apiRecordsRepo(db, line).page({ ...position, statuses: ['new', 'quoted'] });
  });
  const ranges = plans.filter((plan) => plan.includes('requests_status_updated'));
  assert.equal(ranges.length, 2, plans.join('\n'));
  for (const plan of ranges)
    assert.match(plan, /SEARCH requests USING COVERING INDEX requests_status_updated \(status=\?/);
  for (const plan of plans) assert.doesNotMatch(plan, /\bSCAN (r|requests)\b(?! USING)/, plan);
});

test('while another connection holds the write lock, a read waits for its audit row without stalling the service', async () => {
  const before = audits('api.read').length;
  const other = new Database(t.config.databasePath);
  other.exec('BEGIN IMMEDIATE');
  let answered = false;
  const read = get('/api/v1/requests', { limit: '1' }).then((res) => {
    answered = true;
    return res;
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 150));
    await request(t.server).get('/healthz').expect(200);
    assert.equal(answered, false, 'no page goes out before its read is audited');
  } finally {
    other.exec('COMMIT');
    other.close();
  }
  assert.equal((await read).status, 200);
  assert.equal(audits('api.read').length, before + 1);
});

test('an erasure is a change: a client asking for what changed since gets the erased record', async () => {
  t.clock.now = new Date('2026-12-02T00:00:00.000Z');
  t.container.services.personalData.erase('ada@example.org', { id: null, label: 'test' });
  t.clock.now = new Date('2026-12-03T00:00:00.000Z');
  const changed = (await get('/api/v1/requests', { updatedSince: '2026-12-02T00:00:00Z' }).expect(200)).body as {
    items: { reference: string; requester: { email: string; name: string } }[];
  };
  assert.equal(changed.items.length, references.length, 'every request of that person');
  for (const item of changed.items) assert.equal(item.requester.email, '[erased]');
});

test('every read is audited and the last use shown; a revoked token is refused at once', async () => {
  const reads = audits('api.read').map((row) => JSON.parse(row) as { what: string });
  assert.ok(reads.some((read) => read.what === 'requests') && reads.some((read) => read.what === 'request'));
  assert.notEqual(t.db.prepare('SELECT last_used_at FROM api_tokens').pluck().get(), null);

  const admin = await signIn(t, 'boss@reprise.test');
  const id = t.db.prepare('SELECT id FROM api_tokens').pluck().get() as number;
  await admin
    .post(`/admin/api-tokens/${id}/revoke`)
    .type('form')
    .send({ _csrf: await csrfOf(admin, '/admin/api-tokens') })
    .expect(303);
  const refused = await get('/api/v1/requests').expect(401);
  assert.match(String(refused.headers['www-authenticate']), /^Bearer/);
  assert.equal(audits('api_token.revoke').length, 1);
  await request(t.server).get('/api/v1/requests').set('Authorization', 'Bearer rep_made-up').expect(401);
});
