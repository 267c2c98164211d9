// Durable under crashes: the real server in a child process takes a burst of
// submissions and is killed with SIGKILL in the middle. After a restart every
// request that was acknowledged (201) is in the database with its outbox rows,
// the database passes integrity_check, and the pending mail goes out.
// Also: SIGTERM lets requests in flight finish and exits cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { tempDir } from '../helpers/app.js';
import { unusedPort } from '../helpers/ports.js';
import { startSmtp } from '../helpers/smtp.js';
import { validRequest } from '../helpers/fixtures.js';
import { startServer } from '../helpers/server-process.js';

const post = (url: string, i: number) =>
  fetch(`${url}/api/v1/requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(validRequest({ requester: { name: `Burst ${i}`, email: `burst${i}@example.org` } })),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as { reference?: string } }));

test(
  'SIGKILL in the middle of a burst loses no acknowledged request; mail goes out after restart',
  { timeout: 120_000 },
  async () => {
    const dir = tempDir();
    const smtpPort = await unusedPort();
    const env = {
      DATABASE_PATH: path.join(dir, 'reprise.db'),
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, // nothing listens yet: mail stays queued
      RATE_LIMIT_SUBMIT_PER_HOUR: '0',
    };
    const first = await startServer(env);
    const acknowledged: string[] = [];
    const inFlight: Promise<void>[] = [];
    let killed = false;
    for (let i = 0; i < 200 && !killed; i++) {
      inFlight.push(
        post(first.url, i)
          .then((r) => {
            if (r.status === 201 && r.body.reference) acknowledged.push(r.body.reference);
          })
          .catch(() => undefined), // connections cut by the kill
      );
      if (i % 8 === 7) await Promise.race([Promise.all(inFlight.slice(-8)), new Promise((r) => setTimeout(r, 200))]);
      if (acknowledged.length >= 25 && !killed) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    }
    await Promise.all(inFlight);
    const exit = await first.exited;
    assert.equal(exit.signal, 'SIGKILL');
    assert.ok(acknowledged.length >= 25, `acknowledged ${acknowledged.length}`);

    // The database after the crash: consistent, and every acknowledged request is whole.
    const db = new Database(env.DATABASE_PATH);
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    const byRef = db.prepare(
      'SELECT r.id, (SELECT COUNT(*) FROM outbox o WHERE o.request_id = r.id) AS mails, (SELECT COUNT(*) FROM request_articles a WHERE a.request_id = r.id) AS articles FROM requests r WHERE reference = ?',
    );
    for (const ref of acknowledged) {
      const row = byRef.get(ref) as { mails: number; articles: number } | undefined;
      assert.ok(row, `${ref} was acknowledged but is missing`);
      assert.equal(row.mails, 2, `${ref} has its two outbox rows`);
      assert.equal(row.articles, 1);
    }
    const stored = (db.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n;
    const orphans = (
      db
        .prepare(
          'SELECT COUNT(*) AS n FROM requests r WHERE (SELECT COUNT(*) FROM outbox o WHERE o.request_id = r.id) <> 2',
        )
        .get() as { n: number }
    ).n;
    assert.equal(orphans, 0, 'no request without its outbox rows');
    db.close();

    // Restart with the SMTP server up: every stored request's two messages are delivered.
    const smtp = await startSmtp(smtpPort);
    const second = await startServer(env);
    try {
      await smtp.waitFor(stored * 2, 90_000);
      const refs = new Set(smtp.messages.map((m) => String(m.headers.get('x-reprise-reference'))));
      for (const ref of acknowledged) assert.ok(refs.has(ref), `mail for ${ref} was sent after the restart`);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
      await smtp.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('SIGTERM: requests in flight finish, then the process exits 0', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const server = await startServer({ DATABASE_PATH: path.join(dir, 'reprise.db'), MAIL_DIR: path.join(dir, 'mail') });
  const pending = Array.from({ length: 10 }, (_, i) => post(server.url, i));
  await new Promise((r) => setTimeout(r, 5));
  server.child.kill('SIGTERM');
  const results = await Promise.allSettled(pending);
  const exit = await server.exited;
  assert.equal(exit.code, 0, server.output());
  const ok = results.filter((r) => r.status === 'fulfilled' && r.value.status === 201).length;
  const db = new Database(path.join(dir, 'reprise.db'));
  assert.equal(
    (db.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n,
    ok,
    'every 201 is stored, nothing else',
  );
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
