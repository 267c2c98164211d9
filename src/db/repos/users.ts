// Desk accounts. Changes are made inside the caller's write transaction, which also writes the audit row
// (src/services/user-admin.ts).
import type { Db } from '../connection.js';
import type { Role, User } from '../../domain/accounts.js';
import { normaliseEmail } from '../../email-address.js';

export interface UserRow {
  id: number;
  email: string;
  role: Role;
  password_hash: string;
  disabled_at: string | null;
  password_changed_at: string;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

export const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  role: row.role,
  disabledAt: row.disabled_at,
  lastLoginAt: row.last_login_at,
  createdAt: row.created_at,
});

export function usersRepo(db: Db) {
  const insert = db.prepare(`INSERT INTO users (email, role, password_hash, password_changed_at, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?)`);
  const byEmail = db.prepare('SELECT * FROM users WHERE email = ?');
  const byId = db.prepare('SELECT * FROM users WHERE id = ?');
  const all = db.prepare('SELECT * FROM users ORDER BY email');
  const setRole = db.prepare('UPDATE users SET role = ?, updated_at = ? WHERE id = ?');
  const setDisabled = db.prepare('UPDATE users SET disabled_at = ?, updated_at = ? WHERE id = ?');
  const setPassword = db.prepare(
    'UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?',
  );
  const setLogin = db.prepare('UPDATE users SET last_login_at = ? WHERE id = ?');
  const activeAdmins = db.prepare(`SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL`);

  return {
    insert(email: string, role: Role, passwordHash: string, now: string): number {
      return Number(insert.run(normaliseEmail(email), role, passwordHash, now, now, now).lastInsertRowid);
    },
    findRowByEmail: (email: string) => byEmail.get(normaliseEmail(email)) as UserRow | undefined,
    findById(id: number): User | undefined {
      const row = byId.get(id) as UserRow | undefined;
      return row ? toUser(row) : undefined;
    },
    list: () => (all.all() as UserRow[]).map(toUser),
    setRole: (id: number, role: Role, now: string) => setRole.run(role, now, id).changes === 1,
    setDisabled: (id: number, disabledAt: string | null, now: string) =>
      setDisabled.run(disabledAt, now, id).changes === 1,
    setPassword: (id: number, hash: string, now: string) => setPassword.run(hash, now, now, id).changes === 1,
    recordLogin: (id: number, now: string) => setLogin.run(now, id),
    activeAdminCount: () => (activeAdmins.get() as { n: number }).n,
  };
}

export type UsersRepo = ReturnType<typeof usersRepo>;
