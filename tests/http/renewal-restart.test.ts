// The renewal reminder survives restarts of the real service: started on a database whose licence ends within 30
// days, the service queues and sends the reminder shortly after start; started again, it sends nothing more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from '../helpers/app.js';
import { validRequest } from '../helpers/fixtures.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

const stop = async (server: ServerProcess) => {
  server.child.kill('SIGTERM');
  assert.equal((await server.exited).code, 0);
};

async function until(what: string, check: () => boolean, ms = 20_000) {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const renewalMails = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.eml'))
    .map((name) => fs.readFileSync(path.join(dir, name), 'utf8'))
    .filter((eml) => /^Subject: Your licence LIC-\d{4}-\d{6} ends on/m.test(eml));

test('the renewal reminder is sent once, across restarts of the service', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const env = { DATABASE_PATH: path.join(dir, 'reprise.db'), MAIL_DIR: path.join(dir, 'mail'), SMTP_URL: '' };

  const first = await startServer(env);
  const res = await fetch(`${first.url}/api/v1/requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(validRequest({ locale: 'en' })),
  });
  assert.equal(res.status, 201);
  const { reference } = (await res.json()) as { reference: string };
  await stop(first);

  // The desk's licence, as its columns hold it, ending in ten days.
  const db = new Database(env.DATABASE_PATH);
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  db.prepare(
    `UPDATE requests SET status = 'licensed', licence_number = replace(reference, 'REP-', 'LIC-'),
       licence_code = lower(hex(randomblob(10))), licence_start = ?, licence_end = ?, licensed_at = ?,
       licence_version = 1, credit_line = 'Originally published by news.example', link_back = 'https://news.example/'
     WHERE reference = ?`,
  ).run(day(-355), day(10), new Date().toISOString(), reference);
  db.close();

  const second = await startServer(env);
  await until('the reminder to be sent', () => fs.existsSync(env.MAIL_DIR) && renewalMails(env.MAIL_DIR).length > 0);
  assert.match(second.output(), /"reminded":1.*renewal reminders queued/);
  await stop(second);

  const third = await startServer(env);
  // The job runs two seconds after start: give it time to run and find nothing.
  await new Promise((resolve) => setTimeout(resolve, 4_000));
  await stop(third);
  assert.doesNotMatch(third.output(), /renewal reminders queued/);
  assert.equal(renewalMails(env.MAIL_DIR).length, 1);
  const check = new Database(env.DATABASE_PATH, { readonly: true });
  const rows = check.prepare(`SELECT status FROM outbox WHERE template = 'licence_renewal'`).all();
  const reminded = check.prepare('SELECT renewal_reminded_at FROM requests WHERE reference = ?').get(reference) as {
    renewal_reminded_at: string | null;
  };
  check.close();
  assert.deepEqual(rows, [{ status: 'sent' }]);
  assert.ok(reminded.renewal_reminded_at);
  const mail = renewalMails(env.MAIL_DIR)[0]!;
  assert.match(mail, /\/licensing\/requests\/[A-Za-z0-9_-]{32}\/renew/);
});
