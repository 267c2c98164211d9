// Opening the SQLite file with the pragmas every connection needs, and the ways of writing to it.
// synchronous=FULL: an acknowledged licensing request must survive a power loss (better-sqlite3 leaves
// WAL at NORMAL). See docs/internals.md#sqlite-connections.
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
  // 32 MB of page cache instead of SQLite's 2 MB, so a desk search's and a submission's pages stay
  // in memory between requests. (Export connections set their own, smaller cache.)
  db.pragma('cache_size = -32000');
  // Erased personal data is overwritten on disk, not left in free pages for a backup to copy.
  if (!options.readonly) db.pragma('secure_delete = ON');
  return db;
}

/**
 * Journals in memory, for the group-commit writer's connection (after migrations), whose savepoints would
 * spill to a temp file in every batch; never for migrations or the CLI (docs/internals.md#journals-in-memory).
 */
export function keepJournalsInMemory(db: Db): void {
  db.pragma('temp_store = MEMORY');
}

/** Pages the database may still grow by before max_page_count makes SQLite answer SQLITE_FULL. */
export function pagesLeft(db: Db): number {
  const pageCount = (name: string) => db.pragma(name, { simple: true }) as number;
  return pageCount('max_page_count') - pageCount('page_count');
}

/**
 * Copies the WAL into the database and truncates it (true), or copies what it can now (false). It never
 * waits: a TRUNCATE waiting for Litestream's reader would hold the write lock, then give up anyway.
 */
export function checkpointWithoutWaiting(db: Db): boolean {
  const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
  try {
    db.pragma('busy_timeout = 0');
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    return result.busy === 0;
  } finally {
    db.pragma(`busy_timeout = ${busyTimeout}`);
  }
}

/** Runs `work` in a write transaction that takes the write lock up front (no SQLITE_BUSY mid-way). */
export function writeTransaction<T>(db: Db, work: () => T): T {
  return db.transaction(work).immediate();
}

/**
 * A write transaction for the outbox that never sleeps on the event loop: it waits for the lock on a timer
 * (up to `timeoutMs`, then SQLITE_BUSY) and commits at synchronous=NORMAL (docs/internals.md#outbox-writes).
 */
export async function writeTransactionWhenFree<T>(db: Db, work: () => T, timeoutMs = 5_000): Promise<T> {
  // Inside a transaction the lock is already this connection's, and SQLite refuses to change synchronous.
  if (db.inTransaction) throw new Error('writeTransactionWhenFree must not be called inside a transaction.');
  const giveUp = Date.now() + timeoutMs;
  const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
  const synchronous = db.pragma('synchronous', { simple: true }) as number;
  for (let wait = 1; ; wait = Math.min(wait * 2, 25)) {
    try {
      db.pragma('busy_timeout = 0');
      db.pragma('synchronous = NORMAL');
      return db.transaction(work).immediate();
    } catch (error) {
      const busy = String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY');
      if (!busy || Date.now() >= giveUp) throw error;
    } finally {
      db.pragma(`busy_timeout = ${busyTimeout}`);
      db.pragma(`synchronous = ${synchronous}`);
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
