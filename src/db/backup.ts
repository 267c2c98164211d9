// A consistent copy of the live database with SQLite's online backup API while the service runs, then
// checked on its own (integrity_check, foreign keys). Made in one step: a stepwise backup restarts whenever
// another connection writes and might never end, while one step holds only a WAL snapshot (no writer waits).
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { openDatabase } from './connection.js';

class BackupCheckFailed extends Error {}

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
  requests: number;
  migrations: number;
  integrity: 'ok';
}

/** Opens `file` read-only and runs the checks a restore would need to pass. */
export function checkBackup(file: string): Omit<BackupResult, 'file' | 'pages'> {
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const problems = copy.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
    const messages = problems.map((problem) => problem.integrity_check);
    if (messages.length !== 1 || messages[0] !== 'ok') {
      throw new BackupCheckFailed(`integrity_check failed: ${messages.slice(0, 5).join('; ')}`);
    }
    const broken = copy.pragma('foreign_key_check') as unknown[];
    if (broken.length) throw new BackupCheckFailed(`foreign_key_check found ${broken.length} broken references`);
    const requests = copy.prepare('SELECT COUNT(*) FROM requests').pluck().get() as number;
    const migrations = copy.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get() as number;
    return { bytes: fs.statSync(file).size, requests, migrations, integrity: 'ok' };
  } finally {
    copy.close();
  }
}

/** Copies the database at `databasePath` to `file` (which must not exist yet) and checks the copy. */
export async function backupDatabase(databasePath: string, file: string): Promise<BackupResult> {
  const source = openDatabase(databasePath, { readonly: true });
  let pages = 0;
  try {
    const progress = await source.backup(file, {
      progress: ({ totalPages }) => {
        pages = totalPages;
        return 0x7fffffff;
      },
    });
    pages = Math.max(pages, progress.totalPages);
  } finally {
    source.close();
  }
  // The copy keeps the source's WAL mode flag; make it a self-contained single file.
  const copy = new Database(file);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  return { file, pages, ...checkBackup(file) };
}
