// The second factor of a desk account: an authenticator app's one-time codes, with ten recovery codes for a lost
// phone. Enrolling stores nothing until a code proves the app holds the secret; each code is good once; wrong codes
// count towards the same limits as wrong passwords (sign-in.ts) and every refusal is audited.
import { writeTransaction, type Db } from '../db/connection.js';
import type { AuditRepo } from '../db/repos/audit.js';
import { loginAttemptsRepo } from '../db/repos/login-attempts.js';
import type { SecondFactorsRepo } from '../db/repos/second-factors.js';
import type { SqliteSessionStore } from '../db/session-store.js';
import type { Actor } from '../domain/accounts.js';
import { newRecoveryCodes, newTotpSecret, recoveryCodeHash, totpStep, totpUri } from '../auth/totp.js';
import { MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_IP, throttleKey, WINDOW_MS } from './sign-in.js';

export type CodeOutcome = 'accepted' | 'refused' | 'throttled';

export function secondFactorService(deps: {
  db: Db;
  factors: SecondFactorsRepo;
  audit: AuditRepo;
  sessions: Pick<SqliteSessionStore, 'destroyForUser'>;
  clock: () => Date;
  /** The authenticator app shows the account as "<publisher> desk". */
  publisherName: string;
}) {
  const attempts = loginAttemptsRepo(deps.db);

  return {
    hasTotp: (userId: number) => !!deps.factors.totp(userId)?.secret,
    recoveryCodesLeft: (userId: number) => deps.factors.recoveryCodesLeft(userId),

    /** A new secret, kept by the caller (the session) until a code confirms it. */
    newSecret: () => newTotpSecret(),
    /** The otpauth:// address the set-up page's QR code holds. */
    totpUri: (email: string, secret: string) => totpUri(secret, email, `${deps.publisherName} desk`),

    /** Stores the secret once `code` proves the app holds it; returns the new recovery codes (shown once). */
    confirm(actor: Actor, userId: number, secret: string, code: string): string[] | undefined {
      const now = deps.clock();
      const step = totpStep(secret, code, now);
      if (step === undefined) return undefined;
      const codes = newRecoveryCodes();
      writeTransaction(deps.db, () => {
        const at = now.toISOString();
        deps.factors.enrolTotp(userId, secret, at);
        deps.factors.useStep(userId, step);
        deps.factors.replaceRecoveryCodes(userId, codes.map(recoveryCodeHash), at);
        const after = { factor: 'totp', recoveryCodes: codes.length };
        deps.audit.record({
          actor,
          action: 'user.second_factor_enrol',
          subjectType: 'user',
          subjectId: userId,
          after,
          at,
        });
      });
      return codes;
    },

    /** A code from the app or a recovery code, for the account signing in with its password. */
    verify(user: { id: number; email: string }, typed: string, ip: string): CodeOutcome {
      const now = deps.clock();
      const at = now.toISOString();
      const from = new Date(now.getTime() - WINDOW_MS).toISOString();
      const address = throttleKey(ip);
      if (
        attempts.failuresForEmail(user.email, from) >= MAX_FAILURES_PER_ACCOUNT ||
        attempts.failuresFromIp(address, from) >= MAX_FAILURES_PER_IP
      ) {
        const actor = { id: user.id, label: user.email };
        deps.audit.record({ actor, action: 'sign_in.code_throttled', subjectType: 'user', subjectId: user.id, at });
        return 'throttled';
      }
      const totp = deps.factors.totp(user.id);
      const step = totp?.secret ? totpStep(totp.secret, typed, now) : undefined;
      const accepted = writeTransaction(deps.db, () => {
        if (step !== undefined) return deps.factors.useStep(user.id, step);
        return deps.factors.useRecoveryCode(user.id, recoveryCodeHash(typed), at);
      });
      const actor = { id: user.id, label: user.email };
      if (!accepted) {
        attempts.recordFailure(user.email, address, at);
        const after = { reason: step === undefined ? 'wrong_code' : 'code_already_used' };
        deps.audit.record({
          actor,
          action: 'sign_in.code_refused',
          subjectType: 'user',
          subjectId: user.id,
          after,
          at,
        });
        return 'refused';
      }
      if (step === undefined) {
        const after = { recoveryCodesLeft: deps.factors.recoveryCodesLeft(user.id) };
        deps.audit.record({
          actor,
          action: 'sign_in.recovery_code',
          subjectType: 'user',
          subjectId: user.id,
          after,
          at,
        });
      }
      return 'accepted';
    },

    /** A lost device: every factor removed and every session ended; the next sign-in enrols anew. */
    resetFactors(actor: Actor, userId: number) {
      writeTransaction(deps.db, () => {
        const at = deps.clock().toISOString();
        deps.factors.clear(userId, at);
        deps.sessions.destroyForUser(userId);
        deps.audit.record({ actor, action: 'user.reset_factors', subjectType: 'user', subjectId: userId, at });
      });
    },
  };
}
