// The form in a real browser, by keyboard only, in each language: mistakes are
// reported (summary focused, fields marked), corrected, and the request reaches
// its confirmation page; the live quote follows the answers; article rows are
// added and removed by the script with names the server understands.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  browserSkipReason,
  launchBrowser,
  startApp,
  tabTo,
  type Browser,
  type RunningApp,
} from '../helpers/browser.js';
import { chooseOption, chooseRadio, fillFormByKeyboard, pressButton, typeInto } from '../helpers/keyboard.js';
import { futureDate } from '../helpers/fixtures.js';

const skip = browserSkipReason();
let app: RunningApp;
let browser: Browser;

before(async () => {
  if (skip) return;
  app = await startApp();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await app?.stop();
});

async function openPage(path: string): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (err) => assert.fail(`script error on ${path}: ${err.message}`));
  await page.goto(app.url + path);
  return page;
}
const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

const PEOPLE = {
  en: {
    name: 'Ada Lovelace',
    title: 'A story worth telling',
    url: 'https://news.example/2026/story',
    submitted: /^Request REP-\d{4}-\d{6} received$/,
  },
  fr: {
    name: 'Aurélie Dupont',
    title: 'Une histoire à raconter',
    url: 'https://journal.example/économie/2026/une-histoire-à-raconter',
    submitted: /^Demande REP-\d{4}-\d{6} reçue$/,
  },
  ar: {
    name: 'ليلى حداد',
    title: 'قصة تستحق أن تروى',
    url: 'https://akhbar.example/اقتصاد/2026/قصة-تستحق-أن-تروى',
    submitted: /^تم استلام الطلب REP-\d{4}-\d{6}$/,
  },
} as const;

