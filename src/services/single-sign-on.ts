// Single sign-on through an OpenID Connect provider (openid-client): the authorization code flow with PKCE, state
// and nonce; the ID token's issuer, audience, expiry and signature checked by the library. A person is matched by
// issuer and subject once linked; the first time, by a verified email an admin has already given a desk account.
// Nobody gets an account from the provider, and every refusal is audited.
import * as oidc from 'openid-client';
import { writeTransaction, type Db } from '../db/connection.js';
import type { AuditRepo } from '../db/repos/audit.js';
import type { SsoIdentitiesRepo } from '../db/repos/sso-identities.js';
import type { SignInChallengesRepo } from '../db/repos/sign-in-challenges.js';
import type { UsersRepo } from '../db/repos/users.js';
import type { User } from '../domain/accounts.js';
import { normaliseEmail } from '../email-address.js';

const SSO_CALLBACK_PATH = '/staff/login/sso/callback';
const SCOPE = 'openid email profile';
/** Seconds the provider has to answer each request before the sign-in is given up as unreachable. */
const TIMEOUT_S = 10;
/** From the redirect to the provider to its answer: past this, the sign-in starts again. */
const PENDING_MS = 10 * 60_000;

/** What the session keeps between the redirect to the provider and its answer. */
export interface SsoPending {
  state: string;
  nonce: string;
  verifier: string;
}

export type SsoRefusal =
  | 'unknown_person'
  | 'email_not_verified'
  | 'no_email'
  | 'account_disabled'
  | 'linked_elsewhere'
  /** The provider said no (the person cancelled, or is not allowed to use the desk there). */
  | 'provider_error'
  /** The answer failed a check: state, nonce, PKCE, the ID token's signature, issuer, audience or expiry. */
  | 'invalid_answer'
  /** An answer arrived with no sign-in started in this browser (expired, or sent from elsewhere). */
  | 'not_started';
export type SsoOutcome = { kind: 'signed_in'; user: User } | { kind: 'refused'; reason: SsoRefusal; email?: string };

/** The provider could not be reached or answered with a server error: worth trying again later. */
export class ProviderUnavailable extends Error {}

const isLoopback = (url: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);

/** A network failure, a time-out or a server error at the provider (somewhere in the error's causes). */
function isNetworkFailure(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e instanceof TypeError || e.name === 'TimeoutError' || e.name === 'AbortError') return true;
    if ((e as { code?: string }).code === 'OAUTH_TIMEOUT') return true;
    // openid-client reports a 5xx as a non-conforming answer whose cause is the Response itself.
    const cause = e.cause as { status?: unknown } | undefined;
    if (
      e instanceof oidc.ResponseBodyError ? e.status >= 500 : typeof cause?.status === 'number' && cause.status >= 500
    ) {
      return true;
    }
  }
  return false;
}

