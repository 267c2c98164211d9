// One-time challenges of sign-ins in progress. `take` deletes the row in one statement: of two requests carrying the
// same challenge at once, only one gets it.
import type { Db } from '../connection.js';

export type ChallengePurpose = 'passkey_register' | 'passkey_sign_in' | 'sso';

export function signInChallengesRepo(db: Db) {
  const insert = db.prepare('INSERT INTO sign_in_challenges (value, purpose, expires_at) VALUES (?, ?, ?)');
  const take = db.prepare(
    'DELETE FROM sign_in_challenges WHERE value = ? AND purpose = ? AND expires_at > ? RETURNING 1',
  );
  const prune = db.prepare('DELETE FROM sign_in_challenges WHERE expires_at <= ?');
  return {
    /** Kept `ttlMs` from `now` (epoch ms); expired ones are pruned on the way. */
    add(value: string, purpose: ChallengePurpose, now: number, ttlMs: number) {
      prune.run(now);
      insert.run(value, purpose, now + ttlMs);
    },
    /** True once for a challenge given for `purpose` and not expired at `now` (epoch ms); it is gone afterwards. */
    take: (value: string, purpose: ChallengePurpose, now: number) => take.get(value, purpose, now) !== undefined,
  };
}

export type SignInChallengesRepo = ReturnType<typeof signInChallengesRepo>;
