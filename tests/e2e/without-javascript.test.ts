// With JavaScript off the form still does everything: the error summary takes focus
// (autofocus), rows are added and removed by the server, and the request goes through.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkipReason, launchBrowser, startApp, type Browser, type RunningApp } from '../helpers/browser.js';
import { fillFormByKeyboard, pressButton, typeInto } from '../helpers/keyboard.js';
import { futureDate } from '../helpers/fixtures.js';

const skip = browserSkipReason();
let app: RunningApp;
let browser: Browser;

before(async () => {
  if (skip) return;
  app = await startApp();
  browser = await launchBrowser({ javaScriptEnabled: false });
});
after(async () => {
  await browser?.close();
  await app?.stop();
});

test(
  'without JavaScript: errors focused, a second article row added by the server, request sent',
  { skip },
  async () => {
    const page = await browser.context.newPage();
    await page.goto(`${app.url}/licensing?lang=ar&url=https://news.example/a&title=First`);
    assert.match(await page.locator('#live-quote').innerText(), /سيظهر الرسم التقديري/, 'the no-script fee message');

    await pressButton(page, 'button.primary');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary', 'autofocus, no script needed');

    await pressButton(page, '.add-article');
    assert.equal(await page.locator('.article-row').count(), 2);
    assert.equal(await page.inputValue('#f-articles-0-title'), 'First', 'row 1 kept');
    await typeInto(page, 'f-articles-1-url', 'https://news.example/b');
    await typeInto(page, 'f-articles-1-title', 'Second');

    await page.locator('#main').focus();
    await fillFormByKeyboard(page, {
      name: 'Layla Haddad',
      email: 'layla@example.org',
      organisation: 'Al Yawm',
      country: 'LB',
      articleUrl: 'https://news.example/a',
      articleTitle: 'First',
      audience: '20000',
      startDate: futureDate(30),
    });
    await pressButton(page, 'button.primary');
    assert.match(page.url(), /\/licensing\/requests\//);
    assert.equal(await page.locator('.article-list li').count(), 2);
    await page.close();
  },
);
