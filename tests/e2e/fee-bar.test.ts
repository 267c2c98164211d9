// On a 375 px phone the form is several screens long and its quote sits at the foot: with JavaScript, a bar at the
// bottom of the screen keeps the fee so far in view while the use is filled in. Checked in Chromium, in English,
// French and Arabic (right to left): shown with the quote's own figure while the usage fields have focus, never over
// the focused field, a link in the tab order that leads to the quote and lets the keyboard move on, gone once the
// quote is in view, and no axe-core violations. Without JavaScript there is no bar and the form is as it was.
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
import { futureDate } from '../helpers/fixtures.js';
import { i18nFor } from '../../src/i18n/index.js';
import type { Locale } from '../../src/domain/request.js';

const skip = browserSkipReason();
const WIDTH = 375;
const HEIGHT = 740;
let app: RunningApp;
let browser: Browser;
let noScript: Browser;

before(async () => {
  if (skip) return;
  app = await startApp();
  browser = await launchBrowser({ bypassCSP: true, width: WIDTH, height: HEIGHT });
  noScript = await launchBrowser({ javaScriptEnabled: false, width: WIDTH, height: HEIGHT });
});
after(async () => {
  await browser?.close();
  await noScript?.close();
  await app?.stop();
});

/** Everything the quote needs, filled in fast (the keyboard is tested in licensing-form.test.ts). */
async function fillUse(page: Page) {
  await page.fill('#f-articles-0-url', 'https://news.example/2026/story');
  await page.fill('#f-articles-0-title', 'A story');
  await page.selectOption('#f-usage-medium', 'online');
  await page.check('#f-usage-territory');
  await page.selectOption('#f-usage-countries', 'FR');
  for (const q of ['translation', 'exclusive', 'commercial', 'images']) await page.check(`#f-usage-${q}-false`);
  await page.fill('#f-usage-audience', '120000');
  await page.fill('#f-usage-startDate', futureDate(20));
  await page.fill('#f-usage-durationMonths', '6');
  await page.locator('#live-quote .live-total').waitFor();
}

const box = async (page: Page, selector: string) => {
  const b = await page.locator(selector).boundingBox();
  assert.ok(b, `${selector} has a box`);
  return b;
};

for (const locale of ['en', 'fr', 'ar'] as Locale[]) {
  test(`on a ${WIDTH} px phone, in ${locale}: the fee stays in view while the use is filled in`, { skip }, async () => {
    const t = i18nFor(locale).t;
    const page = await browser.context.newPage();
    page.on('pageerror', (err) => assert.fail(`script error: ${err.message}`));
    await page.goto(`${app.url}/licensing?lang=${locale}`);
    const bar = page.locator('#fee-bar');
    await page.locator('#live-quote p').waitFor();
    assert.equal(await bar.isVisible(), false, 'no bar before there is a fee');

    await fillUse(page);
    const fee = await page.locator('#live-quote .live-total strong').innerText();
    // Back to the articles, then through the use by keyboard, as a reader checking their answers would.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('#f-articles-0-title').focus();
    for (const field of ['#f-usage-medium', '#f-usage-audience', '#f-usage-durationMonths', '#f-usage-images-false']) {
      await tabTo(page, field);
      assert.equal(await bar.isVisible(), true, `the bar is shown while ${field} has focus`);
      const barBox = await box(page, '#fee-bar');
      assert.ok(Math.abs(barBox.y + barBox.height - HEIGHT) < 1, 'at the foot of the screen');
      assert.ok(barBox.height < 100, `compact: ${barBox.height} px`);
      const focused = await box(page, field);
      assert.ok(focused.y >= 0 && focused.y + focused.height <= barBox.y, `${field} is not under the bar`);
    }
    assert.equal(await page.locator('#fee-bar strong').innerText(), fee, 'the bar shows the quote’s figure');
    assert.equal((await page.locator('#fee-bar-text').innerText()).replace(fee, '').trim(), t('form.feeBar.label'));
    assert.ok(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      'no sideways scroll',
    );
    if (locale === 'ar') {
      const text = await box(page, '#fee-bar-text');
      const link = await box(page, '#fee-bar a');
      assert.ok(text.x + text.width > WIDTH - 24, 'right to left: the fee starts at the right edge');
      assert.ok(link.x < text.x, 'and the link follows it, to its left');
    }
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], violations.join('\n'));

    // A new figure reaches the bar as it reaches the quote.
    await page.locator('#f-usage-audience').focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('5000000');
    await page.waitForFunction((before) => document.querySelector('#fee-bar strong')?.textContent !== before, fee);
    assert.equal(
      await page.locator('#fee-bar strong').innerText(),
      await page.locator('#live-quote .live-total strong').innerText(),
    );

    // The bar's link is the next stop after the use: it leads on, back, and to the quote, with focus.
    await tabTo(page, '#f-usage-images-false');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.closest('#fee-bar') !== null), true);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-message', 'no trap: on to the next field');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'live-quote-title');
    await page.waitForFunction(() => document.getElementById('fee-bar')!.hidden);
    const title = await box(page, '#live-quote-title');
    assert.ok(title.y >= 0 && title.y < HEIGHT / 2, 'the quote is in view, and the bar has stepped aside');

    // Up the form again, the bar returns; at the button, below the quote, it is gone.
    await page.locator('#f-usage-audience').focus();
    await bar.waitFor();
    await tabTo(page, 'button.primary');
    await page.waitForFunction(() => document.getElementById('fee-bar')!.hidden);
    const button = await box(page, 'button.primary');
    assert.ok(button.y + button.height <= HEIGHT, 'the button is in view, uncovered');
    await page.close();
  });
}

test('without JavaScript there is no bar, and the quote stays where it was', { skip }, async () => {
  const page = await noScript.context.newPage();
  await page.goto(`${app.url}/licensing?lang=fr`);
  assert.equal(await page.locator('#fee-bar').isVisible(), false);
  assert.match(await page.locator('#live-quote').innerText(), /s’affichera dès l’envoi/);
  const order = await page.evaluate(() => {
    const form = document.getElementById('licensing-form')!;
    return [...form.querySelectorAll('.section > legend h2, .live-quote h2, button.primary')].map((n) => n.tagName);
  });
  assert.deepEqual(order.slice(-2), ['H2', 'BUTTON'], 'the quote, then the button, at the foot of the form');
  await page.close();
});
