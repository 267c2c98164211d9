// Single sign-on in Chromium, by keyboard, through the whole redirect flow: the desk's "Sign in with…" link, the
// provider's own sign-in page (oidc-provider on the loopback), and back into the desk. A person the desk does not
// know is refused on the sign-in page; axe-core finds nothing on the pages, the SSO-only sign-in page included.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  axeViolations,
  browserSkipReason,
  launchBrowser,
  startApp,
  tabTo,
  type Browser,
  type RunningApp,
} from '../helpers/browser.js';
import { startIdp, type TestIdp } from '../helpers/oidc-idp.js';
import { unusedPort } from '../helpers/ports.js';
import { addUser, DESK_ENV } from '../helpers/desk.js';

const skip = browserSkipReason();
let app: RunningApp;
let idp: TestIdp;
let browser: Browser;

const ssoEnv = () => ({
  ...DESK_ENV,
  SECOND_FACTOR: 'required',
  OIDC_ISSUER: idp.issuer,
  OIDC_CLIENT_ID: idp.clientId,
  OIDC_CLIENT_SECRET: idp.clientSecret,
  OIDC_NAME: 'Newsroom ID',
});

before(async () => {
  if (skip) return;
  const port = await unusedPort();
  idp = await startIdp({ redirectUri: `http://127.0.0.1:${port}/staff/login/sso/callback` });
  app = await startApp(ssoEnv(), { port });
  browser = await launchBrowser();
  await addUser(app, 'editor@reprise.test');
});
after(async () => {
  await browser?.close();
  await app?.stop();
  await idp?.close();
});

async function noViolations(page: Page, what: string, minRulesPassed?: number) {
  const violations = await axeViolations(page, minRulesPassed);
  assert.deepEqual(violations, [], `${what}:\n${violations.join('\n')}`);
}

/** From the desk's sign-in page to the provider and back, by keyboard, as `login`. */
async function signInAt(page: Page, login: string, expectedUrl: string) {
  await page.goto(`${app.url}/staff/login?next=%2Fstaff%2Flicences`);
  await tabTo(page, 'a[href^="/staff/login/sso"]');
  await Promise.all([page.waitForURL('**/interaction/**'), page.keyboard.press('Enter')]);
  await tabTo(page, '#login');
  await page.keyboard.type(login);
  await Promise.all([page.waitForURL(expectedUrl), page.keyboard.press('Enter')]);
}

test('sign in with the organisation’s account, through the provider, into the desk', { skip }, async () => {
  const page = await browser.context.newPage();
  await page.goto(`${app.url}/staff/login`);
  assert.equal(await page.getByRole('link', { name: 'Sign in with Newsroom ID' }).count(), 1);
  await noViolations(page, 'sign-in page with single sign-on');

  await signInAt(page, 'editor@reprise.test', '**/staff/licences');
  assert.match(await page.locator('.desk-who').innerText(), /editor@reprise\.test/);
  const linked = app.db.prepare('SELECT issuer, subject FROM sso_identities').all() as { issuer: string }[];
  assert.equal(linked.length, 1);
  assert.equal(linked[0].issuer, idp.issuer);

  await page.goto(`${app.url}/staff/account`);
  assert.match(await page.locator('#h-sso + p').innerText(), /Linked to your Newsroom ID account editor@reprise\.test/);
  await noViolations(page, 'account page, linked');
  await page.close();
});

test('a person the desk does not know is refused on the sign-in page', { skip }, async () => {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  await signInAt(page, 'stranger@elsewhere.test', '**/staff/login/sso/callback**');
  assert.match(await page.locator('#error-summary').innerText(), /has no desk account/);
  assert.equal(await page.locator('.desk-who').count(), 0);
  await noViolations(page, 'a refused single sign-on');
  await page.close();
});

test('with single sign-on required, the sign-in page offers only the provider', { skip }, async () => {
  const port = await unusedPort();
  const onlySso = await startApp({ ...ssoEnv(), SSO_REQUIRED: 'true' }, { port });
  try {
    const page = await browser.context.newPage();
    await page.goto(`${onlySso.url}/staff/login`);
    assert.equal(await page.locator('input[type="password"]').count(), 0);
    assert.equal(await page.locator('#passkey-sign-in').count(), 0);
    assert.match(await page.locator('main').innerText(), /passwords and passkeys are turned off/);
    await noViolations(page, 'sign-in page, single sign-on only', 8); // a heading, a link and a line
    await page.close();
  } finally {
    await onlySso.stop();
  }
});
