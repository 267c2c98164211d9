// Migrations on an empty database, on an existing one, and a failing one that
// must change nothing and say which file failed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../src/db/connection.js';
import { migrate, readMigrations, MigrationError, pendingMigrations } from '../../src/db/migrate.js';
import { facetTerms, searchQuery } from '../../src/db/repos/desk-queries.js';
import { tempDir } from '../helpers/app.js';
import { insertRawRequest } from '../helpers/raw-request.js';

const tables = (db: ReturnType<typeof openDatabase>) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
    (r) => r.name,
  );

test('an empty database gets every migration, in order, recorded once', () => {
  const dir = tempDir();
  const db = openDatabase(path.join(dir, 'a.db'));
  const applied = migrate(db);
  assert.deepEqual(
    applied,
    readMigrations().map((m) => m.name),
  );
  assert.ok(tables(db).includes('requests') && tables(db).includes('outbox'));
  assert.deepEqual(pendingMigrations(db), []);
  assert.deepEqual(migrate(db), [], 'a second run applies nothing');
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('synchronous', { simple: true }), 2, 'synchronous=FULL');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('an existing database at an older version gets only the missing migrations, data kept', () => {
  const dir = tempDir();
  const db = openDatabase(path.join(dir, 'b.db'));
  const all = readMigrations();
  migrate(db, all.slice(0, 1));
  db.prepare('INSERT INTO reference_counters (year, last) VALUES (2026, 41)').run();
  const applied = migrate(db, all);
  assert.deepEqual(
    applied,
    all.slice(1).map((m) => m.name),
  );
  assert.deepEqual(db.prepare('SELECT last FROM reference_counters WHERE year = 2026').get(), { last: 41 });
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test("the articles cell and the queue's article summary are filled in for requests stored before them, and kept right after", () => {
  const dir = tempDir();
  const db = openDatabase(path.join(dir, 'd.db'));
  const all = readMigrations();
  const at = all.findIndex((m) => m.name.startsWith('0019_'));
  migrate(db, all.slice(0, at));
  insertRawRequest(db, { id: 7, name: 'Ada', email: 'ada@example.org', org: 'Org' });
  const article = db.prepare(
    'INSERT INTO request_articles (request_id, position, url, title, portion, extract_words) VALUES (7, ?, ?, ?, ?, ?)',
  );
  article.run(2, 'https://news.example/b', 'B "two"', 'extract', 400);
  article.run(1, 'https://news.example/a', 'A, one', 'full', null);
  migrate(db, all);
  const text = () => db.prepare('SELECT articles_text FROM requests WHERE id = 7').pluck().get();
  assert.equal(
    text(),
    '1. A, one <https://news.example/a> (full); 2. B "two" <https://news.example/b> (extract, 400 words)',
  );
  // And the desk queue's summary of them (0023): how many, and the first one's title.
  const summary = () => db.prepare('SELECT article_count AS n, first_title AS title FROM requests WHERE id = 7').get();
  assert.deepEqual(summary(), { n: 2, title: 'A, one' });
  db.prepare(`UPDATE request_articles SET title = 'A again' WHERE request_id = 7 AND position = 1`).run();
  assert.deepEqual(summary(), { n: 2, title: 'A again' });
  article.run(3, 'https://news.example/c', 'C', 'full', null);
  assert.deepEqual(summary(), { n: 3, title: 'A again' });
  db.prepare('DELETE FROM request_articles WHERE request_id = 7 AND position = 2').run();
  assert.equal(text(), '1. A again <https://news.example/a> (full); 3. C <https://news.example/c> (full)');
  db.prepare('DELETE FROM request_articles WHERE request_id = 7 AND position = 1').run();
  assert.deepEqual(summary(), { n: 1, title: 'C' });
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('the search index rebuilt for prefixes (0021) finds the requests stored before it, and its triggers still work', () => {
  const dir = tempDir();
  const db = openDatabase(path.join(dir, 's.db'));
  const all = readMigrations();
  migrate(
    db,
    all.slice(
      0,
      all.findIndex((m) => m.name.startsWith('0021_')),
    ),
  );
  const search = db.prepare(
    `INSERT INTO request_search (rowid, reference, requester, organisation, articles) VALUES (?, ?, ?, ?, ?)`,
  );
  const article = db.prepare(
    `INSERT INTO request_articles (request_id, position, url, title, portion) VALUES (?, ?, ?, ?, 'full')`,
  );
  // As the insert path of that time wrote them: the request, its articles, then its one search row.
  for (const [id, name, org, title] of [
    [1, 'Ada Lovelace', 'Le Matin du Sud', 'Ports at dawn'],
    [2, 'Grace Hopper', 'Daily Planet', 'Matinale news'],
  ] as const) {
    insertRawRequest(db, { id, name, email: `${name.split(' ')[0]!.toLowerCase()}@example.org`, org });
    article.run(id, 1, `https://news.example/${id}`, title);
    search.run(
      id,
      `REP-2026-00000${id}`,
      `${name} ${name.split(' ')[0]!.toLowerCase()}@example.org`,
      org,
      `${title} https://news.example/${id}`,
    );
  }
  migrate(db, all);
  const found = (q: string) =>
    db
      .prepare('SELECT rowid FROM request_search WHERE request_search MATCH ? ORDER BY rowid')
      .pluck()
      .all(searchQuery(q));
  assert.deepEqual(found('matin'), [1, 2]);
  assert.deepEqual(found('m'), [1, 2]);
  assert.deepEqual(found('ada@exa'), [1]);
  assert.deepEqual(found('REP-2026-000002'), [2]);
  assert.deepEqual(found('dawn ports'), [1]);
  db.prepare(`UPDATE requests SET requester_name = 'Someone Else' WHERE id = 1`).run();
  assert.deepEqual(found('ada lovelace'), [], 'the update trigger rewrote the search row');
  assert.deepEqual(found('someone'), [1]);
  db.exec(`INSERT INTO request_search (request_search) VALUES ('integrity-check')`);
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test("the filters' terms (0024) are added to the search rows of requests stored before them, and follow updates", () => {
  const dir = tempDir();
  const db = openDatabase(path.join(dir, 'f.db'));
  const all = readMigrations();
  migrate(
    db,
    all.slice(
      0,
      all.findIndex((m) => m.name.startsWith('0024_')),
    ),
  );
  const search = db.prepare(
    `INSERT INTO request_search (rowid, reference, requester, organisation, articles) VALUES (?, ?, ?, ?, ?)`,
  );
  for (const [id, name] of [
    [1, 'Ada'],
    [2, 'Grace'],
  ] as const) {
    insertRawRequest(db, { id, name, email: `${name.toLowerCase()}@example.org`, org: 'Le Matin' });
    search.run(id, `REP-2026-00000${id}`, `${name} ${name.toLowerCase()}@example.org`, 'Le Matin', '');
  }
  db.prepare(
    `UPDATE requests SET status = 'in_review', medium = 'print_and_online', territory = 'region', countries = 'DE IT' WHERE id = 2`,
  ).run();
  migrate(db, all);
  const found = (filter: Parameters<typeof facetTerms>[0], words = 'matin') =>
    db
      .prepare('SELECT rowid FROM request_search WHERE request_search MATCH ? ORDER BY rowid')
      .pluck()
      .all(`${searchQuery(words)} ${facetTerms(filter)}`);
  assert.deepEqual(found({ status: 'new', medium: 'online', territory: 'worldwide', country: 'GB' }), [1]);
  assert.deepEqual(found({ status: 'in_review', medium: 'print_and_online', territory: 'region', country: 'IT' }), [2]);
  assert.deepEqual(found({ country: 'GB' }), [1, 2], "the organisation's country counts for each");
  assert.deepEqual(found({}, 'ada'), [1], 'the words are searched as before');
  db.prepare(`UPDATE requests SET status = 'licensed', org_country = 'FR' WHERE id = 1`).run();
  assert.deepEqual(found({ status: 'new' }), []);
  assert.deepEqual(found({ status: 'licensed', country: 'FR' }), [1]);
  db.exec(`INSERT INTO request_search (request_search) VALUES ('integrity-check')`);
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test("the outbox's counts per state (0025) start from the messages already there and follow every change", () => {
  const dir = tempDir();
  const db = openDatabase(path.join(dir, 'o.db'));
  const all = readMigrations();
  migrate(
    db,
    all.slice(
      0,
      all.findIndex((m) => m.name.startsWith('0025_')),
    ),
  );
  insertRawRequest(db, { id: 1, name: 'Ada', email: 'ada@example.org', org: 'Org' });
  const message =
    db.prepare(`INSERT INTO outbox (request_id, template, locale, recipient, message_id, status, next_attempt_at, created_at)
    VALUES (1, 'requester_ack', 'en', 'ada@example.org', ?, ?, '2026-01-01', '2026-01-01')`);
  for (const [i, status] of ['sent', 'sent', 'failed', 'queued'].entries()) message.run(`<m${i}@x>`, status);
  migrate(db, all);
  const counts = () =>
    Object.fromEntries(
      (
        db.prepare('SELECT status, n FROM outbox_status_counts ORDER BY status').all() as {
          status: string;
          n: number;
        }[]
      ).map((r) => [r.status, r.n]),
    );
  const counted = () =>
    Object.fromEntries(
      (
        db.prepare('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status').all() as { status: string; n: number }[]
      ).map((r) => [r.status, r.n]),
    );
  assert.deepEqual(counts(), { cancelled: 0, failed: 1, queued: 1, sending: 0, sent: 2 });
  message.run('<m9@x>', 'queued');
  db.prepare(`UPDATE outbox SET status = 'sending' WHERE status = 'queued'`).run();
  db.prepare(`UPDATE outbox SET last_error = 'x' WHERE status = 'failed'`).run();
  db.prepare(`UPDATE outbox SET status = 'cancelled' WHERE message_id = '<m9@x>'`).run();
  assert.deepEqual(counts(), { cancelled: 1, failed: 1, queued: 0, sending: 1, sent: 2 });
  assert.deepEqual(counts(), { cancelled: 0, queued: 0, sending: 0, ...counted() });
  db.prepare('DELETE FROM requests WHERE id = 1').run(); // its messages go with it (ON DELETE CASCADE)
  assert.deepEqual(counts(), { cancelled: 0, failed: 0, queued: 0, sending: 0, sent: 0 });
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test("the 'accepted' status (0027) widens the CHECK in place: rows kept, the new status taken, others still refused", () => {
  const dir = tempDir();
  const file = path.join(dir, 'a.db');
  const db = openDatabase(file);
  const all = readMigrations();
  migrate(
    db,
    all.slice(
      0,
      all.findIndex((m) => m.name.startsWith('0027_')),
    ),
  );
  insertRawRequest(db, { id: 1, name: 'Ada', email: 'ada@example.org', org: 'Org' });
  const setStatus = db.prepare('UPDATE requests SET status = ? WHERE id = 1');
  assert.throws(() => setStatus.run('accepted'), /CHECK constraint failed/);
  assert.deepEqual(migrate(db, all).slice(0, 2), [
    '0027_status_accepted.sql',
    '0028_requester_actions_and_messages.sql',
  ]);
  setStatus.run('accepted');
  assert.equal((db.prepare('SELECT status FROM requests WHERE id = 1').get() as { status: string }).status, 'accepted');
  assert.throws(() => setStatus.run('approved'), /CHECK constraint failed/);
  const counts = db.prepare("SELECT n FROM request_status_counts WHERE status = 'accepted'").pluck().get();
  assert.equal(counts, 1, 'the counts per status follow the new status');
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  // writable_schema was for the migration only: this connection is defensive again.
  assert.throws(
    () =>
      db.pragma('writable_schema = ON') &&
      db.prepare("UPDATE sqlite_schema SET sql = sql WHERE name = 'requests'").run(),
  );
  db.close();
  const again = openDatabase(file);
  assert.match(
    again.prepare("SELECT sql FROM sqlite_schema WHERE name = 'requests'").pluck().get() as string,
    /'quoted','accepted','licensed'/,
  );
  again.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a failing migration stops with its name and leaves nothing half-applied', () => {
  const dir = tempDir();
  const db = openDatabase(path.join(dir, 'c.db'));
  const good = readMigrations();
  const bad = {
    version: 9999,
    name: '9999_broken.sql',
    sql: 'CREATE TABLE half_done (id INTEGER); SELECT * FROM no_such_table;',
  };
  assert.throws(
    () => migrate(db, [...good, bad]),
    (err: unknown) => {
      assert.ok(err instanceof MigrationError);
      assert.match(err.message, /9999_broken\.sql/);
      assert.match(err.message, /no_such_table/);
      return true;
    },
  );
  assert.ok(!tables(db).includes('half_done'), 'the failed migration left no table behind');
  const versions = (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
    (r) => r.version,
  );
  assert.ok(!versions.includes(9999));
  assert.equal(versions.length, good.length, 'the good ones before it are kept');
  db.close();
  fs.rmSync(dir, { recursive: true });
});
