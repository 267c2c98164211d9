// /metrics in Prometheus format counts what happened: submissions by outcome,
// quotes, the outbox by state, request latency.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { buildTestApp } from '../helpers/app.js';
import { validRequest } from '../helpers/fixtures.js';

test('metrics report submissions, quotes, outbox state and latency', async () => {
  const t = await buildTestApp();
  try {
    await request(t.server).post('/api/v1/requests').send(validRequest()).expect(201);
    await request(t.server)
      .post('/api/v1/requests')
      .send(validRequest({ consent: false }))
      .expect(400);
    await request(t.server).post('/api/v1/quote').send(validRequest()).expect(200);
    const res = await request(t.server).get('/metrics').expect(200);
    assert.match(res.text, /reprise_submissions_total\{channel="api",outcome="created"\} 1/);
    assert.match(res.text, /reprise_submissions_total\{channel="api",outcome="invalid"\} 1/);
    assert.match(res.text, /reprise_quote_requests_total\{outcome="ok"\} 1/);
    assert.match(res.text, /reprise_outbox_messages\{state="queued"\} 2/);
    assert.match(res.text, /reprise_outbox_oldest_queued_seconds \d/);
    assert.match(
      res.text,
      /reprise_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/requests",status="201"\} 1/,
    );
    await t.container.worker.runOnce();
    const after = await request(t.server).get('/metrics').expect(200);
    assert.match(after.text, /reprise_outbox_messages\{state="sent"\} 2/);
    assert.match(after.text, /reprise_outbox_oldest_queued_seconds 0/);
  } finally {
    await t.close();
  }
});

test('with METRICS_TOKEN set, metrics need the bearer token', async () => {
  const t = await buildTestApp({ METRICS_TOKEN: 'secret-token-for-metrics' });
  try {
    await request(t.server).get('/metrics').expect(401);
    await request(t.server).get('/metrics').set('Authorization', 'Bearer secret-token-for-metrics').expect(200);
  } finally {
    await t.close();
  }
});
