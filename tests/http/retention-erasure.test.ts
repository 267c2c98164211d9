// Retention and erasure against a real SQLite file: the whole database is dumped
// before and after, and the only differences allowed are the personal fields of
// the requests concerned, their anonymised_at, and the outbox rows addressed to
// those people (cancelled, address removed). Everything is audited.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { setStatus, submitAt, type Row } from '../helpers/export-seed.js';
import { runRetention, runRetentionInService, retentionCutoff } from '../../src/services/retention.js';
import { erasePerson, personId } from '../../src/services/erasure.js';
import { retentionScheduler } from '../../src/services/retention-scheduler.js';
import { ERASED, PERSONAL_FIELDS } from '../../src/db/repos/retention.js';
import { CLI, SYSTEM } from '../../src/domain/accounts.js';
import { searchQuery } from '../../src/db/repos/desk-queries.js';
import { pino } from 'pino';

let t: TestApp;
const ref: Record<string, string> = {};

type Dump = Record<string, Map<number, Row>>;
function dump(): Dump {
  const tables = t.db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
    .pluck()
    .all() as string[];
  const withoutRowid = (name: string) =>
    /WITHOUT ROWID\s*$/i.test(t.db.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).pluck().get(name) as string);
  return Object.fromEntries(
    // Kept right by triggers, so checked another way: the full-text index (request_search*) by a search,
    // the outbox's counts per state against the outbox itself (outboxCountsAgree).
    tables
      .filter((name) => !withoutRowid(name) && !name.startsWith('request_search') && name !== 'outbox_status_counts')
      .map((name) => [
        name,
        new Map(
          (t.db.prepare(`SELECT rowid AS _rowid, * FROM "${name}"`).all() as Row[]).map((r) => [r._rowid as number, r]),
        ),
      ]),
  );
}

/** The outbox's counts per state (migrations/0025) still match the messages, after cancelling some. */
function outboxCountsAgree() {
  const kept = t.db.prepare('SELECT status, n FROM outbox_status_counts WHERE n > 0 ORDER BY status').all();
  assert.deepEqual(
    kept,
    t.db.prepare('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status ORDER BY status').all(),
  );
}

const same = (a: unknown, b: unknown) => (Buffer.isBuffer(a) && Buffer.isBuffer(b) ? a.equals(b) : a === b);

/** Every changed cell as "table#rowid.column", plus added rows as "table#rowid+". */
function changes(a: Dump, b: Dump): string[] {
  const out: string[] = [];
  for (const [table, rows] of Object.entries(b)) {
    for (const [id, row] of rows) {
      const old = a[table].get(id);
      if (!old) out.push(`${table}#${id}+`);
      else for (const k of Object.keys(row)) if (!same(row[k], old[k])) out.push(`${table}#${id}.${k}`);
    }
    for (const id of a[table].keys()) if (!rows.has(id)) out.push(`${table}#${id}-`);
  }
  return out.sort();
}

const idOf = (reference: string) =>
  t.db.prepare('SELECT id FROM requests WHERE reference = ?').pluck().get(reference) as number;
const ackOf = (reference: string) =>
  t.db
    .prepare(`SELECT id FROM outbox WHERE request_id = ? AND template = 'requester_ack'`)
    .pluck()
    .get(idOf(reference)) as number;

