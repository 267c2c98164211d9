// A full disk, for real: small tmpfs file systems hold the database and the mail folder,
// and a filler file takes every free byte. While the database cannot grow, submissions
// (API and form), desk actions and sign-ins answer 503 with Retry-After and store nothing;
// while the mail folder cannot be written, mail stays queued and no half-written .eml is
// left. /healthz and /metrics say which store is full, the log has one line per refusal
// (and one per change of state for background retries), and once the filler is deleted
// the service recovers by itself.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { simpleParser } from 'mailparser';
import { mountSmallFilesystem, smallFilesystemSkipReason, type SmallFilesystem } from '../helpers/small-filesystem.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { buildTestApp } from '../helpers/app.js';
import { validFormFields, validRequest } from '../helpers/fixtures.js';
import { addUser, csrfFrom, DESK_ENV, PASSWORD, signIn } from '../helpers/desk.js';
import { openDatabase, type Db } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';
import { usersRepo } from '../../src/db/repos/users.js';
import { auditRepo } from '../../src/db/repos/audit.js';
import { CLI } from '../../src/domain/accounts.js';
import { SqliteSessionStore } from '../../src/db/session-store.js';
import { userAdmin } from '../../src/services/user-admin.js';
import { outboxWorker } from '../../src/mail/outbox-worker.js';
import type { OutgoingMessage } from '../../src/mail/transport.js';

const skip = smallFilesystemSkipReason();
const mounts: SmallFilesystem[] = [];
const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) {
    if (s.child.exitCode === null && s.child.signalCode === null) {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  }
  for (const m of mounts) m.unmount();
});
const mount = (bytes: number) => {
  const m = mountSmallFilesystem(bytes);
  mounts.push(m);
  return m;
};

const TABLES = [
  'requests',
  'request_articles',
  'outbox',
  'idempotency_keys',
  'audit_log',
  'request_notes',
  'login_attempts',
];
const counts = (db: Db) =>
  Object.fromEntries(
    TABLES.map((name) => [name, (db.prepare(`SELECT COUNT(*) AS n FROM ${name}`).get() as { n: number }).n]),
  );
const formToken = (html: string) => /name="form_token" value="([^"]+)"/.exec(html)![1];
const logLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown> & { msg: string; level: number });

