// Passkeys: a desk account's WebAuthn credentials, which open the desk on their own (the device holds the key and
// checks its owner by PIN or biometrics, so one passkey is two factors). Challenges are kept by the caller (the
// session) between options and answer; failures count towards the sign-in limits (sign-in.ts) and are audited.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { writeTransaction, type Db } from '../db/connection.js';
import type { AuditRepo } from '../db/repos/audit.js';
import { loginAttemptsRepo } from '../db/repos/login-attempts.js';
import type { PasskeysRepo } from '../db/repos/passkeys.js';
import type { ChallengePurpose, SignInChallengesRepo } from '../db/repos/sign-in-challenges.js';
import type { UsersRepo } from '../db/repos/users.js';
import type { Actor, User } from '../domain/accounts.js';
import { MAX_FAILURES_PER_IP, throttleKey, WINDOW_MS } from './sign-in.js';

export type PasskeySignIn =
  { kind: 'signed_in'; user: User } | { kind: 'refused'; reason: string } | { kind: 'expired' } | { kind: 'throttled' };

/** A challenge is good for this long after the browser is given it, and once. */
const CHALLENGE_MS = 5 * 60_000;

/** What the browser sends back, parsed from the form's hidden field; undefined when it is not JSON of that shape. */
function parseResponse<T extends { id: string; response: object }>(text: string): T | undefined {
  try {
    const value = JSON.parse(text) as Partial<T>;
    return typeof value?.id === 'string' && typeof value.response === 'object' && value.response
      ? (value as T)
      : undefined;
  } catch {
    return undefined;
  }
}

