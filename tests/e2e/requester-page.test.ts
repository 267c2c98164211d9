// The requester's page in Chromium: a quote accepted with the keyboard alone in English, French and Arabic, the
// instant licence from the page a submission lands on, a message exchange seen from both sides, every state and
// confirmation step audited by axe-core, the page working without JavaScript, and the desk's pages on a 375 px phone.
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
import { i18nFor } from '../../src/i18n/index.js';
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
  noScript = await launchBrowser({ bypassCSP: true, javaScriptEnabled: false });
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

/** A request made through the public API; returns its page's path and its reference. */
async function createRequest(body: Record<string, unknown>) {
  const res = await fetch(`${app.url}/api/v1/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201);
  const { reference } = (await res.json()) as { reference: string };
  return { path: res.headers.get('location') as string, reference };
}

const idOf = (reference: string) =>
  (app.db.prepare('SELECT id FROM requests WHERE reference = ?').get(reference) as { id: number }).id;
const statusOf = (reference: string) =>
  (app.db.prepare('SELECT status FROM requests WHERE reference = ?').get(reference) as { status: string }).status;

/** The desk quotes the request (through the same service the desk's page calls). */
function quote(reference: string, validUntil = '2099-01-31') {
  const desk = app.container.services.deskRequests;
  desk.startReview(staff, idOf(reference));
  desk.sendQuote(staff, idOf(reference), { finalFeeMinor: 45000, feeReason: 'Agreed by phone', validUntil });
}

/** Signs and presses the form's button with the keyboard only: Tab, type, Space, Enter. */
async function signWithKeyboard(page: Page, action: 'accept' | 'license-now') {
  await tabTo(page, '#signer_name');
  await page.keyboard.type('Ada Lovelace');
  await tabTo(page, '#agree');
  await page.keyboard.press('Space');
  await tabTo(page, `form[action*="/${action}"] button`);
  await Promise.all([page.waitForURL('**done=*'), page.keyboard.press('Enter')]);
}

for (const locale of ['en', 'fr', 'ar'] as Locale[]) {
  test(`a quote accepted with the keyboard alone, in ${locale}`, { skip }, async () => {
    const t = i18nFor(locale).t;
    const { path, reference } = await createRequest(validRequest({ locale }));
    quote(reference);
    const page = await browser.context.newPage();
    await page.goto(app.url + path);
    assert.equal(await page.getAttribute('html', 'lang'), locale);
    assert.equal(await page.getAttribute('html', 'dir'), locale === 'ar' ? 'rtl' : 'ltr');
    assert.equal(await page.locator('.request-status strong').innerText(), t('request.status.quoted'));
    await noViolations(page, `${locale} quoted`);
    const name = await page.locator('form[action*="/accept"] button').innerText();
    assert.ok(name.startsWith(t('request.accept.button').split(' (')[0]!), name);

    // Pressing the button without signing: the problem is announced and the page keeps its language.
    await tabTo(page, 'form[action*="/accept"] button');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.match(await page.locator('#error-summary').innerText(), new RegExp(t('request.error.signature_name')));
    await noViolations(page, `${locale} signature missing`);

    await signWithKeyboard(page, 'accept');
    assert.equal(statusOf(reference), 'accepted');
    assert.equal(await page.locator('#done').innerText(), t('request.done.accepted'));
    assert.equal(await page.locator('.request-status strong').innerText(), t('request.status.accepted'));
    assert.match(await page.locator('.timeline').innerText(), /Ada Lovelace/);
    await noViolations(page, `${locale} accepted`);
    await page.close();
  });
}

test('the instant licence from the page a submission lands on, without JavaScript', { skip }, async () => {
  const { path, reference } = await createRequest(validRequest());
  // axe needs JavaScript: the same page is audited in a browser that runs it, then used in one that does not.
  const audited = await browser.context.newPage();
  await audited.goto(app.url + path);
  await noViolations(audited, 'new request offering the licence now');
  const page = await noScript.context.newPage();
  await page.goto(app.url + path);
  assert.match(await page.locator('h1').innerText(), /received/);
  assert.equal(await page.locator('form[action*="/license-now"] button').innerText(), 'Accept and get the licence now');
  await signWithKeyboard(page, 'license-now');
  assert.equal(statusOf(reference), 'licensed');
  assert.match(await page.locator('#licence-title').innerText(), /Your licence/);
  assert.match(await page.locator('main').innerText(), new RegExp(reference.replace('REP', 'LIC')));
  await page.close();
  await audited.reload();
  await noViolations(audited, 'licensed at once');
  await audited.close();
});

test('declining and withdrawing: the confirmation steps, by keyboard, audited', { skip }, async () => {
  const quoted = await createRequest(validRequest({ locale: 'ar' }));
  quote(quoted.reference);
  const page = await browser.context.newPage();
  await page.goto(app.url + quoted.path);
  await tabTo(page, 'a[href*="/decline"]');
  await Promise.all([page.waitForURL('**/decline**'), page.keyboard.press('Enter')]);
  await noViolations(page, 'decline confirmation (ar)');
  await tabTo(page, '#reason');
  await page.keyboard.type('الميزانية تغيّرت');
  await tabTo(page, 'button.warning');
  await Promise.all([page.waitForURL('**done=declined**'), page.keyboard.press('Enter')]);
  assert.equal(statusOf(quoted.reference), 'declined');
  assert.match(await page.locator('.timeline').innerText(), /الميزانية تغيّرت/);
  await noViolations(page, 'declined (ar)');

  const fresh = await createRequest(validRequest({ locale: 'fr' }));
  await page.goto(`${app.url}${fresh.path}/withdraw`);
  await noViolations(page, 'withdraw confirmation (fr)');
  await tabTo(page, 'button.warning');
  await Promise.all([page.waitForURL('**done=withdrawn**'), page.keyboard.press('Enter')]);
  assert.equal(statusOf(fresh.reference), 'withdrawn');
  await page.close();
});

test('an expired quote and the lost-link page have no violations', { skip }, async () => {
  const { path, reference } = await createRequest(validRequest());
  quote(reference, app.clock.now.toISOString().slice(0, 10));
  app.clock.advance(2 * 86_400_000);
  try {
    const page = await browser.context.newPage();
    await page.goto(app.url + path);
    assert.match(await page.locator('.notice').innerText(), /This quote expired on/);
    await noViolations(page, 'expired quote');
    await page.goto(`${app.url}/licensing/requests?lang=ar`);
    await noViolations(page, 'lost link (ar)');
    await tabTo(page, '#email');
    await page.keyboard.type('ada@example.org');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.match(await page.locator('[role=status]').innerText(), /ada@example\.org/);
    await noViolations(page, 'lost link sent (ar)');
    await page.close();
  } finally {
    app.clock.advance(-2 * 86_400_000);
  }
});

test('the page in review, withdrawn by the desk and closed as spam has no violations', { skip }, async () => {
  const desk = app.container.services.deskRequests;
  const page = await browser.context.newPage();
  const moves: [string, (id: number) => void][] = [
    ['in_review', (id) => desk.startReview(staff, id)],
    ['withdrawn', (id) => desk.withdraw(staff, id, 'Asked by phone')],
    ['spam', (id) => desk.markSpam(staff, id)],
  ];
  for (const [status, move] of moves) {
    const { path, reference } = await createRequest(validRequest({ locale: 'ar' }));
    move(idOf(reference));
    assert.equal(statusOf(reference), status);
    await page.goto(app.url + path);
    assert.equal(await page.locator('.request-status strong').innerText(), i18nFor('ar').t(`request.status.${status}`));
    await noViolations(page, `${status} (ar)`);
  }
  await page.close();
});

test('a message exchange seen from both sides; the desk pages fit a 375 px phone', { skip }, async () => {
  const { path, reference } = await createRequest(validRequest({ locale: 'fr' }));
  const requester = await browser.context.newPage();
  await requester.goto(app.url + path);
  await tabTo(requester, '#message');
  await requester.keyboard.type('Pouvons-nous publier lundi ?');
  await tabTo(requester, 'form[action*="/messages"] button');
  await Promise.all([requester.waitForURL('**done=message**'), requester.keyboard.press('Enter')]);
  await noViolations(requester, 'message sent (fr)');

  await addUser(app, 'phone@reprise.test', 'admin');
  const desk = await browser.context.newPage();
  await desk.setViewportSize({ width: 375, height: 800 });
  await desk.goto(`${app.url}/staff/login`);
  await desk.fill('#email', 'phone@reprise.test');
  await desk.fill('#password', PASSWORD);
  await Promise.all([desk.waitForURL('**/staff/requests**'), desk.locator('#password').press('Enter')]);
  await desk.goto(`${app.url}/staff/requests/${reference}`);
  assert.match(await desk.locator('#messages').innerText(), /Pouvons-nous publier lundi/);
  await noViolations(desk, 'desk request page with messages');
  await desk.fill('#reply', 'Oui, lundi convient.');
  await Promise.all([desk.waitForURL('**done=reply**'), desk.locator('#messages button').press('Enter')]);
  await requester.goto(app.url + path);
  const thread = await requester.locator('.thread').innerText();
  assert.ok(thread.indexOf('Pouvons-nous') < thread.indexOf('Oui, lundi convient.'), thread);

  for (const page of [
    '/staff/requests',
    `/staff/requests/${reference}`,
    '/staff/mail',
    '/admin/users',
    '/admin/export',
    '/admin/erase',
    '/admin/rate-card',
  ]) {
    await desk.goto(app.url + page);
    const width = await desk.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `${page} is ${width} px wide on a 375 px screen`);
  }
  await desk.close();
  await requester.close();
});
