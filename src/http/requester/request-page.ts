// The requester's page for one request, at the private address in the acknowledgement
// (/licensing/requests/<token>): in the request's language unless ?lang= asks for another.
import type { Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import { notFound } from '../../errors.js';
import { i18nFor, isLocale } from '../../i18n/index.js';
import { labelQuote } from '../../i18n/quote-labels.js';
import { renderPage } from '../core/render.js';

export function requesterPage(services: Services) {
  return (req: Request, res: Response) => {
    const licensingRequest = services.requesterPages.findByAccessToken(String(req.params.token));
    if (!licensingRequest) throw notFound();
    if (!isLocale(req.query.lang)) res.locals.locale = licensingRequest.locale;
    const i18n = i18nFor(res.locals.locale);
    res.set('X-Robots-Tag', 'noindex');
    const quote = labelQuote(i18n, licensingRequest.quote);
    renderPage(res, 200, 'public/confirmation', { request: licensingRequest, quote });
  };
}
