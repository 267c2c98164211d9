// A real OpenID Connect provider (oidc-provider) on the loopback, so single sign-on is tested against the
// protocol itself: discovery, PKCE, signed ID tokens, with a one-field sign-in page instead of a real identity.
import { createHash, generateKeyPairSync, randomBytes, type JsonWebKey } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import Provider, { type Adapter, type AdapterPayload, type JWK } from 'oidc-provider';

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

interface IdpOptions {
  redirectUri: string;
  clientId?: string;
  clientSecret?: string;
  /**
   * Keyed by what is typed at sign-in. Anyone may sign in: an unlisted login gets a sub derived from it
   * and a verified email equal to it, as does any field a listed account leaves out.
   */
  accounts?: Record<string, { sub?: string; email_verified?: boolean; email?: string }>;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const page = (title: string, body: string) => `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title></head>
<body><main><h1>${esc(title)}</h1>${body}</main></body>
</html>`;

const signInForm = (uid: string) =>
  page(
    'Test identity provider',
    `<form method="post" action="/interaction/${esc(uid)}">
<label for="login">Email</label>
<input id="login" name="login" type="email" autocomplete="email" required>
<button type="submit">Sign in to the test provider</button>
<button type="submit" name="cancel" value="1" formnovalidate>Cancel</button>
</form>`,
  );

/** One RSA key for the whole test run: generating one takes longer than a sign-in. */
let signingKey: JWK | undefined;
function rsaKey(): JWK {
  signingKey ??= {
    ...(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as JsonWebKey),
    kid: 'test-idp',
    alg: 'RS256',
    use: 'sig',
  } as JWK;
  return signingKey;
}

/** The default in-memory adapter warns on every start; this one is as small as the flows here need. */
function mapAdapter() {
  const store = new Map<string, AdapterPayload>();
  const uids = new Map<string, string>();
  return (model: string): Adapter => ({
    async upsert(id, payload) {
      store.set(`${model}:${id}`, payload);
      if (model === 'Session' && payload.uid) uids.set(payload.uid, id);
    },
    find: async (id) => store.get(`${model}:${id}`),
    findByUid: async (uid) => store.get(`${model}:${uids.get(uid)}`),
    findByUserCode: async () => undefined,
    async consume(id) {
      const payload = store.get(`${model}:${id}`);
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id) {
      store.delete(`${model}:${id}`);
    },
    async revokeByGrantId(grantId) {
      for (const [key, payload] of store) if (payload.grantId === grantId) store.delete(key);
    },
  });
}

export async function startIdp(opts: IdpOptions): Promise<TestIdp> {
  const clientId = opts.clientId ?? 'reprise-test';
  const clientSecret = opts.clientSecret ?? randomBytes(24).toString('base64url');
  const accounts = opts.accounts ?? {};
  const subFor = (login: string) =>
    accounts[login]?.sub ?? `sub-${createHash('sha256').update(login).digest('hex').slice(0, 16)}`;
  const logins = new Map<string, string>(); // sub → what was typed to sign in

  // The issuer needs the port, so listen first and attach the app afterwards.
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    adapter: mapAdapter(),
    jwks: { keys: [rsaKey()] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        // A "web" client may register an http loopback URI for the code flow; no https needed.
        redirect_uris: [opts.redirectUri],
      },
    ],
    scopes: ['openid', 'email', 'profile'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    // v9 puts scope claims only in userinfo when an access token is issued; real providers put email in the ID token.
    conformIdTokenClaims: false,
    // v9 requires PKCE only of public clients by default.
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    // oidc-provider makes the accountId the ID token's sub, so accounts are looked up by sub.
    findAccount(_ctx, sub) {
      const login = logins.get(sub);
      if (login === undefined) return undefined;
      const account = accounts[login];
      return {
        accountId: sub,
        claims: () => ({ sub, email: account?.email ?? login, email_verified: account?.email_verified ?? true }),
      };
    },
    // No consent page: every request is granted the scopes it asks for (the documented first-party recipe).
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.account!.accountId,
      });
      grant.addOIDCScope(ctx.oidc.requestParamOIDCScopes);
      grant.addOIDCClaims(ctx.oidc.requestParamClaims);
      await grant.save();
      return grant;
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Sign-in failed', `<p>${esc(out.error)}: ${esc(out.error_description ?? '')}</p>`);
    },
  });

  const app = express();
  app.get('/interaction/:uid', async (req, res) => {
    const { uid } = await provider.interactionDetails(req, res);
    res.set('Cache-Control', 'no-store').type('html').send(signInForm(uid));
  });
  app.post('/interaction/:uid', express.urlencoded({ extended: false }), async (req, res) => {
    const login = String(req.body?.login ?? '').trim();
    if (req.body?.cancel) {
      // The client gets error=access_denied back, as from a real provider when the user says no.
      const denied = { error: 'access_denied', error_description: 'The user cancelled the sign-in' };
      await provider.interactionFinished(req, res, denied, { mergeWithLastSubmission: false });
    } else if (!login) {
      res.status(400).type('html').send(signInForm(req.params.uid));
    } else {
      const sub = subFor(login);
      logins.set(sub, login);
      await provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
    }
  });
  app.use(provider.callback());
  // Four parameters, or Express does not treat it as an error handler.
  app.use((err: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    res
      .status(err.status ?? 500)
      .type('html')
      .send(page('Sign-in failed', `<p>${esc(err.message)}</p>`));
  });
  server.on('request', app);

  return {
    issuer,
    clientId,
    clientSecret,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