export function passkeyService(deps: {
  db: Db;
  passkeys: PasskeysRepo;
  challenges: SignInChallengesRepo;
  users: UsersRepo;
  audit: AuditRepo;
  clock: () => Date;
  /** The service's public address: the passkey is bound to its host name, and answers only from its origin. */
  publicBaseUrl: string;
  publisherName: string;
}) {
  const attempts = loginAttemptsRepo(deps.db);
  const base = new URL(deps.publicBaseUrl);
  const rpID = base.hostname;
  const origin = base.origin;
  /** The options' challenge is kept (5 minutes, once) before they go to the browser. */
  const remember = async <T extends { challenge: string }>(purpose: ChallengePurpose, options: Promise<T>) => {
    const ready = await options;
    deps.challenges.add(ready.challenge, purpose, deps.clock().getTime(), CHALLENGE_MS);
    return ready;
  };
  const transportsOf = (text: string | null) => (text ? (text.split(',') as AuthenticatorTransport[]) : undefined);

  return {
    list: (userId: number) => deps.passkeys.forUser(userId),
    count: (userId: number) => deps.passkeys.count(userId),

    /** Options for the browser to create a passkey for this account (its existing ones excluded). */
    registrationOptions: (user: User): Promise<PublicKeyCredentialCreationOptionsJSON> =>
      remember(
        'passkey_register',
        generateRegistrationOptions({
          rpName: `${deps.publisherName} desk`,
          rpID,
          userName: user.email,
          userID: new TextEncoder().encode(`user-${user.id}`),
          attestationType: 'none',
          excludeCredentials: deps.passkeys
            .forUser(user.id)
            .map((row) => ({ id: row.credentialId, transports: transportsOf(row.transports) })),
          authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        }),
      ),

    /** Stores the passkey the browser created, once its answer matches the challenge (used up here). */
    async register(
      actor: Actor,
      user: User,
      answer: string,
      challenge: string,
      name: string,
    ): Promise<'added' | 'refused' | 'expired'> {
      if (!deps.challenges.take(challenge, 'passkey_register', deps.clock().getTime())) return 'expired';
      const response = parseResponse<RegistrationResponseJSON>(answer);
      const refused = (reason: string) => {
        const at = deps.clock().toISOString();
        const after = { reason };
        deps.audit.record({
          actor,
          action: 'user.passkey_refused',
          subjectType: 'user',
          subjectId: user.id,
          after,
          at,
        });
        return 'refused' as const;
      };
      if (!response) return refused('malformed');
      let registrationInfo;
      try {
        ({ registrationInfo } = await verifyRegistrationResponse({
          response,
          expectedChallenge: challenge,
          expectedOrigin: origin,
          expectedRPID: rpID,
          requireUserVerification: true,
        }));
      } catch {
        return refused('not_verified');
      }
      if (!registrationInfo) return refused('not_verified');
      if (deps.passkeys.byCredential(registrationInfo.credential.id)) return refused('already_added');
      const { credential } = registrationInfo;
      writeTransaction(deps.db, () => {
        const at = deps.clock().toISOString();
        const id = deps.passkeys.add({
          userId: user.id,
          credentialId: credential.id,
          publicKey: credential.publicKey,
          counter: credential.counter,
          transports: credential.transports?.join(',') ?? null,
          name,
          createdAt: at,
        });
        const after = { passkey: id, name };
        deps.audit.record({ actor, action: 'user.passkey_add', subjectType: 'user', subjectId: user.id, after, at });
      });
      return 'added';
    },

    remove(actor: Actor, userId: number, id: number): boolean {
      return writeTransaction(deps.db, () => {
        if (!deps.passkeys.remove(userId, id)) return false;
        const at = deps.clock().toISOString();
        const after = { passkey: id };
        deps.audit.record({ actor, action: 'user.passkey_remove', subjectType: 'user', subjectId: userId, after, at });
        return true;
      });
    },

    /** Options for signing in with any passkey of this site (the browser offers the ones it holds). */
    authenticationOptions: (): Promise<PublicKeyCredentialRequestOptionsJSON> =>
      remember('passkey_sign_in', generateAuthenticationOptions({ rpID, userVerification: 'required' })),

    /** Signs in the account whose passkey answered the challenge. Refusals are audited and counted per address. */
    async signIn(answer: string, challenge: string, ip: string): Promise<PasskeySignIn> {
      const now = deps.clock();
      const at = now.toISOString();
      const address = throttleKey(ip);
      if (attempts.failuresFromIp(address, new Date(now.getTime() - WINDOW_MS).toISOString()) >= MAX_FAILURES_PER_IP) {
        const actor = { id: null, label: 'unknown' };
        deps.audit.record({ actor, action: 'sign_in.passkey_throttled', subjectType: 'user', subjectId: null, at });
        return { kind: 'throttled' };
      }
      if (!deps.challenges.take(challenge, 'passkey_sign_in', now.getTime())) return { kind: 'expired' };
      const response = parseResponse<AuthenticationResponseJSON>(answer);
      const row = response ? deps.passkeys.byCredential(response.id) : undefined;
      const user = row ? deps.users.findById(row.userId) : undefined;
      const refuse = (reason: string): PasskeySignIn => {
        // Counted for the address only: a known credential id must not let anyone lock its owner's password out.
        attempts.recordFailure('', address, at);
        const actor = user ? { id: user.id, label: user.email } : { id: null, label: 'unknown' };
        const after = { reason, passkey: row?.id ?? null };
        deps.audit.record({
          actor,
          action: 'sign_in.passkey_refused',
          subjectType: 'user',
          subjectId: user?.id ?? null,
          after,
          at,
        });
        return { kind: 'refused', reason };
      };
      if (!response || !row || !user) return refuse('unknown_passkey');
      if (user.disabledAt) return refuse('account_disabled');
      let verified;
      try {
        verified = await verifyAuthenticationResponse({
          response,
          expectedChallenge: challenge,
          expectedOrigin: origin,
          expectedRPID: rpID,
          credential: {
            id: row.credentialId,
            publicKey: new Uint8Array(row.publicKey),
            counter: row.counter,
            transports: transportsOf(row.transports),
          },
          requireUserVerification: true,
        });
      } catch (error) {
        // A counter that went backwards suggests a cloned authenticator: said so in the audit log.
        const cloned = error instanceof Error && /counter/i.test(error.message);
        return refuse(cloned ? 'counter_regression' : 'not_verified');
      }
      if (!verified.verified) return refuse('not_verified');
      deps.passkeys.recordUse(row.id, verified.authenticationInfo.newCounter, at);
      return { kind: 'signed_in', user };
    },
  };
}