beforeEach(async () => {
  t = await buildTestApp({ RETENTION_MONTHS: '24' });
  ref.oldLicensed = await submitAt(t, '2023-01-10T09:00:00Z', {
    requester: { name: 'Old Licensed', email: 'old@example.org', phone: '+33 1 23', jobTitle: 'Rédac' },
  });
  ref.oldDeclined = await submitAt(t, '2023-02-10T09:00:00Z', {
    requester: { name: 'Old Declined', email: 'declined@example.org' },
    message: undefined,
  });
  ref.oldOpen = await submitAt(t, '2023-03-10T09:00:00Z', {
    requester: { name: 'Old Open', email: 'open@example.org' },
  });
  ref.recentClosed = await submitAt(t, '2026-01-10T09:00:00Z', {
    requester: { name: 'Recent', email: 'OLD@example.org' },
  });
  ref.recentOpen = await submitAt(t, '2026-02-10T09:00:00Z', {
    requester: { name: 'Someone Else', email: 'else@example.org' },
  });
  setStatus(t, ref.oldLicensed, 'licensed', '2023-06-01T00:00:00.000Z');
  t.db
    .prepare(
      `UPDATE requests SET closed_at = '2023-05-01T00:00:00.000Z', licence_number = 'LIC-2023-000001' WHERE reference = ?`,
    )
    .run(ref.oldLicensed);
  setStatus(t, ref.oldDeclined, 'declined', '2023-03-01T00:00:00.000Z'); // closed before closed_at existed: updated_at counts
  setStatus(t, ref.recentClosed, 'withdrawn', '2026-02-01T00:00:00.000Z');
  t.db
    .prepare(`UPDATE outbox SET status = 'sent', sent_at = created_at WHERE request_id = ?`)
    .run(idOf(ref.oldDeclined));
  t.clock.now = new Date('2026-03-01T12:00:00Z');
});
afterEach(() => t.close());

test('the cutoff is whole calendar months back, clamped to the end of a short month', () => {
  assert.equal(retentionCutoff(new Date('2026-03-01T12:00:00Z'), 24), '2024-03-01T12:00:00.000Z');
  assert.equal(retentionCutoff(new Date('2026-03-31T00:00:00Z'), 1), '2026-02-28T00:00:00.000Z');
  assert.equal(retentionCutoff(new Date('2026-01-15T00:00:00Z'), 13), '2024-12-15T00:00:00.000Z');
});

test('a dry run reports what is due and changes nothing; the closing date wins over the last change', () => {
  // Closed recently although nothing else changed for years: not due yet.
  setStatus(t, ref.oldOpen, 'licensed', '2023-04-01T00:00:00.000Z');
  t.db.prepare(`UPDATE requests SET closed_at = '2026-02-20T00:00:00.000Z' WHERE reference = ?`).run(ref.oldOpen);
  const before = dump();
  const r = runRetention(t.db, { months: 24, now: t.clock.now, actor: CLI, dryRun: true });
  assert.deepEqual(r.byStatus, { declined: 1, licensed: 1 });
  assert.equal(r.total, 2);
  assert.deepEqual(changes(before, dump()), []);
});

test('retention anonymises exactly the personal fields of requests closed long ago, cancels their queued mail, audits', () => {
  const before = dump();
  const r = runRetention(t.db, { months: 24, now: t.clock.now, actor: SYSTEM });
  assert.equal(r.total, 2);
  assert.equal(
    r.emailsCancelled,
    1,
    'the licensed one still had its acknowledgement queued; the declined one was sent',
  );
  outboxCountsAgree();
  const after = dump();
  const lic = idOf(ref.oldLicensed);
  const dec = idOf(ref.oldDeclined);
  const licAudit = [...after.audit_log.keys()].filter((k) => !before.audit_log.has(k));
  assert.deepEqual(
    changes(before, after),
    [
      ...licAudit.map((k) => `audit_log#${k}+`),
      `outbox#${ackOf(ref.oldDeclined)}.recipient`,
      `outbox#${ackOf(ref.oldLicensed)}.last_error`,
      `outbox#${ackOf(ref.oldLicensed)}.recipient`,
      `outbox#${ackOf(ref.oldLicensed)}.status`,
      `requests#${dec}.anonymised_at`,
      `requests#${dec}.requester_email`,
      `requests#${dec}.requester_name`,
      `requests#${dec}.updated_at`,
      `requests#${lic}.anonymised_at`,
      `requests#${lic}.message`,
      `requests#${lic}.requester_email`,
      `requests#${lic}.requester_job_title`,
      `requests#${lic}.requester_name`,
      `requests#${lic}.requester_phone`,
      `requests#${lic}.updated_at`,
    ].sort(),
  );
  const row = after.requests.get(lic)!;
  for (const f of PERSONAL_FIELDS) assert.equal(row[f], ERASED);
  assert.equal(row.anonymised_at, t.clock.now.toISOString());
  assert.equal(row.licence_number, 'LIC-2023-000001');
  assert.equal(after.requests.get(dec)!.message, null, 'an empty field stays empty');
  assert.equal(after.outbox.get(ackOf(ref.oldLicensed))!.status, 'cancelled');
  assert.equal(after.outbox.get(ackOf(ref.oldDeclined))!.status, 'sent', 'history is kept, only the address goes');

  const audits = licAudit.map((k) => after.audit_log.get(k)!);
  assert.deepEqual(audits.map((a) => [a.action, a.actor]).sort(), [
    ['request.anonymise', 'system'],
    ['request.anonymise', 'system'],
    ['retention.run', 'system'],
  ]);
  assert.ok(
    audits.every((a) => !String(a.after_json).includes('@example.org')),
    'no personal data in the audit log',
  );

  const again = dump();
  assert.equal(runRetention(t.db, { months: 24, now: t.clock.now, actor: SYSTEM }).total, 0);
  assert.deepEqual(changes(again, dump()), [], 'a second run finds nothing and writes nothing');
});

