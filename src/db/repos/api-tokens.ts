// Read-only API tokens: found by the fingerprint of what the client sends, never stored in the clear.
import type { Db } from '../connection.js';

export interface ApiToken {
  id: number;
  name: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const COLUMNS = `id, name, created_by AS createdBy, created_at AS createdAt, last_used_at AS lastUsedAt,
  revoked_at AS revokedAt`;

export function apiTokensRepo(db: Db) {
  const insert = db.prepare(`INSERT INTO api_tokens (name, token_hash, created_by, created_at)
    VALUES (@name, @hash, @createdBy, @at)`);
  const all = db.prepare(`SELECT ${COLUMNS} FROM api_tokens ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC`);
  const byHash = db.prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE token_hash = ?`);
  const byId = db.prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE id = ?`);
  const revoke = db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const use = db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?');
  return {
    add: (row: { name: string; hash: string; createdBy: string; at: string }) =>
      Number(insert.run(row).lastInsertRowid),
    list: () => all.all() as ApiToken[],
    byHash: (hash: string) => byHash.get(hash) as ApiToken | undefined,
    byId: (id: number) => byId.get(id) as ApiToken | undefined,
    /** False when there is no such token, or it was revoked already. */
    revoke: (id: number, at: string) => revoke.run(at, id).changes === 1,
    recordUse: (id: number, at: string) => use.run(at, id),
  };
}

export type ApiTokensRepo = ReturnType<typeof apiTokensRepo>;
