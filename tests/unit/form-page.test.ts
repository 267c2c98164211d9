// The form page filled in from its once-rendered shell (src/http/public/prerendered-form.ts) is the
// page the template renders for the same token and footer link, for any title and URL,
// in each language, with the template cache on (as in production) and off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import request from 'supertest';
import { buildTestApp } from '../helpers/app.js';
import { formViewData, prefillFromQuery } from '../../src/http/public/form-view.js';
import { viewHtml } from '../../src/http/core/render.js';
import type { Locale } from '../../src/domain/request.js';

for (const nodeEnv of ['production', 'test']) {
  test(`GET /licensing is exactly the template's page, for any prefilled title and URL (NODE_ENV=${nodeEnv})`, async () => {
    const t = await buildTestApp({ NODE_ENV: nodeEnv });
    try {
      const c = t.container;
      const viaTemplate = (locale: Locale, query: Record<string, string>, token: string) =>
        viewHtml(
          c.views,
          t.app.locals.assetVersion as string,
          locale,
          'public/form',
          formViewData(c.services.formOptions(locale), prefillFromQuery(query), [], token),
        );
      const urls = fc.oneof(
        fc.constant(''),
        fc.webUrl({ withQueryParameters: true, withFragments: true }),
        fc.string(),
      );
      const titles = fc.oneof(
        fc.constant(''),
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        fc.constantFrom('<b>"Ça" & \'ça\'</b>', 'عنوان المقال'),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom<Locale>('en', 'fr', 'ar'), urls, titles, async (locale, url, title) => {
          const res = await request(t.server).get('/licensing').query({ lang: locale, url, title }).expect(200);
          const token = /name="form_token" value="([^"]*)"/.exec(res.text)?.[1];
          assert.ok(token, 'the page carries a form token');
          assert.equal(res.text, viaTemplate(locale, { url, title }, token));
        }),
        { numRuns: 80 },
      );
    } finally {
      await t.close();
    }
  });
}
