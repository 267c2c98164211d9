// The licence page and the public check in Chromium, in English, French and Arabic: axe-core finds nothing on the
// document, the check's form, a valid, superseded or revoked answer and a "not found", nor on the renewal form;
// the check works by keyboard without JavaScript.
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
import { validRequest } from '../helpers/fixtures.js';
import { addUser, DESK_ENV, PASSWORD } from '../helpers/desk.js';
import type { Locale } from '../../src/domain/request.js';

const skip = browserSkipReason();
let app: RunningApp;
let browser: Browser;
let noScript: Browser;
const staff = { id: null, label: 'staff-test' };

before(async () => {
  if (skip) return;
  app = await startApp(DESK_ENV);
  browser = await launchBrowser({ bypassCSP: true });
  noScript = await launchBrowser({ javaScriptEnabled: false });
});
after(async () => {
  await browser?.close();
  await noScript?.close();
  await app?.stop();
});

async function noViolations(page: Page, what: string) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${what}:\n${violations.join('\n')}`);
}

/** A request in `locale` licensed through the desk's service; returns its licence row. */
async function licensed(locale: Locale) {
  const res = await fetch(`${app.url}/api/v1/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(validRequest({ locale })),
  });
  const { reference } = (await res.json()) as { reference: string };
  const { id } = app.db.prepare('SELECT id FROM requests WHERE reference = ?').get(reference) as { id: number };
  const desk = app.container.services.deskRequests;
  desk.startReview(staff, id);
  desk.sendQuote(staff, id, { finalFeeMinor: 45000, feeReason: 'Agreed', validUntil: '2099-01-31' });
  desk.license(staff, id, {
    start: '2026-12-01',
    end: '2027-11-30',
    creditLine: 'Originally published by news.example',
    linkBack: 'https://news.example/2026/story',
  });
  return app.db.prepare('SELECT * FROM requests WHERE id = ?').get(id) as Record<string, string>;
}

for (const locale of ['en', 'fr', 'ar'] as Locale[]) {
  test(`the licence page and the public check in ${locale} have no violations`, { skip }, async () => {
    const row = await licensed(locale);
    const page = await browser.context.newPage();
    await page.goto(`${app.url}/licensing/requests/${row.access_token}/licence`);
    assert.equal(await page.getAttribute('html', 'lang'), locale);
    assert.match(await page.locator('h1').innerText(), new RegExp(row.licence_number));
    await noViolations(page, `licence page (${locale})`);

    await page.goto(`${app.url}/licences/verify?lang=${locale}`);
    await noViolations(page, `check form (${locale})`);
    const code = row.licence_code.match(/.{4}/g)!.join('-');
    await page.goto(`${app.url}/licences/verify?lang=${locale}&number=${row.licence_number}&code=${code}`);
    await page.locator('[role=status]').waitFor();
    await noViolations(page, `valid licence (${locale})`);
    await page.goto(`${app.url}/licences/verify?lang=${locale}&number=${row.licence_number}&code=${'0'.repeat(20)}`);
    await page.locator('#error-summary').waitFor();
    await noViolations(page, `not found (${locale})`);
    await page.close();
  });
}

test('the check by keyboard, without JavaScript', { skip }, async () => {
  const row = await licensed('en');
  const page = await noScript.context.newPage();
  await page.goto(`${app.url}/licences/verify`);
  await tabTo(page, '#number');
  await page.keyboard.type(row.licence_number);
  await tabTo(page, '#code');
  await page.keyboard.type(row.licence_code);
  await Promise.all([page.waitForURL('**number=*'), page.keyboard.press('Enter')]);
  assert.match(await page.locator('[role=status]').innerText(), /This licence is genuine and valid\./);
  assert.match(await page.locator('main').innerText(), /Daily Planet/);
  await page.close();
});

test('a revoked licence: the check and the document say so, without violations', { skip }, async () => {
  const row = await licensed('ar');
  app.container.services.deskRequests.revokeLicence(staff, Number(row.id), 'لم يُطبع سطر الإسناد');
  const page = await browser.context.newPage();
  const code = row.licence_code.match(/.{4}/g)!.join('-');
  await page.goto(`${app.url}/licences/verify?lang=ar&number=${row.licence_number}&code=${code}`);
  assert.match(await page.locator('[role=status]').innerText(), /تم إلغاء هذا الترخيص/);
  await noViolations(page, 'revoked licence check (ar)');
  await page.goto(`${app.url}/licensing/requests/${row.access_token}/licence`);
  assert.match(await page.locator('.notice').innerText(), /تم إلغاء هذا الترخيص/);
  await noViolations(page, 'revoked licence document (ar)');
  await page.close();
});

for (const locale of ['en', 'fr', 'ar'] as Locale[]) {
  test(
    `a corrected licence, its superseded copy and its renewal form in ${locale}: no violations`,
    { skip },
    async () => {
      const row = await licensed(locale);
      const desk = app.container.services.deskRequests;
      const terms = {
        start: '2026-12-01',
        end: '2028-05-31',
        creditLine: 'Originally published by news.example',
        linkBack: 'https://news.example/2026/story',
      };
      desk.reissueLicence(staff, Number(row.id), 1, terms, 'The end date agreed by phone.');
      const page = await browser.context.newPage();
      const oldCode = row.licence_code.match(/.{4}/g)!.join('-');
      await page.goto(`${app.url}/licences/verify?lang=${locale}&number=${row.licence_number}&code=${oldCode}`);
      await page.locator('[role=status]').waitFor();
      await noViolations(page, `superseded licence check (${locale})`);
      await page.goto(`${app.url}/licensing/requests/${row.access_token}/licence`);
      await noViolations(page, `licence version 2 (${locale})`);

      await page.goto(`${app.url}/licensing/requests/${row.access_token}/renew`);
      assert.equal(await page.getAttribute('html', 'lang'), locale);
      assert.ok((await page.locator('.panel[role=status]').innerText()).includes(row.licence_number));
      assert.equal(await page.inputValue('[name="articles[0][url]"]'), 'https://news.example/2026/story');
      assert.equal(await page.inputValue('[name="usage[startDate]"]'), '2028-06-01');
      await noViolations(page, `renewal form (${locale})`);
      await page.close();
    },
  );
}

test('the desk’s licences view has no violations, and fits a 375 px phone', { skip }, async () => {
  await licensed('fr');
  await addUser(app, 'licences@reprise.test', 'admin');
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(`${app.url}/staff/login`);
  await page.fill('#email', 'licences@reprise.test');
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL('**/staff/requests**'), page.locator('#password').press('Enter')]);
  for (const state of ['active', 'revoked']) {
    await page.goto(`${app.url}/staff/licences?state=${state}`);
    await noViolations(page, `licences (${state})`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375), `${state} fits 375 px`);
  }
  await page.close();
});