test('RETENTION_MONTHS=0 keeps everything; the scheduler runs as the system actor', async () => {
  const before = dump();
  assert.equal(runRetention(t.db, { months: 0, now: t.clock.now, actor: SYSTEM }).total, 0);
  assert.deepEqual(changes(before, dump()), []);
  const s = retentionScheduler({ db: t.db, months: 24, clock: () => t.clock.now, logger: pino({ level: 'silent' }) });
  assert.equal((await s.runOnce())?.total, 2);
  s.start();
  s.stop();
});

test('erasure by email: every request of that person whatever its status, case-insensitively; nobody else', () => {
  const before = dump();
  const r = erasePerson(t.db, ' Old@Example.org ', { actor: { id: 7, label: 'admin@reprise.test' }, now: t.clock.now });
  assert.deepEqual(r.references.sort(), [ref.oldLicensed, ref.recentClosed].sort());
  assert.equal(r.emailsCancelled, 2);
  outboxCountsAgree();
  const after = dump();
  const touched = new Set([idOf(ref.oldLicensed), idOf(ref.recentClosed)]);
  for (const c of changes(before, after)) {
    const [, table, id, col] = /^(\w+)#(\d+)[.]?(\w*)/.exec(c)!;
    if (table === 'audit_log') continue;
    if (table === 'requests') {
      assert.ok(touched.has(Number(id)), c);
      // updated_at too: the read API's "changed since" brings the erasure to its clients.
      assert.ok([...PERSONAL_FIELDS, 'anonymised_at', 'updated_at'].includes(col), c);
    } else {
      assert.equal(table, 'outbox', c);
      assert.ok(['status', 'recipient', 'last_error'].includes(col), c);
      assert.equal(before.outbox.get(Number(id))!.template, 'requester_ack');
    }
  }
  for (const id of touched) assert.equal(after.requests.get(id)!.requester_email, ERASED);
  const found = t.db.prepare(`SELECT rowid FROM request_search WHERE request_search MATCH ?`).pluck();
  // As the desk searches: every word a prefix (the index keeps no positions for phrases).
  const stillFound = (found.all(searchQuery('old@example.org')) as number[]).filter((id) => touched.has(id));
  assert.deepEqual(stillFound, [], 'the desk search no longer finds the erased requests by the address');
  assert.ok((found.all(searchQuery('open@example.org')) as number[]).includes(idOf(ref.oldOpen)));
  assert.equal(after.requests.get(idOf(ref.oldOpen))!.requester_email, 'open@example.org');
  const desk = [...after.outbox.values()].filter((m) => m.template === 'desk_new_request');
  assert.ok(
    desk.every((m) => m.status === before.outbox.get(m._rowid as number)!.status),
    'mail to the desk is not the person’s',
  );

  const person = t.db.prepare(`SELECT * FROM audit_log WHERE action = 'person.erase'`).get() as Row;
  assert.equal(person.actor, 'admin@reprise.test');
  assert.equal(person.subject_id, personId('old@example.org'));
  const all = t.db
    .prepare("SELECT group_concat(coalesce(subject_id, '') || coalesce(after_json, '')) FROM audit_log")
    .pluck()
    .get() as string;
  assert.ok(!all.toLowerCase().includes('old@example.org'), 'the erased address is not kept in the audit log');
});

