// Single sign-on against a real OpenID Connect provider (oidc-provider on the loopback), walked over HTTP with a
// cookie jar: a desk account added by an admin is linked by its verified email and then by issuer and subject; an
// unknown person, an unverified email, a disabled account, a tampered state or nonce, an answer nobody started and
// a cancelled sign-in get no session and an audit entry; SSO_REQUIRED refuses passwords and passkeys; a provider
// that cannot be reached is a 503 with Retry-After.
import { after, before, test } from 'node:test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Secret, TOTP } from 'otpauth';
import assert from 'node:assert/strict';
import { startApp, type RunningApp } from '../helpers/browser.js';
import { startIdp, type TestIdp } from '../helpers/oidc-idp.js';
import { CookieWalker } from '../helpers/cookie-walk.js';
import { unusedPort } from '../helpers/ports.js';
import { addUser, csrfFrom, DESK_ENV, PASSWORD } from '../helpers/desk.js';

const CALLBACK = '/staff/login/sso/callback';
let app: RunningApp;
let idp: TestIdp;

before(async () => {
  const port = await unusedPort();
  idp = await startIdp({
    redirectUri: `http://127.0.0.1:${port}${CALLBACK}`,
    accounts: {
      'linked@reprise.test': { sub: 'person-1' },
      // The same person later, with a new address at the provider.
      'renamed@newsroom.test': { sub: 'person-1', email: 'renamed@newsroom.test' },
      'unverified@reprise.test': { email_verified: false },
      // Someone else at the provider claiming an address already linked to person-1's account.
      'impostor@reprise.test': { sub: 'person-2', email: 'linked@reprise.test' },
    },
  });
  app = await startApp(
    {
      ...DESK_ENV,
      SECOND_FACTOR: 'required',
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
      OIDC_NAME: 'Newsroom ID',
    },
    { port },
  );
  for (const email of ['linked@reprise.test', 'unverified@reprise.test', 'disabled@reprise.test']) {
    await addUser(app, email);
  }
  app.db
    .prepare('UPDATE users SET disabled_at = ? WHERE email = ?')
    .run(new Date().toISOString(), 'disabled@reprise.test');
});
after(async () => {
  await app?.stop();
  await idp?.close();
});

const rows = (sql: string, ...params: unknown[]) => app.db.prepare(sql).all(...params) as Record<string, unknown>[];
const lastRefusal = () => {
  const [row] = rows("SELECT after_json FROM audit_log WHERE action = 'sign_in.sso_refused' ORDER BY id DESC LIMIT 1");
  return JSON.parse(String(row.after_json)) as { reason: string; email: string | null; detail?: string };
};
const isCallback = (url: URL) => url.pathname === CALLBACK;