async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const giveUp = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > giveUp) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test(
  'the real service (writer thread) on a full disk: 503s that store nothing, health and metrics say so, it recovers by itself',
  { skip, timeout: 120_000 },
  async (t) => {
    const data = mount(8 << 20);
    const mailFs = mount(4 << 20);
    const databasePath = path.join(data.dir, 'reprise.db');
    const mailDir = path.join(mailFs.dir, 'mail');
    // A desk account, made as `reprise user add` makes one, before the service starts.
    {
      const db = openDatabase(databasePath);
      migrate(db);
      await userAdmin({
        db,
        users: usersRepo(db),
        audit: auditRepo(db),
        sessions: new SqliteSessionStore(db, 3_600_000),
        scryptLog2N: 12,
        clock: () => new Date(),
      }).add(CLI, 'desk@example.org', 'staff', PASSWORD);
      db.close();
    }
    const server = await startServer({
      ...DESK_ENV,
      DATABASE_PATH: databasePath,
      MAIL_DIR: mailDir,
      FORM_MIN_FILL_SECONDS: '0',
      RATE_LIMIT_SUBMIT_PER_HOUR: '0',
      RATE_LIMIT_LOGIN_PER_MINUTE: '0',
      ACK_EMAILS_PER_ADDRESS_PER_DAY: '0',
      RETENTION_MONTHS: '0',
    });
    servers.push(server);
    const url = server.url;
    const reader = openDatabase(databasePath, { readonly: true });
    t.after(() => reader.close());
    const outboxOf = (reference: string) =>
      reader
        .prepare('SELECT o.* FROM outbox o JOIN requests r ON r.id = o.request_id WHERE r.reference = ? ORDER BY o.id')
        .all(reference) as {
        status: string;
        attempts: number;
        last_error: string | null;
        message_id: string;
      }[];
    const emlFiles = () => (fs.existsSync(mailDir) ? fs.readdirSync(mailDir) : []);
    const submit = (message: string, key?: string) => {
      const r = request(url).post('/api/v1/requests');
      if (key) r.set('Idempotency-Key', key);
      return r.send(validRequest({ message }));
    };

    // Before: a request stored, its two messages written as .eml files, a desk user signed in.
    const first = await submit('before the disk filled').expect(201);
    await until('the first two .eml files', 15_000, () =>
      emlFiles().filter((f) => f.endsWith('.eml')).length === 2 ? true : undefined,
    );
    const desk = request.agent(url);
    const login = await desk.get('/staff/login').expect(200);
    await desk
      .post('/staff/login')
      .type('form')
      .send({ email: 'desk@example.org', password: PASSWORD, _csrf: csrfFrom(login.text) })
      .expect(303);
    const deskPage = await desk.get(`/staff/requests/${first.body.reference}`).expect(200);
    const formPage = await request(url).get('/licensing?lang=fr').expect(200);

    // The database's disk fills up; a submission is tried until one is refused (SQLite may still have room in its WAL).
    const freeBefore = data.freeBytes();
    let filled = data.fill();
    let refused: request.Response | undefined;
    let attempts = 0;
    while (!refused && attempts < 20) {
      const res = await submit(`while full ${attempts}`, 'key-while-full');
      attempts++;
      if (res.status === 503) refused = res;
      else filled += data.fill();
    }
    assert.ok(refused, 'a submission was refused once the disk was full');
    t.diagnostic(
      `database file system: ${data.sizeBytes} bytes, ${freeBefore} free before; the filler took ${filled} bytes, ${data.freeBytes()} left; refused at submission ${attempts}`,
    );
    const stored = counts(reader);

    // API: 503, Retry-After, problem+json with a stable code and a clear message.
    assert.match(refused.headers['content-type'], /^application\/problem\+json/);
    assert.equal(refused.headers['retry-after'], '60');
    assert.equal(refused.body.code, 'storage_full');
    assert.equal(refused.body.status, 503);
    assert.match(refused.body.title, /run out of storage space.*Nothing was changed/);

    // The form: 503, the same form in French with what was typed, and a message in French.
    const form = await request(url)
      .post('/licensing')
      .type('form')
      .send(
        validFormFields({
          locale: 'fr',
          form_token: formToken(formPage.text),
          'requester[name]': 'Jeanne Dupont',
          message: 'Reprise pour notre édition du soir',
        }),
      );
    assert.equal(form.status, 503);
    assert.equal(form.headers['retry-after'], '60');
    assert.match(form.text, /<html lang="fr"/);
    assert.match(form.text, /notre serveur manque d’espace de stockage/);
    assert.match(form.text, /value="Jeanne Dupont"/);
    assert.match(form.text, /Reprise pour notre édition du soir/);

    // A desk action: 503, the request's page again with the problem and the reason typed.
    const decline = await desk
      .post(`/staff/requests/${first.body.reference}/decline`)
      .type('form')
      .send({ decline_reason: 'Rights belong to a partner agency', _csrf: csrfFrom(deskPage.text) });
    assert.equal(decline.status, 503);
    assert.equal(decline.headers['retry-after'], '60');
    assert.match(decline.text, /run out of storage space/);
    assert.match(decline.text, /Rights belong to a partner agency/);

    // Health and metrics name the database.
    const health = await request(url).get('/healthz').expect(503);
    assert.equal(health.body.database, 'full');
    assert.equal(health.body.mail, 'ok');
    assert.equal(health.body.storageFull.database.code, 'SQLITE_FULL');
    assert.ok(health.body.storageFull.database.refusedWrites >= 3);
    const metrics = (await request(url).get('/metrics').expect(200)).text;
    assert.match(metrics, /reprise_storage_full\{store="database"\} 1/);
    assert.match(metrics, /reprise_storage_full\{store="mail"\} 0/);
    assert.match(metrics, /reprise_storage_refused_writes_total\{store="database"\} [3-9]/);
    assert.match(metrics, /reprise_storage_free_bytes\{store="database"\} 0\b/);
    assert.match(metrics, /reprise_submissions_total\{channel="api",outcome="storage_full"\} 1/);

    // Nothing half-written: the file is consistent and nothing of the refused work is in it.
    assert.equal(reader.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(counts(reader), stored);
    assert.equal(
      (reader.prepare("SELECT COUNT(*) AS n FROM requests WHERE message LIKE 'while full%'").get() as { n: number }).n,
      attempts - 1,
    );
    assert.equal(
      (
        reader.prepare('SELECT status FROM requests WHERE reference = ?').get(first.body.reference) as {
          status: string;
        }
      ).status,
      'new',
    );
    t.diagnostic(
      `while full: API ${refused.status}, form ${form.status}, desk ${decline.status}, healthz ${health.status} ${JSON.stringify(health.body.storageFull)}`,
    );

    // Space returns: the service recovers without a restart.
    data.unfill();
    const freedAt = Date.now();
    await until('healthz 200', 10_000, async () =>
      (await request(url).get('/healthz')).status === 200 ? true : undefined,
    );
    const healthyAfterMs = Date.now() - freedAt;
    const retried = await submit(`while full ${attempts - 1}`, 'key-while-full').expect(201);
    const replayed = await submit(`while full ${attempts - 1}`, 'key-while-full').expect(201);
    assert.equal(replayed.headers['idempotent-replayed'], 'true');
    assert.equal(
      replayed.body.reference,
      retried.body.reference,
      'the same key, retried after space returned, made one request',
    );
    await request(url)
      .post('/licensing')
      .type('form')
      .send(
        validFormFields({
          locale: 'fr',
          form_token: formToken(formPage.text),
          'requester[name]': 'Jeanne Dupont',
          message: 'Reprise pour notre édition du soir',
        }),
      )
      .expect(303);
    const page = await desk.get(`/staff/requests/${first.body.reference}`).expect(200);
    await desk
      .post(`/staff/requests/${first.body.reference}/decline`)
      .type('form')
      .send({ decline_reason: 'Rights belong to a partner agency', _csrf: csrfFrom(page.text) })
      .expect(303);
    assert.equal(counts(reader).requests, stored.requests + 2);
    assert.equal((await request(url).get('/healthz')).status, 200);
    t.diagnostic(
      `space freed: healthz 200 after ${healthyAfterMs} ms; the same Idempotency-Key → 201 ${retried.body.reference}, then replayed`,
    );

    // Everything queued so far goes out before the mail folder fills.
    await until('all mail sent', 30_000, () =>
      (reader.prepare("SELECT COUNT(*) AS n FROM outbox WHERE status <> 'sent'").get() as { n: number }).n === 0
        ? true
        : undefined,
    );
    const emlBefore = emlFiles()
      .filter((f) => f.endsWith('.eml'))
      .sort();

    // The mail folder's disk fills up: the request is stored, its mail waits in the outbox.
    const mailFilled = mailFs.fill();
    const late = await submit('mail folder full').expect(201);
    const mailHealth = await until('healthz naming the mail folder', 15_000, async () => {
      const h = await request(url).get('/healthz');
      return h.body.mail === 'full' ? h : undefined;
    });
    assert.equal(mailHealth.status, 503);
    assert.equal(mailHealth.body.database, 'ok');
    assert.equal(mailHealth.body.storageFull.mail.code, 'ENOSPC');
    // The worker tries again, one message every 5 s while the folder is full.
    const mailMetrics = await until('a retry against the full mail folder', 15_000, async () => {
      const text = (await request(url).get('/metrics').expect(200)).text;
      return Number(/reprise_storage_refused_writes_total\{store="mail"\} (\d+)/.exec(text)![1]) >= 3
        ? text
        : undefined;
    });
    assert.match(mailMetrics, /reprise_storage_full\{store="mail"\} 1/);
    const mailRefusals = Number(/reprise_storage_refused_writes_total\{store="mail"\} (\d+)/.exec(mailMetrics)![1]);
    // Read between two tries (a try claims a message for a moment and writes a temporary file).
    const waiting = await until('both messages back in the queue', 10_000, () => {
      const rows = outboxOf(late.body.reference);
      return rows.every((m) => m.status === 'queued') ? rows : undefined;
    });
    assert.equal(waiting.length, 2);
    assert.ok(
      waiting.every((m) => m.attempts === 0 && /ENOSPC/.test(m.last_error ?? '')),
      `still queued, never failed: ${JSON.stringify(waiting)}`,
    );
    await until('no file but the earlier messages', 10_000, () =>
      JSON.stringify(emlFiles().sort()) === JSON.stringify(emlBefore) ? true : undefined,
    );
    for (const f of emlBefore) {
      const parsed = await simpleParser(fs.readFileSync(path.join(mailDir, f)));
      assert.ok(parsed.messageId && parsed.text, `${f} is a whole message`);
    }
    t.diagnostic(
      `mail file system: ${mailFs.sizeBytes} bytes, the filler took ${mailFilled}; ${mailRefusals} mail writes refused, messages still queued`,
    );

    // Space returns in the mail folder: the queued messages are delivered by themselves.
    mailFs.unfill();
    const mailFreedAt = Date.now();
    await until('the queued mail delivered', 30_000, () =>
      outboxOf(late.body.reference).every((m) => m.status === 'sent') ? true : undefined,
    );
    const deliveredAfterMs = Date.now() - mailFreedAt;
    const delivered = new Set(emlFiles());
    for (const m of outboxOf(late.body.reference)) {
      const id = m.message_id.replace('@', '-at-').replace(/[^A-Za-z0-9.-]/g, '');
      assert.ok(
        [...delivered].some((f) => f.endsWith(`-${id}.eml`)),
        `${m.message_id} written`,
      );
    }
    assert.equal((await request(url).get('/healthz')).status, 200);
    t.diagnostic(`mail folder freed: queued mail delivered after ${deliveredAfterMs} ms`);

    // The log: one line per refused action, one per change of state in the background, no stack.
    const lines = logLines(server.output());
    const storageLines = lines.filter((l) => typeof l.store === 'string');
    const database = storageLines.filter((l) => l.store === 'database' && l.refused);
    assert.deepEqual(
      database.map((l) => l.refused),
      ['submission', 'submission', 'desk action decline'],
      'the API submission, the form submission and the desk action: one line each',
    );
    assert.deepEqual(
      database.map((l) => l.level),
      [50, 40, 40],
      'an error when the database became full, then warnings',
    );
    assert.match(database[0].msg, /^database full: submission refused; writes will fail until space is freed$/);
    const mail = storageLines.filter((l) => l.store === 'mail' && l.refused);
    assert.equal(
      mail.length,
      1,
      `one line for the full mail folder, however often it was retried (${mailRefusals} refusals)`,
    );
    assert.match(mail[0].msg, /^mail folder full: mail file refused/);
    assert.equal(
      storageLines.filter((l) => /writable again/.test(l.msg)).length,
      2,
      'one line each when space returned',
    );
    assert.equal(lines.filter((l) => l.msg === 'mail will be retried').length, 0);
    assert.ok(!/"stack"|\n\s+at /.test(server.output()), 'no stack trace in the log');
    t.diagnostic(storageLines.map((l) => `${l.level} ${l.msg}`).join('\n'));

    server.child.kill('SIGTERM');
    assert.equal((await server.exited).code, 0, 'the service is still running and stops cleanly');
  },
);

test(
  'on the main thread (WRITER_THREAD=0): the submission rolls back whole, sessions and the outbox ride out a full disk',
  { skip, timeout: 60_000 },
  async (t) => {
    const disk = mount(8 << 20);
    const log: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (log.push(String(chunk)), cb()) });
    const app = await buildTestApp(
      {
        ...DESK_ENV,
        WRITER_THREAD: '0',
        DATABASE_PATH: path.join(disk.dir, 'reprise.db'),
        MAIL_DIR: path.join(disk.dir, 'mail'),
      },
      { logger: pino({ level: 'info' }, sink) },
    );
    t.after(() => app.close());
    await addUser(app, 'desk@example.org');
    const agent = await signIn(app, 'desk@example.org');
    const first = await request(app.server).post('/api/v1/requests').send(validRequest()).expect(201);
    const page = await agent.get(`/staff/requests/${first.body.reference}`).expect(200);
    const other = request.agent(app.server);
    const login = await other.get('/staff/login').expect(200);
    const before = counts(app.db);

    disk.fill();
    const body = validRequest({ message: 'refused on the main thread' });
    const refused = await request(app.server)
      .post('/api/v1/requests')
      .set('Idempotency-Key', 'main-thread')
      .send(body)
      .expect(503);
    assert.equal(refused.body.code, 'storage_full');
    assert.deepEqual(counts(app.db), before, 'no request, article, outbox row or idempotency key');
    assert.equal(app.db.pragma('integrity_check', { simple: true }), 'ok');

    // A session written after its page was sent (lastSeenAt moves once a minute): the page stands.
    app.clock.advance(61_000);
    await agent.get('/staff/requests').expect(200);
    // A note: 503 and the page again with the note typed.
    const note = await agent
      .post(`/staff/requests/${first.body.reference}/notes`)
      .type('form')
      .send({ note: 'Called the requester back', _csrf: csrfFrom(page.text) });
    assert.equal(note.status, 503);
    assert.match(note.text, /Called the requester back/);
    // The sign-in page keeps its CSRF token in a session it cannot save now; sign-in records its
    // attempt before checking the password. Both are refused as 503 pages.
    const loginPage = await request(app.server).get('/staff/login');
    assert.equal(loginPage.status, 503);
    assert.match(loginPage.text, /run out of storage space/);
    const signInRes = await other
      .post('/staff/login')
      .type('form')
      .send({ email: 'desk@example.org', password: PASSWORD, _csrf: csrfFrom(login.text) });
    assert.equal(signInRes.status, 503);
    assert.equal(signInRes.headers['retry-after'], '60');
    assert.match(signInRes.text, /run out of storage space/);

    // The outbox: its claim on the full database fails quietly and nothing is lost.
    await assert.rejects(app.container.worker.runOnce(), { code: 'SQLITE_FULL' });
    assert.deepEqual(app.db.prepare('SELECT DISTINCT status FROM outbox').pluck().all(), ['queued']);

    disk.unfill();
    assert.equal((await request(app.server).get('/healthz')).status, 200);
    const created = await request(app.server)
      .post('/api/v1/requests')
      .set('Idempotency-Key', 'main-thread')
      .send(body)
      .expect(201);
    const again = await request(app.server)
      .post('/api/v1/requests')
      .set('Idempotency-Key', 'main-thread')
      .send(body)
      .expect(201);
    assert.equal(again.body.reference, created.body.reference);
    assert.equal(counts(app.db).requests, before.requests + 1);

    // Outcomes the database refuses after the mail went out are kept and written later: no second send.
    const sent: OutgoingMessage[] = [];
    const worker = outboxWorker({
      outbox: app.container.repos.outbox,
      clock: () => app.clock.now,
      logger: pino({ level: 'silent' }),
      storage: app.container.storage,
      mail: {
        views: app.container.views,
        mailFrom: app.config.mailFrom,
        deskEmail: app.config.deskEmail,
        publicBaseUrl: app.config.publicBaseUrl,
        findRequest: app.container.repos.requests.findById,
        findMessage: () => undefined,
      },
      transport: {
        description: 'fills the disk as it sends',
        async send(message) {
          sent.push(message);
          disk.fill();
        },
        close() {},
      },
    });
    await assert.rejects(worker.runOnce(), { code: 'SQLITE_FULL' });
    const claimed = sent.length;
    assert.ok(claimed > 0);
    assert.equal(
      (app.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE status = 'sending'").get() as { n: number }).n,
      claimed,
    );
    disk.unfill();
    await worker.runOnce();
    const statuses = app.db.prepare('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status').all();
    assert.deepEqual(statuses, [{ status: 'sent', n: sent.length }], 'every message sent once and recorded');
    assert.equal(new Set(sent.map((m) => m.messageId)).size, sent.length, 'no message sent twice');

    const lines = logLines(log.join(''));
    const refusals = lines.filter((l) => l.store === 'database' && l.refused).map((l) => l.refused);
    assert.deepEqual(
      refusals,
      ['submission', 'desk action note', 'GET /staff/login', 'POST /staff/login'],
      'one line per refused action; the session written after its page and the outbox were quiet',
    );
    assert.ok(!log.join('').includes('"stack"'));
  },
);
