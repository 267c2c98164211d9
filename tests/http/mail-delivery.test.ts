// Delivery that never loses a message: SMTP down, then answering 421, then 550,
// then back. Requests are accepted throughout; transient failures are retried and
// delivered; permanent ones fail at once with the server's answer recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { buildTestApp } from '../helpers/app.js';
import { unusedPort } from '../helpers/ports.js';
import { startSmtp } from '../helpers/smtp.js';
import { validRequest } from '../helpers/fixtures.js';
import { pino } from 'pino';
import { backoffMs, MAX_ATTEMPTS, outboxWorker } from '../../src/mail/outbox-worker.js';

type Row = {
  id: number;
  status: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string;
  message_id: string;
};

test('SMTP down → 421 → 550 → back: nothing lost, transient retried, permanent failed with the reason', async () => {
  const port = await unusedPort();
  const t = await buildTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}` });
  const rows = () => t.db.prepare('SELECT * FROM outbox ORDER BY id').all() as Row[];
  try {
    // 1. SMTP is down: the request is still accepted and its two messages wait.
    const res = await request(t.server).post('/api/v1/requests').send(validRequest()).expect(201);
    assert.ok(res.body.reference);
    await t.container.worker.runOnce();
    let r = rows();
    assert.deepEqual(
      r.map((x) => x.status),
      ['queued', 'queued'],
    );
    assert.ok(
      r.every((x) => x.attempts === 1 && /ECONNREFUSED|connect/i.test(x.last_error ?? '')),
      JSON.stringify(r),
    );
    const waitMs = Date.parse(r[0].next_attempt_at) - t.clock.now.getTime();
    assert.ok(waitMs > 0 && waitMs <= 30_000, `first retry within 30 s (was ${waitMs} ms)`);
    // Not due yet: a run now sends nothing.
    assert.equal(await t.container.worker.runOnce(), 0);

    // 2. The server comes up on that port but answers 421 (try later): still queued.
    const smtp = await startSmtp(port);
    try {
      smtp.failWith = 421;
      t.clock.advance(31_000);
      assert.equal(await t.container.worker.runOnce(), 2);
      r = rows();
      assert.deepEqual(
        r.map((x) => x.status),
        ['queued', 'queued'],
      );
      assert.ok(r.every((x) => x.attempts === 2 && /421/.test(x.last_error ?? '')));

      // 3. A new request while the server refuses with 550: failed at once, with the answer.
      smtp.failWith = 550;
      await request(t.server)
        .post('/api/v1/requests')
        .send(validRequest({ requester: { name: 'B', email: 'b@example.org' } }))
        .expect(201);
      t.clock.advance(10 * 60_000);
      await t.container.worker.runOnce();
      r = rows();
      assert.equal(r.length, 4);
      assert.ok(
        r.every((x) => x.status === 'failed' && /550/.test(x.last_error ?? '')),
        JSON.stringify(r),
      );
      assert.equal(smtp.messages.length, 0);

      // 4. Staff retry aside, a fresh request once the server is back is delivered.
      smtp.failWith = null;
      await request(t.server)
        .post('/api/v1/requests')
        .send(validRequest({ requester: { name: 'C', email: 'c@example.org' } }))
        .expect(201);
      await t.container.worker.runOnce();
      await smtp.waitFor(2);
      r = rows();
      assert.deepEqual(
        r.slice(4).map((x) => x.status),
        ['sent', 'sent'],
      );
      assert.deepEqual(
        smtp.messages.map((m) => m.messageId).sort(),
        r
          .slice(4)
          .map((x) => x.message_id)
          .sort(),
      );
    } finally {
      await smtp.close();
    }
  } finally {
    await t.close();
  }
});

test('transient failures come back once the server is back, each message delivered exactly once', async () => {
  const port = await unusedPort();
  const t = await buildTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}` });
  try {
    for (let i = 0; i < 3; i++) await request(t.server).post('/api/v1/requests').send(validRequest()).expect(201);
    await t.container.worker.runOnce();
    const smtp = await startSmtp(port);
    try {
      t.clock.advance(60_000);
      while ((await t.container.worker.runOnce()) > 0);
      await smtp.waitFor(6);
      const statuses = t.db.prepare('SELECT status FROM outbox').all() as { status: string }[];
      assert.ok(statuses.every((s) => s.status === 'sent'));
      assert.equal(new Set(smtp.messages.map((m) => m.messageId)).size, 6);
    } finally {
      await smtp.close();
    }
  } finally {
    await t.close();
  }
});

test('a message claimed by a worker that died is picked up again within 2 minutes', async () => {
  const smtp = await startSmtp();
  const t = await buildTestApp({ SMTP_URL: smtp.url });
  try {
    await request(t.server).post('/api/v1/requests').send(validRequest()).expect(201);
    // A worker claims the rows and dies before sending (nothing marks them sent).
    const claimed = await t.container.repos.outbox.claimDue(t.clock.now, 10);
    assert.equal(claimed.length, 2);
    assert.equal(await t.container.worker.runOnce(), 0, 'a fresh claim is respected');
    t.clock.advance(2 * 60_000);
    assert.equal(await t.container.worker.runOnce(), 2);
    await smtp.waitFor(2);
  } finally {
    await t.close();
    await smtp.close();
  }
});

