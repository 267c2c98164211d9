// Desk accounts' second factors: the authenticator app's secret with the last time step it was used for (so a
// code is good once), and the recovery codes, kept hashed, each used once.
import type { Db } from '../connection.js';

export function secondFactorsRepo(db: Db) {
  const totp = db.prepare('SELECT totp_secret AS secret, totp_last_step AS lastStep FROM users WHERE id = ?');
  const enrol = db.prepare(`UPDATE users SET totp_secret = @secret, totp_enrolled_at = @now, totp_last_step = NULL,
    updated_at = @now WHERE id = @id`);
  const useStep = db.prepare(`UPDATE users SET totp_last_step = @step
    WHERE id = @id AND (totp_last_step IS NULL OR totp_last_step < @step)`);
  const clearTotp = db.prepare(`UPDATE users SET totp_secret = NULL, totp_enrolled_at = NULL, totp_last_step = NULL,
    updated_at = @now WHERE id = @id`);
  const dropCodes = db.prepare('DELETE FROM recovery_codes WHERE user_id = ?');
  const dropPasskeys = db.prepare('DELETE FROM passkeys WHERE user_id = ?');
  const unlinkSso = db.prepare('DELETE FROM sso_identities WHERE user_id = ?');
  const addCode = db.prepare('INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)');
  const useCode = db.prepare(`UPDATE recovery_codes SET used_at = @now
    WHERE user_id = @id AND code_hash = @hash AND used_at IS NULL`);
  const codesLeft = db.prepare('SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL').pluck();
  return {
    totp: (userId: number) => totp.get(userId) as { secret: string | null; lastStep: number | null } | undefined,
    /** Call inside a transaction with `replaceRecoveryCodes`. */
    enrolTotp: (userId: number, secret: string, now: string) => enrol.run({ id: userId, secret, now }),
    /** False when this step (or a later one) was already used: the code is not good twice. */
    useStep: (userId: number, step: number) => useStep.run({ id: userId, step }).changes === 1,
    replaceRecoveryCodes(userId: number, hashes: string[], now: string) {
      dropCodes.run(userId);
      for (const hash of hashes) addCode.run(userId, hash, now);
    },
    useRecoveryCode: (userId: number, hash: string, now: string) =>
      useCode.run({ id: userId, hash, now }).changes === 1,
    recoveryCodesLeft: (userId: number) => codesLeft.get(userId) as number,
    /** Removes every factor, passkeys and single sign-on links too (a lost device, an identity recreated at the
     * provider): the next sign-in asks for a new factor, or links again by verified email. */
    clear(userId: number, now: string) {
      clearTotp.run({ id: userId, now });
      dropCodes.run(userId);
      dropPasskeys.run(userId);
      unlinkSso.run(userId);
    },
  };
}

export type SecondFactorsRepo = ReturnType<typeof secondFactorsRepo>;
