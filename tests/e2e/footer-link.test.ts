// The footer link as a reader meets it: an article on the publisher's own site (another origin) with the snippet;
// the script fills the link with the article's canonical URL, og:title and language, and the form opens prefilled in
// that language. The script is small and may be loaded by other origins. The desk's link builder gives the same link
// and the HTML to paste; axe-core finds nothing on it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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
let site: http.Server;
let siteUrl: string;

const ARTICLE = 'https://news.example/2026/12/la-crue-à-paris'; // the page's canonical link, as its CMS wrote it
const TITLE = 'La crue de la Seine, jour après jour';

before(async () => {
  if (skip) return;
  app = await startApp(DESK_ENV, { host: '127.0.0.1' });
  browser = await launchBrowser();
  site = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="fr-FR"><head><meta charset="utf-8"><title>La crue | Le Journal</title>
<link rel="canonical" href="${ARTICLE}"><meta property="og:title" content="${TITLE}"></head>
<body><main><h1>La crue</h1><p>…</p>
<!-- A reader's comment cannot move the link: document.currentScript is not what the script trusts. -->
<img name="currentScript" src="https://evil.example/x.png" alt="">
<footer><a data-reprise-link href="${app.url}/licensing">Reprendre cet article</a></footer>
<script src="${app.url}/licensing/embed.js" async></script></main></body></html>`);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://localhost:${(site.address() as AddressInfo).port}/article`;
});
after(async () => {
  await browser?.close();
  await app?.stop();
  site?.close();
});

test('the snippet links the article to the form, prefilled in its language', { skip }, async () => {
  const script = await fetch(`${app.url}/licensing/embed.js`);
  assert.equal(script.headers.get('cross-origin-resource-policy'), 'cross-origin');
  assert.match(String(script.headers.get('content-type')), /javascript/);
  assert.ok((await script.arrayBuffer()).byteLength < 2048, 'under 2 kB');

  const page = await browser.context.newPage();
  await page.goto(siteUrl);
  const link = page.locator('a[data-reprise-link]');
  await page.waitForFunction(() => document.querySelector('a[data-reprise-link]')!.getAttribute('href')!.includes('?'));
  const href = new URL((await link.getAttribute('href'))!);
  assert.equal(`${href.origin}${href.pathname}`, `${app.url}/licensing`);
  assert.equal(href.searchParams.get('url'), new URL(ARTICLE).href, 'as the browser resolves it: percent-encoded');
  assert.equal(href.searchParams.get('title'), TITLE);
  assert.equal(href.searchParams.get('lang'), 'fr');

  await tabTo(page, 'a[data-reprise-link]');
  await Promise.all([page.waitForURL(`${app.url}/licensing?**`), page.keyboard.press('Enter')]);
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  assert.equal(await page.inputValue('#f-articles-0-url'), ARTICLE, 'the reader sees its letters');
  assert.equal(await page.inputValue('#f-articles-0-title'), TITLE);
  await page.close();
});

test('the desk’s link builder gives the link and the HTML, and has no violations', { skip }, async () => {
  await addUser(app, 'links@reprise.test');
  const page = await browser.context.newPage();
  await page.goto(`${app.url}/staff/login`);
  await page.fill('#email', 'links@reprise.test');
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL('**/staff/requests'), page.locator('#password').press('Enter')]);
  await page.goto(`${app.url}/staff/link-builder`);
  await tabTo(page, '#lb-url');
  await page.keyboard.type(ARTICLE);
  await tabTo(page, '#lb-title');
  await page.keyboard.type(TITLE);
  await page.selectOption('#lb-lang', 'ar');
  await Promise.all([page.waitForURL('**/staff/link-builder?**'), page.locator('#lb-title').press('Enter')]);
  const link = new URL(await page.inputValue('#lb-link'));
  assert.equal(link.searchParams.get('url'), ARTICLE);
  assert.equal(link.searchParams.get('title'), TITLE);
  assert.equal(link.searchParams.get('lang'), 'ar');
  const html = await page.inputValue('#lb-html');
  assert.ok(html.startsWith(`<p lang="ar" dir="rtl"><a href="${app.config.publicBaseUrl}/licensing?url=`), html);
  assert.match(html, /إعادة نشر هذا المقال/);
  assert.match(await page.inputValue('#lb-snippet'), /<script src="[^"]+\/licensing\/embed\.js" async><\/script>/);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await page.close();
});
