// Passkeys in Chromium with the DevTools protocol's virtual authenticator (resident keys, user verification): added
// from the account page by keyboard, then the desk opened with the passkey alone, though the account has a second
// factor that a password would need. A replayed or stale answer, a removed passkey and a disabled account are
// refused and audited; axe-core finds nothing on the pages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import {
  axeViolations,
  browserSkipReason,
  launchBrowser,
  startApp,
  tabTo,
  type Browser,
  type RunningApp,
} from '../helpers/browser.js';
import { addUser, DESK_ENV, PASSWORD } from '../helpers/desk.js';

const skip = browserSkipReason();
const EMAIL = 'passkey@reprise.test';
let app: RunningApp;
let browser: Browser;
let totp: TOTP;

before(async () => {
  if (skip) return;
  app = await startApp({ ...DESK_ENV, SECOND_FACTOR: 'required' }, { host: 'localhost' });
  browser = await launchBrowser();
  const user = await addUser(app, EMAIL);
  // The account already has an authenticator app: a password alone would lead to the code step.
  const factor = app.container.services.secondFactor;
  const secret = factor.newSecret();
  totp = new TOTP({ secret: Secret.fromBase32(secret), period: 30 });
  const codes = factor.confirm({ id: user.id, label: EMAIL }, user.id, secret, code());
  assert.ok(codes, 'the authenticator app is set up');
  app.clock.advance(30_000);
});
after(async () => {
  await browser?.close();
  await app?.stop();
});

const code = () => totp.generate({ timestamp: app.clock.now.getTime() });