export function singleSignOnService(deps: {
  db: Db;
  users: UsersRepo;
  identities: SsoIdentitiesRepo;
  challenges: SignInChallengesRepo;
  audit: AuditRepo;
  clock: () => Date;
  provider: { issuer: string; clientId: string; clientSecret: string };
  publicBaseUrl: string;
}) {
  const redirectUri = `${deps.publicBaseUrl}${SSO_CALLBACK_PATH}`;
  let configuration: Promise<oidc.Configuration> | undefined;

  /** The provider's metadata and keys, discovered once; a failed discovery is tried again at the next sign-in. */
  const provider = () => {
    configuration ??= discover().catch((error: unknown) => {
      configuration = undefined;
      throw new ProviderUnavailable('discovery failed', { cause: error });
    });
    return configuration;
  };
  const discover = async () => {
    const issuer = new URL(deps.provider.issuer);
    // Plain http only for a provider on this machine (a test's); anywhere else openid-client insists on https.
    const execute = issuer.protocol === 'http:' && isLoopback(issuer) ? [oidc.allowInsecureRequests] : [];
    const found = await oidc.discovery(
      issuer,
      deps.provider.clientId,
      undefined,
      oidc.ClientSecretBasic(deps.provider.clientSecret),
      { execute, timeout: TIMEOUT_S },
    );
    const methods = found.serverMetadata().token_endpoint_auth_methods_supported;
    if (!methods || methods.includes('client_secret_basic')) return found;
    // A provider that takes the secret only in the body.
    const post = new oidc.Configuration(
      found.serverMetadata(),
      deps.provider.clientId,
      undefined,
      oidc.ClientSecretPost(deps.provider.clientSecret),
    );
    execute.forEach((option) => option(post));
    post.timeout = TIMEOUT_S;
    return post;
  };

  const refuse = (
    reason: SsoRefusal,
    claims: { sub?: string; email?: string; detail?: string },
    user?: User,
  ): SsoOutcome => {
    const at = deps.clock().toISOString();
    const actor = user ? { id: user.id, label: user.email } : { id: null, label: 'unknown' };
    const after = {
      reason,
      issuer: deps.provider.issuer,
      subject: claims.sub ?? null,
      email: claims.email ?? null,
      ...(claims.detail ? { detail: claims.detail } : {}),
    };
    deps.audit.record({
      actor,
      action: 'sign_in.sso_refused',
      subjectType: 'user',
      subjectId: user?.id ?? null,
      after,
      at,
    });
    return { kind: 'refused', reason, email: claims.email };
  };

  /** The account for these claims: linked already, or linked now by a verified email an admin has added. */
  const accountFor = (claims: { sub: string; email?: string; verified: boolean }): SsoOutcome => {
    const issuer = deps.provider.issuer;
    const at = deps.clock().toISOString();
    return writeTransaction(deps.db, () => {
      const linked = deps.identities.find(issuer, claims.sub);
      if (linked) {
        const user = deps.users.findById(linked.userId)!;
        if (user.disabledAt) return refuse('account_disabled', claims, user);
        deps.identities.recordUse(linked.id, at, claims.email ?? linked.email);
        return { kind: 'signed_in', user } as const;
      }
      // Only plain ASCII addresses link: Unicode case folding could match a look-alike (K and the Kelvin sign).
      if (!claims.email || !/^[\x21-\x7e]+$/.test(claims.email)) return refuse('no_email', claims);
      if (!claims.verified) return refuse('email_not_verified', claims);
      const row = deps.users.findRowByEmail(claims.email);
      const user = row ? deps.users.findById(row.id) : undefined;
      if (!user) return refuse('unknown_person', claims);
      if (user.disabledAt) return refuse('account_disabled', claims, user);
      // One identity per provider and account: another person at the provider with this email takes nothing over.
      if (deps.identities.forUser(user.id).some((identity) => identity.issuer === issuer)) {
        return refuse('linked_elsewhere', claims, user);
      }
      const id = deps.identities.link({ userId: user.id, issuer, subject: claims.sub, email: claims.email, at });
      const after = { identity: id, issuer, subject: claims.sub, email: claims.email };
      deps.audit.record({
        actor: { id: user.id, label: user.email },
        action: 'user.sso_link',
        subjectType: 'user',
        subjectId: user.id,
        after,
        at,
      });
      return { kind: 'signed_in', user } as const;
    });
  };

  return {
    redirectUri,

    /** Where to send the browser, and what its return must match (kept in the session). */
    async start(): Promise<{ url: string; pending: SsoPending }> {
      const config = await provider();
      const pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier() };
      deps.challenges.add(pending.state, 'sso', deps.clock().getTime(), PENDING_MS);
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: SCOPE,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      return { url: url.href, pending };
    },

    /** The provider's answer at the callback (its query string): checked, then matched to a desk account. */
    async finish(query: string, pending: SsoPending): Promise<SsoOutcome> {
      const config = await provider();
      // Used up before the answer is checked: the same answer sent twice at once opens one session at most.
      if (!deps.challenges.take(pending.state, 'sso', deps.clock().getTime())) return refuse('not_started', {});
      let claims: { sub: string; email?: string; verified: boolean };
      try {
        const tokens = await oidc.authorizationCodeGrant(config, new URL(`${redirectUri}${query}`), {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        const idToken = tokens.claims()!;
        // Providers that keep the email out of the ID token give it at the userinfo endpoint, for the same subject.
        const info =
          typeof idToken.email === 'string'
            ? idToken
            : await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub);
        const verified = info.email_verified === true || info.email_verified === 'true' || info.xms_edov === true;
        const email = typeof info.email === 'string' ? normaliseEmail(info.email) : undefined;
        claims = { sub: idToken.sub, email, verified };
      } catch (error) {
        if (isNetworkFailure(error)) throw new ProviderUnavailable('provider unreachable', { cause: error });
        const said = error instanceof oidc.AuthorizationResponseError;
        const detail =
          error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : '';
        return refuse(said ? 'provider_error' : 'invalid_answer', { detail: detail.slice(0, 300) });
      }
      return accountFor(claims);
    },

    /** An answer at the callback with no sign-in started in this browser: refused and audited. */
    refuseUnstarted: () => refuse('not_started', {}),

    /** The provider identities linked to an account (its account page says so). */
    identitiesOf: (userId: number) => deps.identities.forUser(userId),
  };
}
