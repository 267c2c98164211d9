// Opening the SQLite file with the pragmas every connection needs.
// synchronous=FULL: better-sqlite3 leaves WAL at NORMAL, which can lose an
// acknowledged commit on power loss; a licensing request once acknowledged must stay.
// (The outbox's bookkeeping alone commits at NORMAL: see writeTransactionWhenFree.)
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

/** Pages the database may still grow by before max_page_count makes SQLite answer SQLITE_FULL. */
export function pagesLeft(db: Db): number {
  return (db.pragma('max_page_count', { simple: true }) as number) - (db.pragma('page_count', { simple: true }) as number);
}

/**
 * Copies the WAL into the database file and truncates it if that can be done at once (true), else
 * copies what it can and leaves the rest to the next checkpoint. It never waits: Litestream holds a
 * read transaction between its own checkpoints, and a TRUNCATE waiting for it holds the write lock
 * for the whole busy time-out, then gives up anyway (docs/litestream.md).
 */
export function checkpointWithoutWaiting(db: Db): boolean {
  const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
  try {
    db.pragma('busy_timeout = 0');
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
    return result.busy === 0;
  } finally {
    db.pragma(`busy_timeout = ${busyTimeout}`);
  }
}

/** Runs fn in a write transaction that takes the write lock up front (no SQLITE_BUSY mid-way). */
export function writeTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

/**
 * A write transaction for the outbox's bookkeeping (claims, outcomes), taken without holding
 * up the event loop:
 * - The write lock is asked for without waiting and, while another connection holds it (the
 *   request writer's thread committing a batch), asked again after a timer, up to `timeoutMs`
 *   (then SQLite's SQLITE_BUSY error, as a busy_timeout would give). SQLite's own wait sleeps
 *   on the calling thread, 1, 2, 5… ms at a time: under a flood of submissions the outbox's
 *   writes had the event loop asleep 6 % of the time, up to 23 ms at once.
 * - The commit does not wait for the disk (synchronous=NORMAL for this transaction): the next
 *   durable commit, the writer's next batch, flushes it with its own. Power lost before that
 *   loses a claim (the message is sent later) or an outcome (the message is sent again, with
 *   its Message-ID): delivery is at-least-once anyway. An acknowledged request is never at
 *   stake: its own commit waited for the disk.
 */
export async function writeTransactionWhenFree<T>(db: Db, fn: () => T, timeoutMs = 5_000): Promise<T> {
  // Inside a transaction the lock is already this connection's, and SQLite refuses to change synchronous.
  if (db.inTransaction) throw new Error('writeTransactionWhenFree must not be called inside a transaction.');
  const giveUp = Date.now() + timeoutMs;
  const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
  const synchronous = db.pragma('synchronous', { simple: true }) as number;
  for (let wait = 1; ; wait = Math.min(wait * 2, 25)) {
    try {
      db.pragma('busy_timeout = 0');
      db.pragma('synchronous = NORMAL');
      return db.transaction(fn).immediate();
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