async function noViolations(page: Page, what: string) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${what}:\n${violations.join('\n')}`);
}

/** A page with a virtual authenticator that holds resident keys and verifies its user (a phone's fingerprint). */
async function pageWithAuthenticator() {
  const page = await browser.context.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return page;
}

async function signInWithPasswordAndCode(page: Page) {
  await page.context().clearCookies();
  await page.goto(`${app.url}/staff/login`);
  await tabTo(page, '#email');
  await page.keyboard.type(EMAIL);
  await tabTo(page, '#password');
  await page.keyboard.type(PASSWORD);
  await Promise.all([page.waitForURL('**/staff/login/code'), page.keyboard.press('Enter')]);
  await tabTo(page, '#code'); // the field's autofocus may come after the page is there
  await page.keyboard.type(code());
  await Promise.all([page.waitForURL('**/staff/requests'), page.keyboard.press('Enter')]);
  app.clock.advance(30_000);
}

/** Presses "Sign in with a passkey" by keyboard; returns the body the form posted (the browser's answer). */
async function passkeySignIn(page: Page, expectedUrl: string): Promise<string> {
  await page.goto(`${app.url}/staff/login`);
  await page.locator('#passkey-sign-in:not([hidden])').waitFor();
  await tabTo(page, '#passkey-sign-in button');
  const posted = page.waitForRequest((r) => r.url().endsWith('/staff/login/passkey') && r.method() === 'POST');
  await Promise.all([page.waitForURL(expectedUrl), page.keyboard.press('Enter')]);
  return (await posted).postData() ?? '';
}

const rows = (sql: string, ...params: unknown[]) => app.db.prepare(sql).all(...params) as Record<string, unknown>[];

test('add a passkey, then open the desk with it alone; a replayed answer is refused', { skip }, async () => {
  const page = await pageWithAuthenticator();
  await signInWithPasswordAndCode(page);
  await page.goto(`${app.url}/staff/account`);
  await page.locator('#passkey-add:not([hidden])').waitFor();
  assert.equal(await page.locator('.passkey-unsupported').isHidden(), true, 'the "not supported" note is hidden');
  await noViolations(page, 'account page, no passkey yet');
  await tabTo(page, '#passkey-name');
  await page.keyboard.type('Work laptop');
  await tabTo(page, '#passkey-add button');
  await Promise.all([page.waitForURL('**/staff/account?done=passkey-added'), page.keyboard.press('Enter')]);
  await page.getByRole('cell', { name: 'Work laptop', exact: true }).waitFor();
  await noViolations(page, 'account page with a passkey');

  const [stored] = rows('SELECT user_id, name, counter, last_used_at FROM passkeys');
  assert.equal(stored.name, 'Work laptop');
  assert.equal(stored.last_used_at, null);
  assert.equal(rows("SELECT 1 FROM audit_log WHERE action = 'user.passkey_add'").length, 1);

  // Signed out: the passkey alone opens the desk (no password, no code), and the session says how it was opened.
  await page.context().clearCookies();
  const answer = await passkeySignIn(page, '**/staff/requests');
  assert.match(await page.locator('.desk-who').innerText(), new RegExp(EMAIL));
  await page.goto(`${app.url}/staff/account`);
  assert.match(await page.locator('tr', { hasText: 'this browser' }).innerText(), /with passkey/);
  assert.notEqual(rows('SELECT last_used_at FROM passkeys')[0].last_used_at, null);

  // The same answer sent again, in a new sign-in with its own challenge, is refused and audited.
  await page.context().clearCookies();
  await page.goto(`${app.url}/staff/login`);
  const replay = await page.evaluate(async (body) => {
    const form = document.getElementById('passkey-sign-in') as HTMLFormElement;
    const csrf = (form.querySelector('input[name="_csrf"]') as HTMLInputElement).value;
    const fresh = await fetch('/staff/login/passkey/options', {
      method: 'POST',
      body: new URLSearchParams({ _csrf: csrf }),
    });
    const replayed = new URLSearchParams(body);
    replayed.set('_csrf', csrf);
    const res = await fetch('/staff/login/passkey', { method: 'POST', body: replayed, redirect: 'manual' });
    return { options: fresh.status, status: res.status, text: await res.text() };
  }, answer);
  assert.equal(replay.options, 200);
  assert.equal(replay.status, 401);
  assert.match(replay.text, /That passkey does not open the desk/);
  const refused = rows("SELECT after_json AS after FROM audit_log WHERE action = 'sign_in.passkey_refused'");
  assert.deepEqual(JSON.parse(String(refused.at(-1)!.after)).reason, 'not_verified');

  // Without a challenge of its own (none asked for, or used up), the answer is refused as expired.
  const stale = await page.evaluate(async (body) => {
    const form = document.getElementById('passkey-sign-in') as HTMLFormElement;
    const replayed = new URLSearchParams(body);
    replayed.set('_csrf', (form.querySelector('input[name="_csrf"]') as HTMLInputElement).value);
    const res = await fetch('/staff/login/passkey', { method: 'POST', body: replayed, redirect: 'manual' });
    return res.status;
  }, answer);
  assert.equal(stale, 400);
  await page.close();
});

test('a removed passkey and a disabled account no longer open the desk', { skip }, async () => {
  const page = await pageWithAuthenticator();
  await signInWithPasswordAndCode(page);
  await page.goto(`${app.url}/staff/account`);
  await tabTo(page, '#passkey-name');
  await page.keyboard.type('Phone');
  await tabTo(page, '#passkey-add button');
  await Promise.all([page.waitForURL('**/staff/account?done=passkey-added'), page.keyboard.press('Enter')]);

  // A disabled account: its passkey is refused with the same words as any other.
  app.db.prepare('UPDATE users SET disabled_at = ? WHERE email = ?').run(new Date().toISOString(), EMAIL);
  await page.context().clearCookies();
  await passkeySignIn(page, '**/staff/login/passkey');
  assert.match(await page.locator('#error-summary').innerText(), /That passkey does not open the desk/);
  await noViolations(page, 'a refused passkey');
  app.db.prepare('UPDATE users SET disabled_at = NULL WHERE email = ?').run(EMAIL);
  const reasons = rows("SELECT after_json AS after FROM audit_log WHERE action = 'sign_in.passkey_refused'").map(
    (row) => JSON.parse(String(row.after)).reason as string,
  );
  assert.ok(reasons.includes('account_disabled'), reasons.join());

  // Removed from the account page: the authenticator still offers it, the desk no longer knows it.
  await signInWithPasswordAndCode(page);
  await page.goto(`${app.url}/staff/account`);
  const [phone] = rows("SELECT id FROM passkeys WHERE name = 'Phone'");
  await tabTo(page, `form[action="/staff/account/passkeys/${String(phone.id)}/remove"] button`);
  await Promise.all([page.waitForURL('**/staff/account?done=passkey-removed'), page.keyboard.press('Enter')]);
  assert.equal(rows("SELECT 1 FROM passkeys WHERE name = 'Phone'").length, 0);
  await page.context().clearCookies();
  await passkeySignIn(page, '**/staff/login/passkey');
  assert.match(await page.locator('#error-summary').innerText(), /That passkey does not open the desk/);
  await page.close();
});
