// The API reference page in Chromium: axe-core finds nothing, its contents work by keyboard, and on a 375 px phone
// the page does not scroll sideways (wide tables and examples scroll inside themselves).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  axeViolations,
  browserSkipReason,
  launchBrowser,
  startApp,
  tabTo,
  type Browser,
  type RunningApp,
} from '../helpers/browser.js';

const skip = browserSkipReason();
let app: RunningApp;
let browser: Browser;

before(async () => {
  if (skip) return;
  app = await startApp();
  browser = await launchBrowser({ width: 375, height: 800 });
});
after(async () => {
  await browser?.close();
  await app?.stop();
});

test('the API reference: no violations, contents by keyboard, no sideways scroll on a phone', { skip }, async () => {
  const page = await browser.context.newPage();
  await page.goto(`${app.url}/api/docs`);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await tabTo(page, 'a[href="#op-quote"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#op-quote');
  assert.ok(await page.locator('#op-quote').isVisible());
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  await page.close();
});
