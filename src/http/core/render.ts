// Renders a page with the request's locale helpers and the common page data (asset version, locale switch
// links) in `it`.
import type { Response } from 'express';
import type { ViewEngines } from '../../views.js';
import { i18nFor } from '../../i18n/index.js';
import type { Locale } from '../../domain/request.js';

/** A page as HTML in `locale`, with the common page data (over `locals`, under `data`). */
export function viewHtml(
  views: ViewEngines,
  assetVersion: string,
  locale: Locale,
  view: string,
  data: Record<string, unknown>,
  locals: Record<string, unknown> = {},
): string {
  const i18n = i18nFor(locale);
  return views.html.render(view, { ...locals, locale, i18n, t: i18n.t, assetVersion, ...data });
}

/** The page as HTML, in the response's language. */
export function pageHtml(res: Response, view: string, data: Record<string, unknown> = {}): string {
  const locale: Locale = res.locals.locale ?? 'en';
  const { views, assetVersion } = res.app.locals as { views: ViewEngines; assetVersion: string };
  return viewHtml(views, assetVersion, locale, view, data, res.locals);
}

export function renderPage(res: Response, status: number, view: string, data: Record<string, unknown> = {}) {
  res
    .status(status)
    .type('html')
    .send(pageHtml(res, view, data));
}
