// Opening the SQLite file with the pragmas every connection needs.
// synchronous=FULL: better-sqlite3 leaves WAL at NORMAL, which can lose an
// acknowledged commit on power loss; a licensing request once acknowledged must stay.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

export function openDatabase(file: string, options: { readonly?: boolean } = {}): Db {
  if (file !== ':memory:' && !options.readonly) fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  }
  db.pragma('foreign_keys = ON');
  // 32 MB of page cache instead of SQLite's 2 MB: a desk search reads ~1,000 candidate rows
  // and a submission touches a dozen index pages; with 2 MB each of those was read again from
  // the OS on every request. (Export connections set their own, smaller cache.)
  db.pragma('cache_size = -32000');
  // Erased personal data is overwritten on disk, not left in free pages for a backup to copy.
  if (!options.readonly) db.pragma('secure_delete = ON');
  return db;
}

/**
 * For the connection that runs the group-commit writer (the writer's thread, or the service's
 * connection with WRITER_THREAD=0), after migrations: savepoint and statement journals in memory. The group-commit writer runs each request in a SAVEPOINT, and SQLite keeps that journal
 * in memory only up to 64 KiB; past that (a batch of two or three requests) it spilled to a temp
 * file that was created, written a page at a time and deleted in every batch: ~70 pwrite calls a
 * submission, a fifth of its SQLite CPU. The service's own transactions touch a few dozen pages.
 * Not for migrations or the CLI: a statement rewriting a million rows inside a transaction would
 * journal every page it changes in memory.
 */
export function keepJournalsInMemory(db: Db): void {
  db.pragma('temp_store = MEMORY');
}

/** Runs fn in a write transaction that takes the write lock up front (no SQLITE_BUSY mid-way). */
export function writeTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}
