// Group commit seen through the real JSON API and HTML form on a listening server:
// concurrent submissions each become exactly one request with two outbox rows, a
// repeated Idempotency-Key still gives one request, user mistakes stay 4xx, and
// every acknowledged request is already readable from a second connection.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { buildTestApp } from '../helpers/app.js';
import { validFormFields, validRequest } from '../helpers/fixtures.js';
import { openDatabase } from '../../src/db/connection.js';

const t = await buildTestApp();
const server = t.server.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const reader = openDatabase(t.config.databasePath, { readonly: true });
after(async () => {
  reader.close();
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

const count = (sql: string, ...params: unknown[]) => (reader.prepare(sql).get(...params) as { n: number }).n;
const visible = (reference: string) => count('SELECT COUNT(*) AS n FROM requests WHERE reference = ?', reference);

const post = (body: unknown, key?: string) =>
  fetch(`${base}/api/v1/requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });

test('60 concurrent API submissions make 60 requests, 120 outbox rows, each readable when acknowledged', async () => {
  const requestsBefore = count('SELECT COUNT(*) AS n FROM requests');
  const outboxBefore = count('SELECT COUNT(*) AS n FROM outbox');
  const answers = await Promise.all(
    Array.from({ length: 60 }, async (_, i) => {
      const res = await post(validRequest({ message: `concurrent ${i}` }));
      const body = (await res.json()) as { reference: string };
      // Checked the moment the answer arrives: the row must already be committed.
      return { status: res.status, reference: body.reference, seen: visible(body.reference) };
    }),
  );
  assert.deepEqual(
    answers.map((a) => a.status),
    Array(60).fill(201),
  );
  assert.deepEqual(
    answers.map((a) => a.seen),
    Array(60).fill(1),
  );
  assert.equal(new Set(answers.map((a) => a.reference)).size, 60);
  assert.equal(count('SELECT COUNT(*) AS n FROM requests') - requestsBefore, 60);
  assert.equal(count('SELECT COUNT(*) AS n FROM outbox') - outboxBefore, 120);
  const perRequest = reader
    .prepare(
      "SELECT COUNT(*) AS n FROM outbox o JOIN requests r ON r.id = o.request_id WHERE r.message LIKE 'concurrent %' GROUP BY r.id",
    )
    .all() as { n: number }[];
  assert.deepEqual(
    perRequest.map((r) => r.n),
    Array(60).fill(2),
  );
});

test('the same Idempotency-Key sent concurrently gives one request and the same answer', async () => {
  const before = count('SELECT COUNT(*) AS n FROM requests');
  const body = validRequest({ message: 'idempotent burst' });
  const responses = await Promise.all(Array.from({ length: 5 }, () => post(body, 'burst-key-1')));
  const answers = await Promise.all(responses.map((r) => r.json() as Promise<{ reference: string }>));
  assert.deepEqual(
    responses.map((r) => r.status),
    Array(5).fill(201),
  );
  assert.equal(new Set(answers.map((a) => a.reference)).size, 1);
  assert.equal(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 4);
  assert.equal(count('SELECT COUNT(*) AS n FROM requests') - before, 1);
});

test('invalid submissions among valid ones are answered 400 and take nothing else down', async () => {
  const before = count('SELECT COUNT(*) AS n FROM requests');
  const bodies = Array.from({ length: 12 }, (_, i) =>
    i % 3 === 1 ? validRequest({ consent: false, message: `mixed ${i}` }) : validRequest({ message: `mixed ${i}` }),
  );
  const statuses = await Promise.all(bodies.map(async (b) => (await post(b)).status));
  assert.deepEqual(
    statuses,
    bodies.map((_, i) => (i % 3 === 1 ? 400 : 201)),
  );
  assert.equal(count('SELECT COUNT(*) AS n FROM requests') - before, 8);
});

test('concurrent HTML form posts with distinct tokens each store one request; the same form sent twice (same token, same content) replays', async () => {
  const before = count('SELECT COUNT(*) AS n FROM requests');
  const tokens = await Promise.all(
    Array.from({ length: 6 }, async () => {
      const page = await request(t.server).get('/licensing').expect(200);
      return /name="form_token" value="([^"]+)"/.exec(page.text)![1]!;
    }),
  );
  const sends = [...tokens, tokens[0]!].map((token, i) =>
    fetch(`${base}/licensing`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(validFormFields({ form_token: token, message: `form ${i % 6}` })).toString(),
    }),
  );
  const responses = await Promise.all(sends);
  assert.deepEqual(
    responses.map((r) => r.status),
    Array(7).fill(303),
  );
  assert.equal(responses[0]!.headers.get('location'), responses[6]!.headers.get('location'));
  assert.equal(count('SELECT COUNT(*) AS n FROM requests') - before, 6);
});
