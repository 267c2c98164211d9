// `reprise export` as a scheduled job runs it: a child process on the same database
// file. Standard output carries nothing but the data; --out refuses path tricks;
// every run is in the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { requestRows, submitAt } from '../helpers/export-seed.js';

let t: TestApp;

function reprise(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, NODE_ENV: 'test', DATABASE_PATH: t.config.databasePath, MAIL_DIR: path.join(t.dir, 'mail') },
    encoding: 'buffer',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

const audits = () =>
  t.db.prepare(`SELECT actor, after_json FROM audit_log WHERE action = 'export' ORDER BY id`).all() as {
    actor: string;
    after_json: string;
  }[];

before(async () => {
  t = await buildTestApp();
  await submitAt(t, '2026-01-10T09:00:00Z', { requester: { name: 'Zoé Ἀθηνᾶ 🦉', email: 'zoe@example.org' } });
  await submitAt(t, '2026-02-10T09:00:00Z', {
    organisation: { name: '+cmd', type: 'ngo', country: 'FR', nonProfit: true },
  });
});
after(() => t.close());

test('stdout holds only the CSV; the summary goes to stderr; the run is audited', () => {
  const r = reprise(['export', '--format', 'csv']);
  assert.equal(r.code, 0, r.stderr);
  const records = parse(r.stdout, { bom: true, columns: true }) as Record<string, string>[];
  assert.deepEqual(
    records.map((x) => x.reference),
    requestRows(t).map((x) => x.reference),
  );
  assert.equal(records[0]['requester.name'], 'Zoé Ἀθηνᾶ 🦉');
  assert.equal(records[1]['organisation.name'], "'+cmd");
  assert.match(r.stderr, /Exported 2 requests as csv/);
  const last = audits().at(-1)!;
  assert.equal(last.actor, 'cli');
  assert.deepEqual(JSON.parse(last.after_json), {
    format: 'csv',
    filters: { from: null, to: null, statuses: [], licences: null },
    rows: 2,
    completed: true,
    destination: 'stdout',
  });
});

test('NDJSON with filters on stdout parses line by line', () => {
  const r = reprise(['export', '--format', 'ndjson', '--from', '2026-02-01', '--status', 'new']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout
    .toString('utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(lines.length, 1);
  assert.equal(lines[0].organisation.name, '+cmd', 'unchanged outside CSV');
  // No request here holds a licence: a licence filter exports none.
  const licences = reprise(['export', '--format', 'ndjson', '--licence', 'active,ended']);
  assert.equal(licences.code, 0, licences.stderr);
  assert.equal(licences.stdout.toString('utf8'), '');
});

test('--out writes a private file and refuses to overwrite it without --force', () => {
  const file = path.join(t.dir, 'export.json');
  const r = reprise(['export', '--format', 'json', '--out', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.length, 0, 'nothing on stdout when writing a file');
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).length, 2);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  const again = reprise(['export', '--format', 'json', '--out', file]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exists; add --force/);
  assert.equal(reprise(['export', '--format', 'json', '--out', file, '--force']).code, 0);
  assert.deepEqual(
    fs.readdirSync(t.dir).filter((f) => f.endsWith('.partial')),
    [],
    'no temporary file left behind',
  );
});

test('path tricks and bad arguments exit 2 with a clear message and write nothing', () => {
  const cases: [string[], RegExp][] = [
    [['--out', `${t.dir}/../escape.csv`], /must not contain "\.\." segments/],
    [['--out', t.config.databasePath, '--force'], /must not name the live database/],
    [['--out', `${t.config.databasePath}-wal`, '--force'], /must not name the live database/],
    [['--out', t.dir], /is a folder/],
    [['--out', path.join(t.dir, 'no-such-folder', 'x.csv')], /does not exist/],
    [['--out', 'bad\u0007name.csv'], /control characters/],
    [['--format', 'xlsx'], /"format" must be one of csv, json, ndjson/],
    [['--from', '2026-13-01'], /"from" must be a date/],
    [['--status', 'pending'], /"status" must be one or more of/],
    [['--licence', 'expired'], /"licence" must be one or more of active, ending, ended, revoked/],
    [['--bogus'], /Unknown option/],
  ];
  const before = audits().length;
  for (const [args, message] of cases) {
    const r = reprise(['export', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')} → ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout.length, 0);
  }
  fs.symlinkSync(path.join(t.dir, 'target.csv'), path.join(t.dir, 'link.csv'));
  const link = reprise(['export', '--out', path.join(t.dir, 'link.csv'), '--force']);
  assert.equal(link.code, 2);
  assert.match(link.stderr, /symbolic link/);
  assert.equal(fs.existsSync(path.join(t.dir, 'escape.csv')), false);
  assert.equal(audits().length, before, 'refused runs export nothing and record nothing');
});
