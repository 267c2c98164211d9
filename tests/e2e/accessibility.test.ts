// axe-core audits (WCAG 2.0, 2.1 and 2.2, levels A and AA) of the pages a requester
// sees: zero violations. The browser context bypasses the CSP only so the test can
// inject axe's script; the pages themselves are served with their normal headers.
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
import { futureDate, validRequest } from '../helpers/fixtures.js';
import { addUser, DESK_ENV, PASSWORD } from '../helpers/desk.js';

const skip = browserSkipReason();
let app: RunningApp;
let browser: Browser;

before(async () => {
  if (skip) return;
  app = await startApp(DESK_ENV);
  browser = await launchBrowser({ bypassCSP: true });
});
after(async () => {
  await browser?.close();
  await app?.stop();
});

async function audit(path: string, prepare?: (page: Page) => Promise<void>, width = 1280): Promise<Page> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height: 800 });
  await page.goto(app.url + path);
  if (prepare) await prepare(page);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${path}:\n${violations.join('\n')}`);
  return page;
}

/** Creates a request through the public API; returns its confirmation page's path and its reference. */
async function createRequest(body: Record<string, unknown>): Promise<{ path: string; reference: string }> {
  const res = await fetch(`${app.url}/api/v1/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201);
  const { reference } = (await res.json()) as { reference: string };
  return { path: res.headers.get('location') as string, reference };
}
const confirmationPath = async (body: Record<string, unknown>) => (await createRequest(body)).path;

test('the empty form has no accessibility violations', { skip }, async () => {
  const page = await audit('/licensing?lang=en');
  await page.close();
});

test('the form with errors has none, and its summary is focused', { skip }, async () => {
  const page = await audit('/licensing?lang=en', async (p) => {
    await Promise.all([p.waitForNavigation(), p.locator('button.primary').press('Enter')]);
    await p.locator('#error-summary').waitFor();
  });
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary');
  await page.close();
});

test('the Arabic form, on a phone, right to left, has none', { skip }, async () => {
  const page = await audit(
    '/licensing?lang=ar',
    async (p) => {
      await p.locator('#live-quote p').waitFor();
    },
    320,
  );
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  // 320 px wide (WCAG reflow): nothing forces a horizontal scroll.
  assert.ok(
    await page.evaluate(() => document.documentElement.scrollWidth <= 320),
    'no horizontal scrolling at 320 px',
  );
  // The layout mirrors: a field's label starts at the right edge.
  const box = await page.locator('label[for="f-requester-name"]').boundingBox();
  assert.ok(box && box.x + box.width > 280, 'labels are aligned to the right');
  await page.close();
});

test('the French form with its live quote shown has none', { skip }, async () => {
  const page = await audit('/licensing?lang=fr', async (p) => {
    // Not a keyboard test (that is licensing-form.test.ts): fill fast, then audit the quote table.
    await p.fill('#f-articles-0-url', 'https://news.example/2026/story');
    await p.fill('#f-articles-0-title', 'Une histoire');
    await p.selectOption('#f-usage-medium', 'online');
    await p.check('#f-usage-territory');
    await p.selectOption('#f-usage-countries', 'FR');
    for (const q of ['translation', 'exclusive', 'commercial', 'images']) await p.check(`#f-usage-${q}-false`);
    await p.fill('#f-usage-audience', '120 000');
    await p.fill('#f-usage-startDate', futureDate(20));
    await p.fill('#f-usage-durationMonths', '6');
    await p.locator('#live-quote-breakdown .quote-table').waitFor();
  });
  assert.match(await page.locator('#live-quote .live-total').innerText(), /Total.*£/);
  await page.close();
});

