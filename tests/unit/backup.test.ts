// `reprise backup` while another process keeps writing: the copy is consistent,
// passes integrity_check, restores (the service's own open + migrate accept it)
// and holds every row committed before the backup began. A damaged file fails the check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { openDatabase, type Db } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';
import { backupDatabase, checkBackup } from '../../src/db/backup.js';
import { tempDir } from '../helpers/app.js';

let dir: string;
let dbPath: string;
let db: Db;

const WRITER = `
import Database from 'better-sqlite3';
import fs from 'node:fs';
const [file, stop] = process.argv.slice(1);
const db = new Database(file);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = FULL');
const ins = db.prepare("INSERT INTO audit_log (at, actor, action, subject_type, after_json) VALUES (?, 'writer', 'test.write', 'test', ?)");
let n = 0;
console.log('ready');
while (!fs.existsSync(stop)) {
  db.transaction(() => { for (let i = 0; i < 20; i++) ins.run(new Date().toISOString(), JSON.stringify({ n: n++ })); }).immediate();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
}
console.log(n);
`;

function reprise(args: string[], databasePath = dbPath) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, NODE_ENV: 'test', DATABASE_PATH: databasePath, MAIL_DIR: path.join(dir, 'mail') },
    encoding: 'utf8',
  });
}

before(() => {
  dir = tempDir('reprise-backup-');
  dbPath = path.join(dir, 'live.db');
  db = openDatabase(dbPath);
  migrate(db);
  // Enough pages that the copy is not instant: 30,000 rows of ~1 kB.
  const ins = db.prepare(
    `INSERT INTO audit_log (at, actor, action, subject_type, after_json) VALUES (?, 'seed', 'test.seed', 'test', ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < 30_000; i++) ins.run(new Date().toISOString(), JSON.stringify({ i, pad: 'x'.repeat(1000) }));
  })();
});
after(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a backup taken during writes is consistent, passes integrity_check and restores', async () => {
  const stop = path.join(dir, 'stop');
  const writer = spawn(process.execPath, ['--input-type=module', '-e', WRITER, dbPath, stop], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  writer.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  while (!output.includes('ready')) await once(writer.stdout, 'data');
  await new Promise((r) => setTimeout(r, 200));
  const committedBefore = db.prepare('SELECT COUNT(*) FROM audit_log').pluck().get() as number;

  const file = path.join(dir, 'copy.db');
  const r = reprise(['backup', '--out', file]);
  fs.writeFileSync(stop, '');
  await once(writer, 'exit');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /integrity_check ok/);
  assert.equal(r.stdout, '');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  const written = Number(output.trim().split('\n').pop());
  assert.ok(written > 0, 'the writer kept writing');

  // Restore: the file becomes a database the service opens, migrates (nothing to do) and checks.
  const restoredPath = path.join(dir, 'restored', 'reprise.db');
  fs.mkdirSync(path.dirname(restoredPath));
  fs.copyFileSync(file, restoredPath);
  const restored = openDatabase(restoredPath);
  try {
    assert.deepEqual(migrate(restored), []);
    assert.equal(restored.pragma('integrity_check', { simple: true }), 'ok');
    const rows = restored.prepare('SELECT COUNT(*) FROM audit_log').pluck().get() as number;
    assert.ok(
      rows >= committedBefore,
      `the copy holds every row committed before it began (${rows} ≥ ${committedBefore})`,
    );
    const writes = restored
      .prepare(`SELECT after_json FROM audit_log WHERE action = 'test.write' ORDER BY id`)
      .pluck()
      .all() as string[];
    writes.forEach((w, i) => assert.equal(JSON.parse(w).n, i, 'a prefix of the writer’s transactions, none torn'));
    assert.equal(writes.length % 20, 0, 'whole transactions only');
  } finally {
    restored.close();
  }
  const audit = db.prepare(`SELECT actor, after_json FROM audit_log WHERE action = 'backup'`).get() as {
    actor: string;
    after_json: string;
  };
  assert.equal(audit.actor, 'cli');
  assert.equal(JSON.parse(audit.after_json).file, file);
  assert.equal(reprise(['migrate'], restoredPath).status, 0);
});

test('the backup refuses path tricks and an existing file; a damaged copy fails the check', async () => {
  const existing = path.join(dir, 'exists.db');
  fs.writeFileSync(existing, 'x');
  for (const [args, message] of [
    [['--out', existing], /already exists; add --force/],
    [['--out', dbPath, '--force'], /must not name the live database/],
    [['--out', `${dir}/../up.db`], /must not contain "\.\." segments/],
    [[], /--out FILE is required/],
  ] as [string[], RegExp][]) {
    const r = reprise(['backup', ...args]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
  }
  const good = path.join(dir, 'good.db');
  await backupDatabase(dbPath, good);
  const bytes = fs.readFileSync(good);
  // Scribble over the middle of the file (table b-tree pages), keeping the header intact.
  bytes.fill(0xff, Math.floor(bytes.length / 2), Math.floor(bytes.length / 2) + 8192);
  const damaged = path.join(dir, 'damaged.db');
  fs.writeFileSync(damaged, bytes);
  assert.throws(() => checkBackup(damaged), /integrity_check failed|malformed|corrupt/i);
});
