// Two-step sign-in in Chromium, by keyboard: set up an authenticator app from the account page (the code computed
// by the test from the key the page shows), keep the recovery codes, then sign in with the app's code and once with
// a recovery code. axe-core finds nothing on the set-up page, the recovery codes and the code step.
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
let app: RunningApp;
let browser: Browser;

before(async () => {
  if (skip) return;
  app = await startApp(DESK_ENV);
  browser = await launchBrowser();
  await addUser(app, 'keys@reprise.test');
});
after(async () => {
  await browser?.close();
  await app?.stop();
});

async function noViolations(page: Page, what: string) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${what}:\n${violations.join('\n')}`);
}

async function password(page: Page) {
  await page.goto(`${app.url}/staff/login`);
  await tabTo(page, '#email');
  await page.keyboard.type('keys@reprise.test');
  await tabTo(page, '#password');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
}

test('set up an authenticator app, then sign in with its code and with a recovery code', { skip }, async () => {
  const page = await browser.context.newPage();
  await password(page);
  await page.waitForURL('**/staff/requests');
  await page.goto(`${app.url}/staff/account`);
  await tabTo(page, 'a[href="/staff/account/authenticator"]');
  await Promise.all([page.waitForURL('**/staff/account/authenticator'), page.keyboard.press('Enter')]);
  await noViolations(page, 'set-up page');
  const key = (await page.locator('code.reference').innerText()).replace(/\s/g, '');
  const totp = new TOTP({ secret: Secret.fromBase32(key), period: 30 });
  await tabTo(page, '#code');
  await page.keyboard.type(totp.generate({ timestamp: app.clock.now.getTime() }));
  await page.keyboard.press('Enter');
  await page.locator('.recovery-codes').waitFor();
  await noViolations(page, 'recovery codes');
  const codes = await page.locator('.recovery-codes code').allInnerTexts();
  assert.equal(codes.length, 10);

  // Signed out, the password leads to the code step; the app's next code opens the desk.
  await page.context().clearCookies();
  app.clock.advance(30_000);
  await password(page);
  await page.waitForURL('**/staff/login/code');
  await noViolations(page, 'code step');
  // The field's autofocus is applied at the next rendering after load: wait for it rather than read it once.
  await page.waitForFunction(() => document.activeElement?.id === 'code', undefined, { timeout: 5_000 });
  await page.keyboard.type(totp.generate({ timestamp: app.clock.now.getTime() }));
  await Promise.all([page.waitForURL('**/staff/requests'), page.keyboard.press('Enter')]);

  // Once with a recovery code; the same code a second time is refused.
  for (const expected of ['**/staff/requests', '**/staff/login/code']) {
    await page.context().clearCookies();
    await password(page);
    await page.waitForURL('**/staff/login/code');
    await tabTo(page, '#code');
    await page.keyboard.type(codes[0]!);
    await Promise.all([page.waitForURL(expected), page.keyboard.press('Enter')]);
  }
  assert.match(await page.locator('#error-summary').innerText(), /That code is not right, or was already used/);
  await noViolations(page, 'code refused');
  await page.close();
});

test(
  'where a second factor is required, the first sign-in sets it up by keyboard before the desk',
  { skip },
  async () => {
    const required = await startApp({ ...DESK_ENV, SECOND_FACTOR: 'required' });
    try {
      await addUser(required, 'first@reprise.test');
      const page = await browser.context.newPage();
      await page.goto(`${required.url}/staff/login`);
      await tabTo(page, '#email');
      await page.keyboard.type('first@reprise.test');
      await tabTo(page, '#password');
      await page.keyboard.type(PASSWORD);
      await Promise.all([page.waitForURL('**/staff/login/enrol'), page.keyboard.press('Enter')]);
      assert.match(await page.locator('h1').innerText(), /Set up your second factor/);
      await noViolations(page, 'set-up at first sign-in');
      const key = (await page.locator('code.reference').innerText()).replace(/\s/g, '');
      await tabTo(page, '#code');
      await page.keyboard.type(
        new TOTP({ secret: Secret.fromBase32(key), period: 30 }).generate({ timestamp: required.clock.now.getTime() }),
      );
      await page.keyboard.press('Enter');
      await page.locator('.recovery-codes').waitFor();
      await tabTo(page, 'a[href="/staff/requests"]');
      await Promise.all([page.waitForURL('**/staff/requests'), page.keyboard.press('Enter')]);
      await page.close();
    } finally {
      await required.stop();
    }
  },
);