/** From the sign-in page's button to the provider's form, signed in there as `login`, up to the app's callback. */
async function toCallback(walker: CookieWalker, login: string) {
  const form = await walker.get(`${app.url}/staff/login/sso`);
  assert.match(form.url, /\/interaction\//, 'the browser is at the provider');
  const back = await walker.postForm(form.url, { login }, { stopBefore: isCallback });
  assert.ok(back.next, 'the provider sends the browser back');
  return new URL(back.next);
}

/** Signs in at the provider as `login` and follows the answer into the desk; returns the last page. */
async function ssoSignIn(walker: CookieWalker, login: string) {
  const callback = await toCallback(walker, login);
  return walker.get(callback);
}

test('the sign-in page offers the provider, and a linked person opens the desk with no code of its own', async () => {
  const walker = new CookieWalker();
  const page = await walker.get(`${app.url}/staff/login`);
  assert.match(
    await page.response.text(),
    /<a class="button-link" href="\/staff\/login\/sso">Sign in with Newsroom ID<\/a>/,
  );

  // The authorization request carries PKCE (S256), state and nonce, to the discovered endpoint.
  const start = await walker.get(`${app.url}/staff/login/sso?next=/staff/licences`, { maxHops: 0 });
  const authorize = new URL(start.next!);
  assert.equal(authorize.origin, idp.issuer);
  assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
  for (const name of ['code_challenge', 'state', 'nonce']) assert.ok(authorize.searchParams.get(name), name);
  assert.equal(authorize.searchParams.get('scope'), 'openid email profile');
  assert.equal(authorize.searchParams.get('redirect_uri'), `${app.url}${CALLBACK}`);

  const form = await walker.get(authorize);
  const back = await walker.postForm(form.url, { login: 'linked@reprise.test' }, { stopBefore: isCallback });
  const desk = await walker.get(back.next!);
  assert.equal(desk.url, `${app.url}/staff/licences`, 'on to the page asked for, with no code step');
  assert.equal(desk.response.status, 200);
  assert.match(await desk.response.text(), /linked@reprise\.test/);

  const [identity] = rows(
    'SELECT u.email, i.issuer, i.subject, i.email AS claimed FROM sso_identities i JOIN users u ON u.id = i.user_id',
  );
  assert.deepEqual(identity, {
    email: 'linked@reprise.test',
    issuer: idp.issuer,
    subject: 'person-1',
    claimed: 'linked@reprise.test',
  });
  assert.equal(rows("SELECT 1 FROM audit_log WHERE action = 'user.sso_link'").length, 1);
  const account = await walker.get(`${app.url}/staff/account`);
  const text = await account.response.text();
  assert.match(text, /Linked to your Newsroom ID account <strong>linked@reprise\.test<\/strong>/);
  assert.match(text, /with single sign-on/);
});

test('once linked, the subject decides: a new address at the provider still opens the same account', async () => {
  const walker = new CookieWalker();
  const desk = await ssoSignIn(walker, 'renamed@newsroom.test');
  assert.equal(desk.url, `${app.url}/staff/requests`);
  assert.match(await desk.response.text(), /linked@reprise\.test/, 'signed in as the linked desk account');
  assert.equal(rows('SELECT email FROM sso_identities')[0].email, 'renamed@newsroom.test');
  assert.equal(rows('SELECT COUNT(*) AS n FROM users')[0].n, 3, 'no account made');
});

test('an unknown person, an unverified email, a disabled account and an impostor get no session', async () => {
  const cases: [string, string, RegExp][] = [
    ['stranger@elsewhere.test', 'unknown_person', /Your Newsroom ID address has no desk account/],
    ['unverified@reprise.test', 'email_not_verified', /has not verified your email address/],
    ['disabled@reprise.test', 'account_disabled', /Your desk account is disabled/],
    ['impostor@reprise.test', 'linked_elsewhere', /already linked to another Newsroom ID identity/],
  ];
  for (const [login, reason, message] of cases) {
    const walker = new CookieWalker();
    const page = await ssoSignIn(walker, login);
    assert.equal(page.response.status, 403, login);
    assert.match(await page.response.text(), message);
    assert.equal(lastRefusal().reason, reason, login);
    const desk = await walker.get(`${app.url}/staff/requests`, { maxHops: 0 });
    assert.equal(desk.response.status, 303, `${login}: the desk still asks for a sign-in`);
  }
  assert.equal(rows("SELECT 1 FROM users WHERE email = 'stranger@elsewhere.test'").length, 0);
  assert.equal(rows('SELECT COUNT(*) AS n FROM sso_identities')[0].n, 1, 'nothing new linked');
});

test('a tampered state or nonce, an answer nobody started and a cancelled sign-in are refused', async () => {
  // state: the provider's answer with another state than the one this browser was given.
  let walker = new CookieWalker();
  const answer = await toCallback(walker, 'linked@reprise.test');
  answer.searchParams.set('state', 'forged-state');
  let page = await walker.get(answer);
  assert.equal(page.response.status, 403);
  assert.match(await page.response.text(), /could not be checked/);
  assert.equal(lastRefusal().reason, 'invalid_answer');
  assert.match(lastRefusal().detail ?? '', /OAUTH_INVALID_RESPONSE/);

  // nonce: the request to the provider altered, so the ID token carries a nonce the app never issued.
  walker = new CookieWalker();
  const start = await walker.get(`${app.url}/staff/login/sso`, { maxHops: 0 });
  const authorize = new URL(start.next!);
  authorize.searchParams.set('nonce', 'forged-nonce');
  const form = await walker.get(authorize);
  const back = await walker.postForm(form.url, { login: 'linked@reprise.test' }, { stopBefore: isCallback });
  page = await walker.get(back.next!);
  assert.equal(page.response.status, 403);
  assert.equal(lastRefusal().reason, 'invalid_answer');
  assert.match(lastRefusal().detail ?? '', /OAUTH_JWT_CLAIM_COMPARISON_FAILED/);

  // An answer carried to another browser (a login CSRF): no sign-in was started there.
  walker = new CookieWalker();
  const stolen = await toCallback(walker, 'linked@reprise.test');
  page = await new CookieWalker().get(stolen);
  assert.equal(page.response.status, 400);
  assert.match(await page.response.text(), /had expired or was started in another browser/);
  assert.equal(lastRefusal().reason, 'not_started');
  // …and the same answer used once is not good twice.
  await walker.get(stolen);
  page = await walker.get(stolen);
  assert.equal(page.response.status, 400);

  // Cancelled at the provider.
  walker = new CookieWalker();
  const cancelForm = await walker.get(`${app.url}/staff/login/sso`);
  page = await walker.postForm(cancelForm.url, { login: '', cancel: '1' });
  assert.equal(page.response.status, 403);
  assert.match(await page.response.text(), /Newsroom ID did not sign you in/);
  assert.equal(lastRefusal().reason, 'provider_error');
});

test('the same answer sent twice at once opens one session at most', async () => {
  const walker = new CookieWalker();
  const callback = await toCallback(walker, 'linked@reprise.test');
  const answers = await Promise.all([walker.get(callback, { maxHops: 0 }), walker.get(callback, { maxHops: 0 })]);
  const opened = answers.filter((walk) => walk.response.status === 303 && walk.next?.endsWith('/staff/requests'));
  assert.equal(opened.length, 1, answers.map((walk) => walk.response.status).join());
});

test('SSO_REQUIRED refuses passwords and passkeys; a provider out of reach is a 503 with Retry-After', async () => {
  const port = await unusedPort();
  const required = await startApp(
    {
      ...DESK_ENV,
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
      OIDC_NAME: 'Newsroom ID',
      SSO_REQUIRED: 'true',
    },
    { port },
  );
  const down = await startApp({
    ...DESK_ENV,
    OIDC_ISSUER: `http://127.0.0.1:${await unusedPort()}`,
    OIDC_CLIENT_ID: 'desk',
    OIDC_CLIENT_SECRET: 'secret',
  });
  try {
    await addUser(required, 'staff@reprise.test');
    const walker = new CookieWalker();
    const login = await walker.get(`${required.url}/staff/login`);
    const html = await login.response.text();
    assert.match(html, /Sign in with Newsroom ID/);
    assert.doesNotMatch(html, /name="password"|passkey-sign-in/, 'no password form, no passkey button');
    // The page has no form to take a token from: refused before any token is looked at.
    const csrf = 'none';
    const password = await walker.postForm(
      `${required.url}/staff/login`,
      { _csrf: csrf, email: 'staff@reprise.test', password: PASSWORD },
      { maxHops: 0 },
    );
    assert.equal(password.response.status, 403);
    assert.match(await password.response.text(), /Passwords are turned off/);
    const options = await walker.postForm(
      `${required.url}/staff/login/passkey/options`,
      { _csrf: csrf },
      { maxHops: 0 },
    );
    assert.equal(options.response.status, 403);

    // A session opened with a password before single sign-on was required (the same database, another start) ends.
    const before = await startApp({ ...DESK_ENV, DATABASE_PATH: required.config.databasePath });
    try {
      const opener = new CookieWalker();
      const form = await (await opener.get(`${before.url}/staff/login`)).response.text();
      const signedIn = await opener.postForm(`${before.url}/staff/login`, {
        _csrf: csrfFrom(form),
        email: 'staff@reprise.test',
        password: PASSWORD,
      });
      assert.equal(signedIn.url, `${before.url}/staff/requests`);
      const cookie = [...opener.jar.get(new URL(before.url).origin)!].map(([k, v]) => `${k}=${v}`).join('; ');
      const sessions = () =>
        required.db.prepare('SELECT COUNT(*) FROM sessions WHERE user_id IS NOT NULL').pluck().get();
      assert.equal(sessions(), 1, 'the password session is in the shared database');
      const ended = await fetch(`${required.url}/staff/requests`, { headers: { cookie }, redirect: 'manual' });
      assert.equal(ended.status, 303);
      assert.match(ended.headers.get('location') ?? '', /^\/staff\/login/);
      assert.equal(sessions(), 0, 'and it was ended, not just ignored');
    } finally {
      await before.stop();
    }

    const unreachable = await new CookieWalker().get(`${down.url}/staff/login/sso`, { maxHops: 0 });
    assert.equal(unreachable.response.status, 503);
    assert.equal(unreachable.response.headers.get('retry-after'), '60');
    assert.match(await unreachable.response.text(), /cannot be reached just now/);
  } finally {
    await required.stop();
    await down.stop();
  }
});

test('SSO_SECOND_FACTOR=desk: after the provider, the desk asks its own code before it opens', async () => {
  const port = await unusedPort();
  const ownIdp = await startIdp({ redirectUri: `http://127.0.0.1:${port}${CALLBACK}` });
  const strict = await startApp(
    {
      ...DESK_ENV,
      SECOND_FACTOR: 'required',
      OIDC_ISSUER: ownIdp.issuer,
      OIDC_CLIENT_ID: ownIdp.clientId,
      OIDC_CLIENT_SECRET: ownIdp.clientSecret,
      OIDC_NAME: 'Newsroom ID',
      SSO_SECOND_FACTOR: 'desk',
    },
    { port },
  );
  try {
    const user = await addUser(strict, 'strict@reprise.test');
    const factor = strict.container.services.secondFactor;
    const secret = factor.newSecret();
    const totp = new TOTP({ secret: Secret.fromBase32(secret), period: 30 });
    assert.ok(
      factor.confirm(
        { id: user.id, label: user.email },
        user.id,
        secret,
        totp.generate({ timestamp: strict.clock.now.getTime() }),
      ),
    );
    strict.clock.advance(30_000);

    const walker = new CookieWalker();
    const form = await walker.get(`${strict.url}/staff/login/sso`);
    const back = await walker.postForm(form.url, { login: 'strict@reprise.test' }, { stopBefore: isCallback });
    const codeStep = await walker.get(back.next!);
    assert.equal(codeStep.url, `${strict.url}/staff/login/code`);
    const desk = await walker.get(`${strict.url}/staff/requests`, { maxHops: 0 });
    assert.equal(desk.response.status, 303, 'no desk before the code');
    const page = await walker.get(`${strict.url}/staff/login/code`);
    const done = await walker.postForm(`${strict.url}/staff/login/code`, {
      _csrf: csrfFrom(await page.response.text()),
      code: totp.generate({ timestamp: strict.clock.now.getTime() }),
    });
    assert.equal(done.url, `${strict.url}/staff/requests`);
    const audit = strict.db.prepare("SELECT after_json FROM audit_log WHERE action = 'sign_in'").pluck().get();
    assert.deepEqual(JSON.parse(String(audit)), { method: 'sso' });
  } finally {
    await strict.stop();
    await ownIdp.close();
  }
});

test('a provider answering 502 is a 503 with Retry-After, not a refusal', async () => {
  const broken = http.createServer((_req, res) =>
    res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>'),
  );
  await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(broken.address() as AddressInfo).port}/realms/desk/`;
  const app502 = await startApp({
    ...DESK_ENV,
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: 'desk',
    OIDC_CLIENT_SECRET: 'secret',
  });
  try {
    assert.equal(app502.config.oidc?.issuer, issuer, 'the issuer is kept as written, its trailing slash too');
    const res = await new CookieWalker().get(`${app502.url}/staff/login/sso`, { maxHops: 0 });
    assert.equal(res.response.status, 503);
    assert.equal(res.response.headers.get('retry-after'), '60');
  } finally {
    await app502.stop();
    broken.close();
  }
});

test('without a provider configured, the single sign-on pages are not found', async () => {
  const plain = await startApp(DESK_ENV);
  try {
    const res = await new CookieWalker().get(`${plain.url}/staff/login/sso`, { maxHops: 0 });
    assert.equal(res.response.status, 404);
    assert.doesNotMatch(
      await (await new CookieWalker().get(`${plain.url}/staff/login`)).response.text(),
      /button-link/,
    );
  } finally {
    await plain.stop();
  }
});
