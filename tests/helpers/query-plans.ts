// How SQLite plans the queries production code runs, without a hook in that code: the code
// runs on a connection of the test's own that logs every statement (better-sqlite3's
// `verbose`, with its parameters filled in), and each SELECT logged is explained.
import Database from 'better-sqlite3';
import type { Db } from '../../src/db/connection.js';

/** Runs `work` on a read-only logging connection to `file`; returns the plan of each SELECT it ran, as one line. */
export function plansOf(file: string, work: (db: Db) => void): string[] {
  const statements: string[] = [];
  const db = new Database(file, { readonly: true, verbose: (sql) => statements.push(String(sql)) });
  try {
    work(db);
    return statements
      .filter((sql) => /^\s*SELECT/i.test(sql))
      .map((sql) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join(' | '),
      );
  } finally {
    db.close();
  }
}
