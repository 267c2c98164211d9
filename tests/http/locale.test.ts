// Which language a page is in: the footer link's ?lang=, else the reader's choice
// (the form's language buttons, remembered in a cookie), else Accept-Language,
// else English. Arabic pages are right to left.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { validFormFields, validRequest } from '../helpers/fixtures.js';
import { negotiateLocale } from '../../src/i18n/index.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(() => t.close());

const htmlLang = (html: string) => /<html lang="(\w+)" dir="(\w+)">/.exec(html)?.slice(1);

test('negotiation order: query, then choice, then Accept-Language (by weight), then English', () => {
  assert.equal(negotiateLocale('fr', 'ar', 'en'), 'fr');
  assert.equal(negotiateLocale(undefined, 'ar', 'fr'), 'ar');
  assert.equal(negotiateLocale('xx', 'nope', 'de-DE, fr-CA;q=0.8, ar;q=0.9'), 'ar');
  assert.equal(negotiateLocale(undefined, undefined, 'de, es;q=0.5'), 'en');
  assert.equal(negotiateLocale(undefined, undefined, 'ar;q=0, fr;q=0.1'), 'fr');
  assert.equal(negotiateLocale(undefined, undefined, undefined), 'en');
});

test('the form follows Accept-Language, and ?lang= wins over it', async () => {
  const fr = await request(t.server).get('/licensing').set('Accept-Language', 'fr-FR,fr;q=0.9,en;q=0.5').expect(200);
  assert.deepEqual(htmlLang(fr.text), ['fr', 'ltr']);
  assert.match(fr.text, /Reprendre nos articles/);
  assert.match(fr.headers.vary ?? '', /Accept-Language/);

  const ar = await request(t.server).get('/licensing?lang=ar').set('Accept-Language', 'fr').expect(200);
  assert.deepEqual(htmlLang(ar.text), ['ar', 'rtl']);
  assert.match(ar.text, /أعيدوا نشر صحافتنا/);
});

test('a language button keeps what was typed and is remembered over Accept-Language', async () => {
  const agent = request.agent(t.server);
  const res = await agent
    .post('/licensing')
    .type('form')
    .send(validFormFields({ action: 'lang:ar', 'requester[name]': 'Ada Lovelace', consent: '' }))
    .expect(200);
  assert.deepEqual(htmlLang(res.text), ['ar', 'rtl']);
  assert.match(res.text, /value="Ada Lovelace"/);
  assert.doesNotMatch(res.text, /error-summary/, 'switching language is not a submission');
  assert.match(String(res.headers['set-cookie']), /reprise_lang=ar/);

  const later = await agent.get('/licensing').set('Accept-Language', 'fr').expect(200);
  assert.deepEqual(htmlLang(later.text), ['ar', 'rtl']);
  const footerLink = await agent.get('/licensing?lang=en').expect(200);
  assert.deepEqual(htmlLang(footerLink.text), ['en', 'ltr']);
});

test('errors come in the form’s language, linked to each field', async () => {
  const form = await request(t.server).get('/licensing').expect(200);
  const token = /name="form_token" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
  const res = await request(t.server)
    .post('/licensing')
    .type('form')
    .send(validFormFields({ form_token: token, locale: 'fr', 'requester[email]': '', 'usage[exclusive]': '' }))
    .expect(422);
  assert.match(res.text, /<a href="#f-requester-email">Saisissez votre adresse électronique\.<\/a>/);
  assert.match(res.text, /<a href="#f-usage-exclusive">Indiquez si vous avez besoin d’une exclusivité\.<\/a>/);
  // The yes/no link lands on its first radio, which says it is in error and where the message is.
  assert.match(
    res.text,
    /<input type="radio" id="f-usage-exclusive" name="usage\[exclusive\]" value="true" required aria-invalid="true">/,
  );
  assert.match(res.text, /id="f-usage-exclusive-group" aria-describedby="f-usage-exclusive-error"/);
  assert.match(res.text, /id="f-requester-email"[^>]*aria-invalid="true" aria-describedby="f-requester-email-error"/);
});

test('the confirmation page speaks the request’s language unless ?lang= asks otherwise', async () => {
  const res = await request(t.server)
    .post('/api/v1/requests')
    .send(validRequest({ locale: 'ar' }))
    .expect(201);
  const page = await request(t.server).get(res.headers.location).set('Accept-Language', 'en').expect(200);
  assert.deepEqual(htmlLang(page.text), ['ar', 'rtl']);
  assert.match(page.text, /<h1>تم استلام الطلب <bdi class="reference">REP-\d{4}-\d{6}<\/bdi><\/h1>/);
  assert.match(page.text, /<bdi dir=ltr>ada@example\.org<\/bdi>/, 'the email is isolated in the Arabic sentence');
  const english = await request(t.server).get(`${res.headers.location}?lang=en`).expect(200);
  assert.deepEqual(htmlLang(english.text), ['en', 'ltr']);
});

test('a missing page answers in the reader’s language', async () => {
  const res = await request(t.server).get('/licensing/nowhere').set('Accept-Language', 'fr').expect(404);
  assert.match(res.text, /Page introuvable/);
  assert.match(res.text, /<a href="\?lang=ar" lang="ar" hreflang="ar">العربية<\/a>/);
});
