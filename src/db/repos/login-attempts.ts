// Failed sign-ins, counted per account and per address over a window (the rules are in
// src/services/sign-in.ts). Kept in SQLite so the limits hold across restarts and
// across processes sharing the database.
import type { Db } from '../connection.js';

export function loginAttemptsRepo(db: Db) {
  const insert = db.prepare('INSERT INTO login_attempts (at, email, ip) VALUES (?, ?, ?)');
  const removeOne = db.prepare('DELETE FROM login_attempts WHERE rowid = ?');
  const byEmail = db.prepare('SELECT COUNT(*) AS n FROM login_attempts WHERE email = ? AND at > ?').pluck();
  const byIp = db.prepare('SELECT COUNT(*) AS n FROM login_attempts WHERE ip = ? AND at > ?').pluck();
  const clearEmail = db.prepare('DELETE FROM login_attempts WHERE email = ?');
  const prune = db.prepare('DELETE FROM login_attempts WHERE at < ?');

  return {
    failuresForEmail: (email: string, since: string) => byEmail.get(email, since) as number,
    failuresFromIp: (ip: string, since: string) => byIp.get(ip, since) as number,
    /** Returns the row's id, so an attempt counted before its check can be taken back when it succeeds. */
    recordFailure: (email: string, ip: string, at: string) => Number(insert.run(at, email, ip).lastInsertRowid),
    takeBack: (id: number) => removeOne.run(id),
    forgetEmail: (email: string) => clearEmail.run(email),
    pruneBefore: (before: string) => prune.run(before),
  };
}