test('backoff: first retry within 30 s, doubling, never above 10 minutes', () => {
  for (const r of [0, 0.5, 0.999]) {
    assert.ok(backoffMs(1, () => r) <= 30_000);
    assert.ok(backoffMs(30, () => r) <= 600_000);
  }
  assert.ok(backoffMs(3, () => 0.5) > backoffMs(2, () => 0.5));
  assert.ok(MAX_ATTEMPTS >= 10);
});

test('without SMTP_URL each message is written as an .eml file', async () => {
  const t = await buildTestApp();
  try {
    await request(t.server).post('/api/v1/requests').send(validRequest()).expect(201);
    await t.container.worker.runOnce();
    const fs = await import('node:fs');
    const files = fs.readdirSync(t.config.mailDir).filter((f) => f.endsWith('.eml'));
    assert.equal(files.length, 2);
    const all = files.map((f) => fs.readFileSync(`${t.config.mailDir}/${f}`, 'utf8')).join('\n');
    assert.match(all, /Subject: New licensing request REP-/);
    assert.match(all, /To: desk@reprise\.test/);
  } finally {
    await t.close();
  }
});

test('a claimed batch is sent at once, and its outcomes are written together: sent, retried and failed', async () => {
  const t = await buildTestApp();
  try {
    for (let i = 0; i < 5; i++) await request(t.server).post('/api/v1/requests').send(validRequest()).expect(201);
    let inFlight = 0;
    let most = 0;
    let n = 0;
    const transport = {
      description: 'counting',
      close() {},
      async send() {
        const mine = n++;
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        if (mine === 3) throw Object.assign(new Error('451 try later'), { responseCode: 451 });
        if (mine === 7) throw Object.assign(new Error('550 no such user'), { responseCode: 550 });
      },
    };
    const mail = {
      views: t.container.views,
      mailFrom: t.config.mailFrom,
      deskEmail: t.config.deskEmail,
      publicBaseUrl: t.config.publicBaseUrl,
      findRequest: t.container.repos.requests.findById,
      findMessage: () => undefined,
    };
    const worker = outboxWorker({
      outbox: t.container.repos.outbox,
      transport,
      clock: () => t.clock.now,
      logger: pino({ level: 'silent' }),
      mail,
    });
    assert.equal(await worker.runOnce(), 10);
    assert.equal(most, 10, 'the ten claimed messages were in flight together');
    const rows = t.db.prepare('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status ORDER BY status').all();
    assert.deepEqual(rows, [
      { status: 'failed', n: 1 },
      { status: 'queued', n: 1 },
      { status: 'sent', n: 8 },
    ]);
  } finally {
    await t.close();
  }
});

test('while submissions wait to be written, mail pauses between batches; it still goes out, all of it', async () => {
  const t = await buildTestApp();
  try {
    for (let i = 0; i < 15; i++) await request(t.server).post('/api/v1/requests').send(validRequest()).expect(201);
    const sentAt: number[] = [];
    const transport = {
      description: 'counting',
      close() {},
      async send() {
        sentAt.push(Date.now());
      },
    };
    const mail = {
      views: t.container.views,
      mailFrom: t.config.mailFrom,
      deskEmail: t.config.deskEmail,
      publicBaseUrl: t.config.publicBaseUrl,
      findRequest: t.container.repos.requests.findById,
      findMessage: () => undefined,
    };
    let busy = true;
    const worker = outboxWorker({
      outbox: t.container.repos.outbox,
      transport,
      clock: () => t.clock.now,
      logger: pino({ level: 'silent' }),
      mail,
      busy: () => busy,
    });
    const until = async (done: () => boolean) => {
      for (const deadline = Date.now() + 5_000; !done(); await new Promise((r) => setTimeout(r, 5))) {
        assert.ok(Date.now() < deadline, `timed out with ${sentAt.length} sent`);
      }
    };
    worker.start();
    await until(() => sentAt.length >= 10);
    const firstBatchDone = Date.now();
    worker.kick(); // a new submission's kick must not cut the pause short
    await new Promise((r) => setTimeout(r, 50));
    if (Date.now() - firstBatchDone < 90) assert.equal(sentAt.length, 10, 'no second batch during the pause');
    busy = false;
    await until(() => sentAt.length >= 30);
    assert.ok(sentAt[10]! - sentAt[9]! >= 90, `the second batch waited for the pause (${sentAt[10]! - sentAt[9]!} ms)`);
    await worker.stop();
    const rows = t.db.prepare('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status').all();
    assert.deepEqual(rows, [{ status: 'sent', n: 30 }]);
  } finally {
    await t.close();
  }
});
