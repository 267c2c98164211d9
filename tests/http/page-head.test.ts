// What every public page says about itself before its body: a description in the page's language (what search
// results and shared links show), and an icon the browser can fetch, by the page's link or at /favicon.ico.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { validRequest } from '../helpers/fixtures.js';
import { i18nFor } from '../../src/i18n/index.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(() => t.close());

const escaped = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
const description = (html: string) => /<meta name="description" content="([^"]+)">/.exec(html)?.[1];

test('the public pages have a description in their own language', async () => {
  const made = await request(t.server)
    .post('/api/v1/requests')
    .send(validRequest({ locale: 'ar' }))
    .expect(201);
  for (const locale of ['en', 'fr', 'ar'] as const) {
    const expected = escaped(i18nFor(locale).t('site.description'));
    assert.ok(expected.length > 80 && expected.length < 200, `${locale}: a sentence a search result can show whole`);
    for (const path of ['/licensing', '/licensing/conditions', '/licensing/requests', made.headers.location]) {
      const res = await request(t.server).get(`${path}?lang=${locale}`).expect(200);
      assert.match(res.text, new RegExp(`<html lang="${locale}"`));
      assert.equal(description(res.text), expected, `${path} in ${locale}`);
    }
  }
  const [en, fr, ar] = (['en', 'fr', 'ar'] as const).map((l) => i18nFor(l).t('site.description'));
  assert.ok(en !== fr && fr !== ar && ar !== en, 'three translations');
  assert.match(fr, /\u202f:/, 'French: a narrow no-break space before the colon');
});

test('the pages link an SVG icon, and /favicon.ico answers with an icon', async () => {
  const page = await request(t.server).get('/licensing').expect(200);
  const link = /<link rel="icon" href="(\/assets\/icons\/favicon\.svg\?v=\w+)" type="image\/svg\+xml">/;
  const svg = link.exec(page.text);
  assert.ok(svg, 'the SVG icon is linked with its version');
  // The desk's pages and the API reference too: a tab of the desk is found by its icon.
  for (const path of ['/staff/login', '/api/docs']) {
    assert.equal(link.exec((await request(t.server).get(path).expect(200)).text)?.[1], svg[1], path);
  }
  const icon = await request(t.server).get(svg[1]).buffer(true).expect(200);
  assert.match(icon.headers['content-type'], /^image\/svg\+xml/);
  assert.match(icon.headers['cache-control'], /max-age=31536000/);
  assert.match(String(icon.body), /^<svg [^>]*viewBox="0 0 32 32"/);

  const ico = await request(t.server)
    .get('/favicon.ico')
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    })
    .expect(200);
  assert.match(ico.headers['content-type'], /^image\/(x-icon|vnd\.microsoft\.icon)$/);
  const body = ico.body as Buffer;
  assert.deepEqual([body.readUInt16LE(0), body.readUInt16LE(2)], [0, 1], 'an ICO header');
  const images = body.readUInt16LE(4);
  assert.ok(images >= 1);
  for (let i = 0; i < images; i++) {
    const size = body.readUInt32LE(6 + 16 * i + 8);
    const offset = body.readUInt32LE(6 + 16 * i + 12);
    assert.ok(offset + size <= body.length, 'each image lies inside the file');
    assert.equal(body.subarray(offset, offset + 8).toString('hex'), '89504e470d0a1a0a', 'a PNG inside');
  }
});
