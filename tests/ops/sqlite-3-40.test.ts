// The database file opens in Debian 12's own sqlite3 (3.40), as Litestream, backup tools
// and an operator's restore check open it: the stored schema must parse there, every table
// and view must read, and the triggers must run. The bundled SQLite is newer, so nothing
// else in the suite would notice a schema object only it can parse.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { buildTestApp, tempDir, type TestApp } from '../helpers/app.js';
import { validRequest } from '../helpers/fixtures.js';
import { openDatabase } from '../../src/db/connection.js';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import { insertRawRequest } from '../helpers/raw-request.js';
import { programSkipReason } from '../helpers/system-tool.js';

const skip = programSkipReason('sqlite3', 'sqlite3');

function sqlite3(file: string, sql: string): string {
  const run = spawnSync('sqlite3', ['-bail', '-batch', file], { input: sql, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`sqlite3 failed (${run.status}): ${run.stderr.trim()}`);
  return run.stdout.trim();
}

let t: TestApp;
let dbFile: string;

before(async () => {
  if (skip) return;
  t = await buildTestApp();
  // Real submissions: requests, articles (one with an extract), the search row, two outbox rows each.
  for (const [i, articles] of [
    [{ url: 'https://news.example/a', title: 'Première « une »', portion: 'full' }],
    [
      { url: 'https://news.example/b', title: 'مقال عن الطقس', portion: 'extract', extractWords: 400 },
      { url: 'https://news.example/c', title: 'Third, with a comma', portion: 'full' },
    ],
  ].entries()) {
    const body = validRequest({ articles, requester: { name: `Person ${i}`, email: `p${i}@example.org` } });
    await request(t.server).post('/api/v1/requests').send(body).expect(201);
  }
  t.db
    .prepare(
      "INSERT INTO request_notes (request_id, author, body, created_at) SELECT id, 'desk@example.org', 'Called back', updated_at FROM requests",
    )
    .run();
  dbFile = path.join(t.dir, 'reprise.db');
});

after(async () => {
  if (t) await t.close();
});

test(
  "Debian's sqlite3 opens the migrated file, passes integrity_check and reads every table and view",
  { skip },
  () => {
    const version = sqlite3(dbFile, 'SELECT sqlite_version();');
    assert.match(version, /^3\.\d+\.\d+$/);
    assert.equal(sqlite3(dbFile, 'PRAGMA integrity_check;'), 'ok');
    const names = sqlite3(
      dbFile,
      "SELECT type || ' ' || name FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name;",
    ).split('\n');
    assert.ok(names.includes('view request_articles_text') && names.includes('table request_search'), names.join(', '));
    for (const entry of names) {
      const name = entry.slice(entry.indexOf(' ') + 1);
      assert.doesNotThrow(
        () => sqlite3(dbFile, `SELECT count(*) FROM "${name}"; SELECT * FROM "${name}" LIMIT 3;`),
        name,
      );
    }
    assert.equal(sqlite3(dbFile, 'SELECT count(*) FROM requests;'), '2');
    assert.equal(sqlite3(dbFile, 'SELECT count(*) FROM outbox;'), '4');
    assert.equal(sqlite3(dbFile, 'SELECT count(*) FROM request_notes;'), '2');
  },
);

test(
  "in sqlite3 3.40 the triggers run too: an operator's fix to an article keeps the articles cell and the search in step",
  { skip },
  () => {
    const out = sqlite3(
      dbFile,
      `BEGIN;
    UPDATE request_articles SET title = 'Corrected title' WHERE position = 2;
    SELECT articles_text FROM requests WHERE article_count = 2;
    SELECT count(*) FROM request_search WHERE request_search MATCH 'corrected';
    ROLLBACK;`,
    );
    assert.equal(
      out,
      [
        '1. مقال عن الطقس <https://news.example/b> (extract, 400 words); 2. Corrected title <https://news.example/c> (full)',
        '1',
      ].join('\n'),
    );
  },
);

test('the rewritten articles cell is the text the old definition gave, in order, on an upgraded database', () => {
  const dir = tempDir();
  const db = openDatabase(path.join(dir, 'upgrade.db'));
  const all = readMigrations();
  const at = all.findIndex((m) => m.name.startsWith('0026_'));
  assert.ok(at > 0, 'migration 0026 exists');
  migrate(db, all.slice(0, at));
  const article = db.prepare(
    'INSERT INTO request_articles (request_id, position, url, title, portion, extract_words) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const addRequest = (id: number, count: number) => {
    insertRawRequest(db, { id });
    // Inserted out of order, as nothing guarantees the order rows arrive in.
    for (const position of Array.from({ length: count }, (_, i) => count - i)) {
      article.run(
        id,
        position,
        `https://news.example/${id}/${position}`,
        `Title ${id}.${position}`,
        position % 2 ? 'full' : 'extract',
        position % 2 ? null : position * 100,
      );
    }
  };
  for (let id = 1; id <= 20; id++) addRequest(id, id);
  // The old definition, run by the bundled SQLite, which still understands it.
  const oldText = db
    .prepare(
      `SELECT group_concat(concat(position, '. ', title, ' <', url, '> (', portion,
      iif(extract_words IS NULL, '', concat(', ', extract_words, ' words')), ')'), '; ' ORDER BY position)
    FROM request_articles WHERE request_id = ?`,
    )
    .pluck();
  const stored = db.prepare('SELECT articles_text FROM requests WHERE id = ?').pluck();
  const before = Array.from({ length: 20 }, (_, i) => stored.get(i + 1));
  migrate(db, all);
  for (let id = 1; id <= 20; id++)
    assert.equal(stored.get(id), before[id - 1], `request ${id} unchanged by the upgrade`);
  for (let id = 21; id <= 40; id++) {
    addRequest(id, id - 20);
    assert.equal(stored.get(id), oldText.get(id), `request ${id} written after the upgrade`);
  }
  db.prepare('DELETE FROM request_articles WHERE request_id = 40 AND position = 3').run();
  assert.equal(stored.get(40), oldText.get(40), 'a deleted article leaves the others in order');
  db.close();
  fs.rmSync(dir, { recursive: true });
});