test('the confirmation page, in English and in Arabic (quoted and referred), has none', { skip }, async () => {
  const quoted = await confirmationPath(validRequest());
  const referred = await confirmationPath(
    validRequest({
      locale: 'ar',
      requester: { name: 'ليلى حداد', email: 'layla@example.org' },
      usage: { ...validRequest().usage, commercial: true, images: true },
    }),
  );
  const english = await audit(quoted);
  // The footer links show the same page in another language.
  await Promise.all([english.waitForURL('**?lang=fr'), english.locator('footer a[lang=fr]').press('Enter')]);
  assert.equal(await english.getAttribute('html', 'lang'), 'fr');
  assert.match(await english.locator('h1').innerText(), /^Demande REP-/);
  await english.close();
  const page = await audit(referred);
  assert.equal(await page.getAttribute('html', 'lang'), 'ar');
  assert.match(await page.locator('.quote-reasons').innerText(), /قسم إعادة النشر/);
  await page.close();
});

test('the staff sign-in, queue, request, email and sessions pages have none', { skip }, async () => {
  const { reference } = await createRequest(
    validRequest({ message: 'Nous aimerions publier ceci la semaine prochaine.' }),
  );
  await addUser(app, 'desk@reprise.test', 'staff');
  const login = await audit('/staff/login');
  await login.fill('#email', 'desk@reprise.test');
  await login.fill('#password', PASSWORD);
  await Promise.all([login.waitForURL('**/staff/requests**'), login.locator('#password').press('Enter')]);
  await login.close();
  const page = await audit('/staff/requests');
  assert.match(await page.locator('main').innerText(), new RegExp(reference));
  await page.close();
  await (await audit(`/staff/requests/${reference}`)).close();
  await (await audit('/staff/mail')).close();
  const sessions = await audit('/staff/account');
  assert.match(await sessions.locator('main').innerText(), /\(this browser\)/);
  await sessions.close();
});

test('the API tokens page, before and after a token is made, has none', { skip }, async () => {
  await addUser(app, 'tokens@reprise.test', 'admin');
  await browser.context.clearCookies();
  const login = await audit('/staff/login');
  await login.fill('#email', 'tokens@reprise.test');
  await login.fill('#password', PASSWORD);
  await Promise.all([login.waitForURL('**/staff/requests**'), login.locator('#password').press('Enter')]);
  await login.close();
  const page = await audit('/admin/api-tokens');
  await page.locator('#token-name').fill('Accounting export');
  await Promise.all([page.waitForLoadState('load'), page.locator('#token-name').press('Enter')]);
  await page.locator('code.api-token').waitFor();
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await page.close();
});

test('the webhooks pages, with an endpoint, its delivery log and a rotated secret, have none', { skip }, async () => {
  const page = await audit('/admin/webhooks');
  await page.locator('#wh-url').fill('https://hooks.example.com/licensing');
  await Promise.all([page.waitForLoadState('load'), page.locator('#wh-url').press('Enter')]);
  // The example host does not resolve here: the refusal is the page to check.
  await page.locator('#error-summary, code.webhook-secret').first().waitFor();
  let violations = await axeViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  app.db
    .prepare(
      `INSERT INTO webhook_endpoints (url, format, events, secret, created_by, created_at)
      VALUES ('https://hooks.example.com/x', 'chat', 'request.created', 'whsec_dGVzdA==', 'test', ?)`,
    )
    .run(new Date().toISOString());
  const id = app.db.prepare('SELECT max(id) FROM webhook_endpoints').pluck().get() as number;
  await page.goto(`${app.url}/admin/webhooks/${id}`);
  violations = await axeViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  // A standard endpoint's page has the rotation form; rotating, by keyboard, shows the new secret once.
  const standard = app.db
    .prepare(
      `INSERT INTO webhook_endpoints (url, format, events, secret, created_by, created_at)
      VALUES ('https://hooks.example.com/y', 'standard', 'request.created', 'whsec_dGVzdA==', 'test', ?)`,
    )
    .run(new Date().toISOString()).lastInsertRowid;
  await page.goto(`${app.url}/admin/webhooks/${standard}`);
  violations = await axeViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await tabTo(page, 'form[action$="/rotate-secret"] button');
  await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
  await page.locator('code.webhook-secret').waitFor();
  violations = await axeViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await page.close();
});
