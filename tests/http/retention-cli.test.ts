// reprise retention, erase and subject-export as an operator runs them: child
// processes on the same database file, reports on stderr, data on stdout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { setStatus, submitAt, type Row } from '../helpers/export-seed.js';
import { ERASED } from '../../src/db/repos/retention.js';
import { personId } from '../../src/services/erasure.js';

let t: TestApp;
const ref: Record<string, string> = {};

function reprise(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_PATH: t.config.databasePath,
      MAIL_DIR: path.join(t.dir, 'mail'),
      ...env,
    },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const row = (reference: string) => t.db.prepare('SELECT * FROM requests WHERE reference = ?').get(reference) as Row;

before(async () => {
  t = await buildTestApp();
  ref.old = await submitAt(t, '2020-01-10T09:00:00Z', { requester: { name: 'Amina Old', email: 'amina@example.org' } });
  ref.open = await submitAt(t, '2026-01-10T09:00:00Z', {
    requester: { name: 'نور الهدى', email: 'Nour@Example.org', phone: '+20 2 1234' },
    message: 'Bonjour — مرحبا 👋',
  });
  ref.second = await submitAt(t, '2026-02-10T09:00:00Z', { requester: { name: 'نور', email: 'nour@example.org' } });
  setStatus(t, ref.old, 'spam', '2020-02-01T00:00:00.000Z');
  t.db
    .prepare(
      `INSERT INTO request_notes (request_id, author, body, created_at) VALUES (?, 'desk@reprise.test', 'Called back', ?)`,
    )
    .run(row(ref.open).id, '2026-01-11T00:00:00.000Z');
});
after(() => t.close());

test('retention --dry-run reports and changes nothing; retention then anonymises', () => {
  const dry = reprise(['retention', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(dry.stdout, '');
  assert.match(dry.stderr, /would anonymise 1 request \(spam 1\); nothing was changed/);
  assert.equal(row(ref.old).requester_email, 'amina@example.org');

  const json = reprise(['retention', '--dry-run', '--json']);
  assert.equal(JSON.parse(json.stdout).total, 1);

  const off = reprise(['retention'], { RETENTION_MONTHS: '0' });
  assert.match(off.stderr, /retention is off/);
  assert.equal(row(ref.old).anonymised_at, null);

  const run = reprise(['retention']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /anonymised 1 request \(spam 1\)/);
  assert.equal(row(ref.old).requester_name, ERASED);
  assert.equal(row(ref.open).requester_name, 'نور الهدى');
});

test('subject-export prints everything held for the address as JSON on stdout, and is audited', () => {
  const r = reprise(['subject-export', '--email', 'NOUR@example.org']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.subject, 'NOUR@example.org');
  assert.deepEqual(
    doc.requests.map((x: Row) => x.reference),
    [ref.open, ref.second],
  );
  const first = doc.requests[0];
  assert.equal(first.requester_name, 'نور الهدى');
  assert.equal(first.message, 'Bonjour — مرحبا 👋');
  assert.equal(first.access_token, undefined, 'the access token is a credential, not data about the person');
  assert.equal(first.related.request_articles.length, 1);
  assert.equal(first.related.request_notes[0].body, 'Called back');
  assert.deepEqual(first.related.outbox.map((m: Row) => m.template).sort(), ['desk_new_request', 'requester_ack']);
  assert.equal(doc.emailsAddressed.length, 2, 'both acknowledgements went to this address');
  const audit = t.db.prepare(`SELECT * FROM audit_log WHERE action = 'person.subject_export'`).get() as Row;
  assert.equal(audit.actor, 'cli');
  assert.equal(audit.subject_id, personId('nour@example.org'));

  const file = path.join(t.dir, 'nour.json');
  const toFile = reprise(['subject-export', '--email', 'nour@example.org', '--out', file]);
  assert.equal(toFile.code, 0, toFile.stderr);
  assert.equal(toFile.stdout, '');
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).requests.length, 2);
  const trick = reprise(['subject-export', '--email', 'nour@example.org', '--out', `${t.dir}/../x.json`]);
  assert.equal(trick.code, 2);
  assert.match(trick.stderr, /must not contain "\.\." segments/);
});

test('erase --email anonymises every request of that person and cancels their queued mail', () => {
  const bad = reprise(['erase', '--email', 'nope']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /email address/);
  assert.equal(reprise(['erase']).code, 2);

  const r = reprise(['erase', '--email', 'nour@example.org']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(`Erased 2 request\\(s\\): ${ref.open}, ${ref.second}; 2 queued email\\(s\\) cancelled`),
  );
  for (const reference of [ref.open, ref.second]) {
    const x = row(reference);
    assert.equal(x.requester_email, ERASED);
    assert.equal(x.requester_name, ERASED);
    const acks = t.db
      .prepare(`SELECT status, recipient FROM outbox WHERE request_id = ? AND template = 'requester_ack'`)
      .all(x.id);
    assert.deepEqual(acks, [{ status: 'cancelled', recipient: ERASED }]);
  }
  assert.equal(row(ref.open).requester_job_title, null);
  assert.equal(row(ref.open).requester_phone, ERASED);
  const again = JSON.parse(reprise(['subject-export', '--email', 'nour@example.org']).stdout);
  assert.deepEqual(again.requests, [], 'nothing is held any more');
  assert.deepEqual(
    again.personAudit.map((a: Row) => a.action),
    ['person.subject_export', 'person.subject_export', 'person.erase'],
  );
});