test('erasure refuses a malformed address and records an erasure that matched nothing', () => {
  assert.throws(() => erasePerson(t.db, 'not an email', { actor: CLI, now: t.clock.now }), /email address/);
  const before = dump();
  assert.deepEqual(erasePerson(t.db, 'nobody@example.org', { actor: CLI, now: t.clock.now }).references, []);
  assert.deepEqual(
    changes(before, dump()).map((c) => c.replace(/\d+/, 'N')),
    ['audit_log#N+'],
  );
});

test('after erasure the address and name are gone from notes, mail errors and the database file itself', async () => {
  const fs = await import('node:fs');
  const id = idOf(ref.recentOpen);
  t.db
    .prepare(`INSERT INTO request_notes (request_id, author, body, created_at) VALUES (?, 'desk', ?, ?)`)
    .run(id, 'Called Someone Else on else@example.org about the fee', '2026-02-11T09:00:00.000Z');
  t.db
    .prepare(
      `UPDATE outbox SET status = 'failed', last_error = '550 <else@example.org> mailbox unavailable' WHERE request_id = ?`,
    )
    .run(id);
  const fileHolds = (needle: string) =>
    [t.config.databasePath, `${t.config.databasePath}-wal`]
      .filter((f) => fs.existsSync(f))
      .some((f) => fs.readFileSync(f).includes(Buffer.from(needle)));
  assert.ok(fileHolds('else@example.org'), 'the address is on disk before erasure');

  erasePerson(t.db, 'else@example.org', { actor: CLI, now: t.clock.now });

  assert.deepEqual(t.db.prepare('SELECT body FROM request_notes WHERE request_id = ?').pluck().all(id), [ERASED]);
  const errors = t.db.prepare('SELECT last_error FROM outbox WHERE request_id = ?').pluck().all(id) as (
    string | null
  )[];
  assert.ok(
    errors.every((e) => !e?.includes('else@example.org')),
    JSON.stringify(errors),
  );
  assert.ok(
    !fileHolds('else@example.org'),
    'no copy of the address is left in free pages, the WAL or the search index',
  );
  assert.ok(!fileHolds('Someone Else'), 'nor of the name');
});

test('an email the desk sends about an erased request is not sent to the marker: it fails with the reason', async () => {
  const id = idOf(ref.recentOpen);
  erasePerson(t.db, 'else@example.org', { actor: CLI, now: t.clock.now });
  t.container.repos.outbox.enqueue(
    { requestId: id, template: 'requester_ack', locale: 'en', recipient: ERASED },
    t.clock.now.toISOString(),
  );
  await t.container.worker.runOnce();
  const row = t.db
    .prepare(`SELECT status, last_error FROM outbox WHERE request_id = ? AND recipient = ? ORDER BY id DESC LIMIT 1`)
    .get(id, ERASED) as Row;
  assert.equal(row.status, 'failed');
  assert.match(String(row.last_error), /erased/);
});

test('inside the service, retention yields between batches: a request is served in the middle of a large run', async () => {
  for (let i = 0; i < 250; i++) {
    const r = await submitAt(t, '2023-01-11T09:00:00Z', {
      requester: { name: `Backlog ${i}`, email: `b${i}@example.org` },
    });
    setStatus(t, r, 'declined', '2023-02-01T00:00:00.000Z');
  }
  t.clock.now = new Date('2026-03-01T12:00:00Z');
  const batchesDone: number[] = [];
  const run = runRetentionInService(t.db, { months: 24, now: t.clock.now, actor: SYSTEM, batchSize: 50 });
  // A timer queued now fires between two batches, long before the run ends.
  await new Promise<void>((resolve) =>
    setTimeout(() => {
      batchesDone.push(
        t.db.prepare('SELECT COUNT(*) FROM requests WHERE anonymised_at IS NOT NULL').pluck().get() as number,
      );
      resolve();
    }, 0),
  );
  const result = await run;
  assert.ok(result.total >= 250, JSON.stringify(result));
  const ranMidway = batchesDone[0] < result.total;
  assert.ok(ranMidway, `the event loop ran mid-way (after ${batchesDone[0]} of ${result.total})`);
});
