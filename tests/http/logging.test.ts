// Logs carry a request id and enough to follow a request, never passwords,
// cookies, session ids, tokens or the requester's personal data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { buildTestApp } from '../helpers/app.js';
import { validRequest } from '../helpers/fixtures.js';

test('request logs have an id and no secrets or personal data', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const t = await buildTestApp({}, { logger: pino({ level: 'debug' }, sink) });
  try {
    const res = await request(t.server)
      .post('/api/v1/requests')
      .set('Cookie', 'connect.sid=s%3Asecret-session-id; reprise_lang=fr')
      .set('Authorization', 'Bearer top-secret-bearer')
      .set('Idempotency-Key', 'idem-secret-key')
      .send(validRequest({ requester: { name: 'Private Person', email: 'private.person@example.org' } }))
      .expect(201);
    assert.ok(res.headers['x-request-id']);
    const token = (t.db.prepare('SELECT access_token FROM requests').get() as { access_token: string }).access_token;
    await request(t.server).get(`/licensing/requests/${token}?lang=en`).expect(200);
    await request(t.server).get('/licensing?url=https://news.example/a&title=T').expect(200);
    await t.container.worker.runOnce();
    const log = lines.join('');
    assert.ok(log.includes(res.headers['x-request-id']), 'the request id is logged');
    const summary = lines.map((l) => JSON.parse(l)).find((l) => l.req?.id === res.headers['x-request-id']);
    assert.equal(summary?.msg, 'request completed');
    assert.deepEqual([summary.req.method, summary.req.path, summary.res.statusCode], ['POST', '/api/v1/requests', 201]);
    assert.equal(typeof summary.responseTime, 'number');
    for (const secret of [
      'secret-session-id',
      'top-secret-bearer',
      'idem-secret-key',
      token,
      'private.person@example.org',
      'Private Person',
    ]) {
      assert.ok(!log.includes(secret), `log must not contain ${secret}`);
    }
    assert.match(log, /\/licensing\/requests\/\[token\]/);
  } finally {
    await t.close();
  }
});