for (const locale of ['en', 'fr', 'ar'] as const) {
  test(`keyboard only, in ${locale}: errors shown and linked, corrected, request confirmed`, { skip }, async () => {
    const person = PEOPLE[locale];
    const page = await openPage(`/licensing?lang=${locale}`);
    assert.equal(await page.getAttribute('html', 'lang'), locale);
    assert.equal(await page.getAttribute('html', 'dir'), locale === 'ar' ? 'rtl' : 'ltr');

    // Send it with only a name: the summary takes focus and lists what is missing.
    await typeInto(page, 'f-requester-name', person.name);
    await pressButton(page, 'button.primary');
    assert.equal(await activeId(page), 'error-summary');
    const links = await page.locator('#error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(links.includes('#f-requester-email') && links.includes('#f-usage-exclusive'), links.join(' '));
    assert.equal(await page.getAttribute('#f-requester-email', 'aria-invalid'), 'true');
    assert.match((await page.getAttribute('#f-requester-email', 'aria-describedby')) ?? '', /f-requester-email-error/);
    assert.equal(await page.inputValue('#f-requester-name'), person.name, 'what was typed is kept');

    // A summary link takes the keyboard to its field; a yes/no link lands on its first radio.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    assert.equal(await activeId(page), links[0]?.slice(1));
    await tabTo(page, '#error-summary a[href="#f-usage-exclusive"]');
    await page.keyboard.press('Enter');
    assert.equal(await activeId(page), 'f-usage-exclusive');

    await page.locator('#main').focus();
    await fillFormByKeyboard(page, {
      name: person.name,
      email: 'editor@example.org',
      organisation: 'Daily Planet',
      country: 'FR',
      articleUrl: person.url, // in French and Arabic with letters beyond ASCII, as a CMS may write them
      articleTitle: person.title,
      audience: '50000',
      startDate: futureDate(40),
    });
    // The script converts the fields as the server does: the live fee is the fee the request gets.
    await page.locator('#live-quote .live-total').waitFor();
    const liveTotal = await page.locator('#live-quote .live-total strong').innerText();
    await pressButton(page, 'button.primary');

    assert.match(page.url(), /\/licensing\/requests\/[\w-]{32}$/);
    const digits = (text: string) => text.replace(/\D/g, '');
    assert.equal(digits(await page.locator('.quote-table .total').innerText()), digits(liveTotal));
    assert.equal(await page.getAttribute('html', 'lang'), locale);
    assert.match((await page.locator('h1').innerText()).trim(), person.submitted);
    assert.match(await page.locator('.summary').innerText(), new RegExp(person.title));
    const stored = app.db.prepare('SELECT id, locale FROM requests ORDER BY id DESC LIMIT 1').get() as {
      id: number;
      locale: string;
    };
    assert.equal(stored.locale, locale);
    // Kept as the browser writes the address (ASCII), shown with its letters.
    const url = app.db.prepare('SELECT url FROM request_articles WHERE request_id = ?').pluck().get(stored.id);
    assert.equal(url, new URL(person.url).href);
    assert.ok((await page.locator('.url').allInnerTexts()).includes(person.url));
    await page.close();
  });
}

test('the language buttons switch language without JavaScript and keep what was typed', { skip }, async () => {
  const page = await openPage('/licensing?lang=en');
  await typeInto(page, 'f-requester-name', 'Ada Lovelace');
  await pressButton(page, 'button[value="lang:fr"]');
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  assert.equal(await page.inputValue('#f-requester-name'), 'Ada Lovelace');
  assert.equal(await page.locator('h1').innerText(), 'Reprendre nos articles');
  await page.close();
});

test('the live quote appears, follows the audience, and is announced politely', { skip }, async () => {
  const page = await openPage('/licensing?lang=en');
  const quote = page.locator('#live-quote');
  assert.equal(await quote.getAttribute('aria-live'), 'polite');
  await page.waitForFunction(() => /Fill in/.test(document.getElementById('live-quote')?.textContent ?? ''));

  await page.keyboard.press('Tab');
  await typeInto(page, 'f-articles-0-url', 'https://news.example/2026/story');
  await typeInto(page, 'f-articles-0-title', 'A story worth telling');
  await chooseOption(page, 'f-usage-medium', 'online');
  await chooseRadio(page, 'f-usage-territory', 0);
  await chooseOption(page, 'f-usage-countries', 'GB');
  await chooseRadio(page, 'f-usage-translation', 1);
  await typeInto(page, 'f-usage-audience', '5000');
  await tabTo(page, '#f-usage-startDate');
  const [y, m, d] = futureDate(40).split('-');
  await page.keyboard.type(`${m}${d}${y}`);
  await typeInto(page, 'f-usage-durationMonths', '12');
  await chooseRadio(page, 'f-usage-exclusive', 1);
  await chooseRadio(page, 'f-usage-commercial', 1);
  await chooseRadio(page, 'f-usage-images', 1);

  const total = page.locator('#live-quote .live-total');
  await total.waitFor();
  const small = await total.innerText();
  assert.match(small, /Total.*£[\d,]+\.\d\d/);
  assert.ok((await page.locator('#live-quote-breakdown .quote-table tbody tr').count()) >= 1, 'the breakdown is shown');

  await typeInto(page, 'f-usage-audience', '900 000');
  await page.waitForFunction((before) => {
    const now = document.querySelector('#live-quote .live-total')?.textContent ?? '';
    return now !== '' && now !== before;
  }, small);
  assert.notEqual(await total.innerText(), small, 'a larger audience changes the price');
  assert.equal(await page.locator('#live-quote table').count(), 0, 'only the short summary is in the live region');

  // Commercial use is priced by the desk: the box says so and gives the reason.
  await chooseRadio(page, 'f-usage-commercial', 0);
  await page.waitForFunction(() => /No automatic price/.test(document.getElementById('live-quote')?.textContent ?? ''));
  assert.match(await page.locator('#live-quote-breakdown .quote-reasons').innerText(), /Commercial or advertising use/);

  // A field emptied again: nothing is asked of the API, and the box asks for the missing answers.
  await typeInto(page, 'f-usage-audience', '');
  await page.waitForFunction(() => /Fill in/.test(document.getElementById('live-quote')?.textContent ?? ''));
  await page.close();
});

test('the word count is asked for only when an extract is chosen', { skip }, async () => {
  const page = await openPage('/licensing');
  const words = page.locator('#f-articles-0-extractWords');
  assert.equal(await words.isVisible(), false, 'hidden for the full text (the default)');
  await page.locator('#f-articles-0-title').focus();
  await chooseRadio(page, 'f-articles-0-portion', 1);
  assert.equal(await page.isChecked('input[name="articles[0][portion]"][value="extract"]'), true);
  assert.equal(await words.isVisible(), true, 'shown for an extract');
  await page.keyboard.press('Tab');
  assert.equal(await activeId(page), 'f-articles-0-extractWords', 'and it is the next stop for the keyboard');
  await pressButton(page, '.add-article', false);
  assert.equal(
    await page.locator('#f-articles-1-extractWords').isVisible(),
    false,
    'a new row starts with the full text',
  );
  assert.equal(await words.isVisible(), true, 'the first row keeps its extract');
  await page.close();
});

test('article rows are added and removed by keyboard, renumbered for the server', { skip }, async () => {
  const page = await openPage('/licensing?lang=fr');
  assert.equal(await page.locator('.remove-article:visible').count(), 0, 'a single row cannot be removed');
  await page.keyboard.press('Tab');
  await typeInto(page, 'f-articles-0-title', 'Premier');
  await pressButton(page, '.add-article', false);
  assert.equal(await activeId(page), 'f-articles-1-url', 'focus moves into the new row');
  await page.keyboard.type('https://news.example/b');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Deuxième');
  await pressButton(page, '.add-article', false);
  await page.keyboard.press('Tab');
  await page.keyboard.type('Troisième');

  const names = () =>
    page
      .locator('.article-row input[name$="[title]"]')
      .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).name));
  assert.deepEqual(await names(), ['articles[0][title]', 'articles[1][title]', 'articles[2][title]']);
  assert.equal(await page.isChecked('#f-articles-0-portion'), true, 'adding a row leaves row 1 choice alone');
  assert.deepEqual(await page.locator('.article-row legend:not(.field legend)').allInnerTexts(), [
    'Article 1',
    'Article 2',
    'Article 3',
  ]);

  // Remove the middle row: the third becomes the second, with names, ids and labels to match.
  await page.locator('#main').focus();
  await pressButton(page, 'button[value="remove_article:1"]', false);
  assert.equal(await activeId(page), 'f-articles-1-url', 'focus goes to the row that took its place');
  assert.equal(await page.inputValue('#f-articles-1-title'), 'Troisième');
  assert.equal(await page.getAttribute('label[for="f-articles-1-title"]', 'for'), 'f-articles-1-title');
  assert.deepEqual(await page.locator('.remove-article').allInnerTexts(), [
    'Retirer l’article 1',
    'Retirer l’article 2',
  ]);
  assert.deepEqual(await names(), ['articles[0][title]', 'articles[1][title]']);
  await page.close();
});
