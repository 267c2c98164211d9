// Identities at the OpenID Connect provider linked to desk accounts: found by issuer and subject, the provider's
// stable name for a person, so a changed email at the provider neither breaks the link nor moves it.
import type { Db } from '../connection.js';

interface SsoIdentity {
  id: number;
  userId: number;
  issuer: string;
  subject: string;
  email: string;
  linkedAt: string;
  lastUsedAt: string | null;
}

const COLUMNS = `id, user_id AS userId, issuer, subject, email, linked_at AS linkedAt, last_used_at AS lastUsedAt`;

export function ssoIdentitiesRepo(db: Db) {
  const find = db.prepare(`SELECT ${COLUMNS} FROM sso_identities WHERE issuer = ? AND subject = ?`);
  const forUser = db.prepare(`SELECT ${COLUMNS} FROM sso_identities WHERE user_id = ? ORDER BY linked_at`);
  const insert = db.prepare(`INSERT INTO sso_identities (user_id, issuer, subject, email, linked_at, last_used_at)
    VALUES (@userId, @issuer, @subject, @email, @at, @at)`);
  const use = db.prepare('UPDATE sso_identities SET last_used_at = ?, email = ? WHERE id = ?');
  return {
    find: (issuer: string, subject: string) => find.get(issuer, subject) as SsoIdentity | undefined,
    forUser: (userId: number) => forUser.all(userId) as SsoIdentity[],
    link: (row: { userId: number; issuer: string; subject: string; email: string; at: string }) =>
      Number(insert.run(row).lastInsertRowid),
    recordUse: (id: number, at: string, email: string) => use.run(at, email, id),
  };
}

export type SsoIdentitiesRepo = ReturnType<typeof ssoIdentitiesRepo>;
