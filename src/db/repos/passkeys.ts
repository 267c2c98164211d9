// Desk accounts' passkeys: each credential's public key and signature counter, found by the credential id the
// browser sends back. Nothing secret is stored: a copy of this table cannot sign anyone in.
import type { Db } from '../connection.js';

export interface PasskeyRow {
  id: number;
  userId: number;
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string | null;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

const COLUMNS = `id, user_id AS userId, credential_id AS credentialId, public_key AS publicKey, counter, transports,
  name, created_at AS createdAt, last_used_at AS lastUsedAt`;

export function passkeysRepo(db: Db) {
  const byCredential = db.prepare(`SELECT ${COLUMNS} FROM passkeys WHERE credential_id = ?`);
  const forUser = db.prepare(`SELECT ${COLUMNS} FROM passkeys WHERE user_id = ? ORDER BY created_at, id`);
  const count = db.prepare('SELECT COUNT(*) FROM passkeys WHERE user_id = ?').pluck();
  const insert = db.prepare(`INSERT INTO passkeys (user_id, credential_id, public_key, counter, transports, name,
    created_at) VALUES (@userId, @credentialId, @publicKey, @counter, @transports, @name, @createdAt)`);
  const use = db.prepare('UPDATE passkeys SET counter = @counter, last_used_at = @at WHERE id = @id');
  const remove = db.prepare('DELETE FROM passkeys WHERE id = ? AND user_id = ?');
  return {
    byCredential: (credentialId: string) => byCredential.get(credentialId) as PasskeyRow | undefined,
    forUser: (userId: number) => forUser.all(userId) as PasskeyRow[],
    count: (userId: number) => count.get(userId) as number,
    add: (row: Omit<PasskeyRow, 'id' | 'lastUsedAt'>) => Number(insert.run(row).lastInsertRowid),
    recordUse: (id: number, counter: number, at: string) => use.run({ id, counter, at }),
    /** False when the account has no such passkey. */
    remove: (userId: number, id: number) => remove.run(id, userId).changes === 1,
  };
}

export type PasskeysRepo = ReturnType<typeof passkeysRepo>;
