// Signing in to the desk. A wrong password, an unknown email and a disabled account get the same answer and
// take as long (an unknown email is checked against a decoy hash). After 5 failures for one account or 20
// from one address within 15 minutes, attempts are refused until the oldest failure leaves the window.
import { isIPv6 } from 'node:net';
import { writeTransaction, type Db } from '../db/connection.js';
import type { AuditRepo } from '../db/repos/audit.js';
import { loginAttemptsRepo } from '../db/repos/login-attempts.js';
import type { UsersRepo } from '../db/repos/users.js';
import { normaliseEmail } from '../email-address.js';
import type { User } from '../domain/accounts.js';
import { decoyHash, verifyPassword } from '../auth/password.js';

export const WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_IP = 20;
/** Failed attempts are kept a day (the address tried and the client's), then pruned. */
const KEEP_MS = 24 * 60 * 60_000;
/** scrypt runs on libuv's 4 worker threads; more than this many at once only queues. */
const MAX_CONCURRENT_VERIFICATIONS = 8;

/** The address a limit counts: IPv4 as it is, IPv6 by its /64 (a client given a whole /64 could rotate in it). */
export function throttleKey(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1];
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export type SignInOutcome = { kind: 'signed_in'; user: User } | { kind: 'refused' } | { kind: 'throttled' };

export function signInService(deps: {
  db: Db;
  users: UsersRepo;
  audit: AuditRepo;
  clock: () => Date;
  scryptLog2N: number;
}) {
  const attempts = loginAttemptsRepo(deps.db);
  let decoy: Promise<string> | undefined;
  let verifying = 0;
  const since = (now: Date, ms: number) => new Date(now.getTime() - ms).toISOString();

  return {
    async attempt(emailTyped: string, password: string, clientIp: string): Promise<SignInOutcome> {
      const email = normaliseEmail(emailTyped);
      const ip = throttleKey(clientIp);
      const now = deps.clock();
      const from = since(now, WINDOW_MS);
      const blocked =
        attempts.failuresForEmail(email, from) >= MAX_FAILURES_PER_ACCOUNT ||
        attempts.failuresFromIp(ip, from) >= MAX_FAILURES_PER_IP;
      // Busy with password checks (each costs ~128 MiB of scrypt): refuse rather than queue.
      if (blocked || verifying >= MAX_CONCURRENT_VERIFICATIONS) return { kind: 'throttled' };
      // Counted as a failure BEFORE the slow check and forgiven on success, so attempts sent
      // in parallel cannot all pass the limit while their hashes are being computed.
      const counted = attempts.recordFailure(email, ip, now.toISOString());
      attempts.pruneBefore(since(now, KEEP_MS));
      const row = email ? deps.users.findRowByEmail(email) : undefined;
      decoy ??= decoyHash(deps.scryptLog2N);
      verifying++;
      let ok: boolean;
      try {
        ok = (await verifyPassword(password, row?.password_hash ?? (await decoy))) && !!row && !row.disabled_at;
      } finally {
        verifying--;
      }
      if (!ok || !row) return { kind: 'refused' };
      attempts.takeBack(counted); // this attempt was right; earlier failures stand until the whole sign-in is done
      return { kind: 'signed_in', user: deps.users.findById(row.id)! };
    },
    /** The whole sign-in is done (password, and code where there is one): the account's failures are forgiven. A
     * right password alone forgives nothing, or wrong codes could be tried without end between passwords. */
    recordSignIn(user: User, method: 'password' | 'passkey' | 'sso') {
      const at = deps.clock().toISOString();
      writeTransaction(deps.db, () => {
        attempts.forgetEmail(user.email);
        deps.users.recordLogin(user.id, at);
        const actor = { id: user.id, label: user.email };
        deps.audit.record({ actor, action: 'sign_in', subjectType: 'user', subjectId: user.id, after: { method }, at });
      });
    },
    /** The account behind a session, re-read on every request so a disabled account or a new role applies at once. */
    findUser: (id: number) => deps.users.findById(id),
  };
}
