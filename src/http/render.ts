// Renders a page with the request's locale helpers and the common page data
// (asset version, locale switch links) in `it`.
import type { Response } from 'express';
import type { ViewEngines } from '../views.js';
import { i18nFor } from '../i18n/index.js';
import type { Locale } from '../domain/request.js';

export function renderPage(res: Response, status: number, view: string, data: Record<string, unknown> = {}) {
  const views = res.app.locals.views as ViewEngines;
  const locale: Locale = res.locals.locale ?? 'en';
  const i18n = i18nFor(locale);
  const html = views.html.render(view, {
    ...res.locals,
    i18n,
    t: i18n.t,
    assetVersion: res.app.locals.assetVersion as string,
    ...data,
  });
  res.status(status).type('html').send(html);
}
