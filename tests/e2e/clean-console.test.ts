// Every public page loads in Chromium without a console error or a failed request (4xx or 5xx), in English, French
// and Arabic: the form (whose live quote is asked for only once the form can be priced), the page a submission lands
// on, a request's page with the desk's quote, and the other pages a requester may open.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserSkipReason, launchBrowser, startApp, type Browser, type RunningApp } from '../helpers/browser.js';
import { futureDate, validRequest } from '../helpers/fixtures.js';
import type { Locale } from '../../src/domain/request.js';

const skip = browserSkipReason();
let app: RunningApp;
let browser: Browser;
const LOCALES: Locale[] = ['en', 'fr', 'ar'];

before(async () => {
  if (skip) return;
  app = await startApp();
  browser = await launchBrowser({ width: 375, height: 740 });
});
after(async () => {
  await browser?.close();
  await app?.stop();
});

/** A page that records every console error, script error, failed request and 4xx/5xx answer, and what was asked. */
async function watchedPage() {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  const quotes: number[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`script error: ${err.message}`));
  page.on('requestfailed', (r) => {
    // A quote the script aborts because a newer one replaced it is not a failure.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.url().endsWith('/api/v1/quote')) quotes.push(r.status());
    if (r.status() >= 400) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return { page, problems, quotes };
}

async function visit(path: string): Promise<string[]> {
  const { page, problems } = await watchedPage();
  await page.goto(app.url + path);
  await page.waitForLoadState('networkidle');
  await page.close();
  return problems;
}

/** A request made through the API: the path of its page, and its reference. */
async function createRequest(locale: Locale) {
  const res = await fetch(`${app.url}/api/v1/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(validRequest({ locale })),
  });
  assert.equal(res.status, 201);
  const { reference } = (await res.json()) as { reference: string };
  return { path: res.headers.get('location') as string, reference };
}

for (const locale of LOCALES) {
  test(`the form in ${locale} loads without a console error or a request to the quote`, { skip }, async () => {
    const { page, problems, quotes } = await watchedPage();
    await page.goto(`${app.url}/licensing?lang=${locale}`);
    await page.locator('#live-quote p').waitFor(); // the script has run: it says what the fee still needs
    await page.waitForLoadState('networkidle');
    assert.deepEqual(quotes, [], 'nothing to price yet, so nothing asked');
    assert.deepEqual(problems, []);
    // With the footer link's article filled in, there is still nothing to price.
    assert.deepEqual(await visit(`/licensing?lang=${locale}&url=https://news.example/a&title=A%20story`), []);
    await page.close();
  });
}

test('filling the form asks for the quote only when it can be priced, and none is refused', { skip }, async () => {
  const { page, problems, quotes } = await watchedPage();
  await page.goto(`${app.url}/licensing?lang=en`);
  const incomplete = () =>
    page.waitForFunction(() => /Fill in/.test(document.getElementById('live-quote')!.textContent!));
  await page.fill('#f-requester-name', 'Ada Lovelace');
  await page.fill('#f-requester-email', 'ada@example.org');
  await page.fill('#f-organisation-name', 'Daily Planet');
  await page.selectOption('#f-organisation-type', 'newspaper');
  await page.selectOption('#f-organisation-country', 'GB');
  await page.check('#f-organisation-nonProfit-false');
  await page.fill('#f-articles-0-url', 'news.example/2026/story'); // no scheme yet: not an address the quote takes
  await page.fill('#f-articles-0-title', 'A story worth telling');
  await page.selectOption('#f-usage-medium', 'online');
  await page.check('#f-usage-territory');
  await page.selectOption('#f-usage-countries', ['GB', 'FR']); // two countries for "one country"
  for (const q of ['translation', 'exclusive', 'commercial', 'images']) await page.check(`#f-usage-${q}-false`);
  await page.fill('#f-usage-audience', '50 000');
  await page.fill('#f-usage-startDate', futureDate(-10)); // in the past
  await page.fill('#f-usage-durationMonths', '12');
  await page.waitForTimeout(600); // longer than the script waits after the last change
  await incomplete();
  assert.deepEqual(quotes, [], 'three answers the quote would refuse: nothing asked');

  await page.fill('#f-articles-0-url', 'https://news.example/2026/story');
  await page.selectOption('#f-usage-countries', ['GB']);
  await page.fill('#f-usage-startDate', futureDate(20));
  await page.locator('#live-quote .live-total').waitFor();
  // Details the fee does not depend on change nothing and ask nothing.
  const asked = quotes.length;
  await page.fill('#f-requester-name', 'Ada King');
  await page.fill('#f-requester-email', 'not an address');
  await page.waitForTimeout(600);
  assert.equal(quotes.length, asked, 'the fee does not depend on who asks');
  await page.fill('#f-requester-email', 'ada@example.org');
  // An answer emptied again: the box says what is missing, without asking.
  await page.fill('#f-usage-durationMonths', '');
  await incomplete();
  await page.fill('#f-usage-durationMonths', '121');
  await page.waitForTimeout(600);
  await incomplete();
  assert.equal(quotes.length, asked);
  await page.fill('#f-usage-durationMonths', '12');
  await page.locator('#live-quote .live-total').waitFor();
  assert.ok(
    quotes.every((status) => status === 200),
    quotes.join(' '),
  );

  // Sent: the page it lands on is clean too.
  await page.check('#f-consent');
  await Promise.all([page.waitForURL('**/licensing/requests/*'), page.locator('button.primary').click()]);
  await page.waitForLoadState('networkidle');
  assert.match(await page.locator('h1').innerText(), /^Request REP-\d{4}-\d{6} received$/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the pages a submission lands on and a quoted request’s page, in each language', { skip }, async () => {
  const staff = { id: null, label: 'console-test' };
  for (const locale of LOCALES) {
    const landed = await createRequest(locale);
    assert.deepEqual(await visit(landed.path), [], `${locale}: the page a submission lands on`);
    const quoted = await createRequest(locale);
    const id = app.db.prepare('SELECT id FROM requests WHERE reference = ?').pluck().get(quoted.reference) as number;
    app.container.services.deskRequests.startReview(staff, id);
    app.container.services.deskRequests.sendQuote(staff, id, {
      finalFeeMinor: 45000,
      feeReason: 'Agreed by phone',
      validUntil: '2099-01-31',
    });
    assert.deepEqual(await visit(quoted.path), [], `${locale}: a request with the desk's quote`);
  }
});

test(
  'the conditions, the privacy notice, the lost link and the licence check, in each language',
  { skip },
  async () => {
    for (const locale of LOCALES) {
      for (const path of ['/licensing/conditions', '/licensing/privacy', '/licensing/requests', '/licences/verify']) {
        assert.deepEqual(await visit(`${path}?lang=${locale}`), [], `${path} in ${locale}`);
      }
    }
  },
);

// Browsers ask for /favicon.ico on their own, outside the page's requests: it must answer too.
test('the icons a browser asks for are there', { skip }, async () => {
  const page: Page = await browser.context.newPage();
  for (const path of ['/favicon.ico', '/assets/icons/favicon.svg']) {
    const res = await page.goto(app.url + path);
    assert.equal(res?.status(), 200, path);
  }
  await page.close();
});
