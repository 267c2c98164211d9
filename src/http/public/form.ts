// The public licensing form: GET shows it (prefilled from the article footer link); POST edits it without
// JavaScript (language, article rows) or submits it through the shared submit service, then redirects (303)
// to the requester's page; on a mistake the same form comes back (422) with the input and messages.
import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Services } from '../../services/services.js';
import type { Metrics } from '../../services/metrics.js';
import type { Locale } from '../../domain/request.js';
import { notFound, type FieldError } from '../../errors.js';
import { isLocale, i18nFor } from '../../i18n/index.js';
import { describeIssues } from '../../validation/messages.js';
import { one } from '../core/posted.js';
import { pageHtml, renderPage } from '../core/render.js';
import { LANG_COOKIE } from '../core/middleware/locale.js';
import { formToRequest, MAX_ARTICLE_ROWS } from './form-to-request.js';
import { formViewData, prefillFromQuery, HONEYPOT_FIELD } from './form-view.js';
import { prerenderedForm, MARKERS } from './prerendered-form.js';

const TOKEN_FIELD = 'form_token';
/** The renewal link's request token, carried by the form it opens. */
const RENEWS_FIELD = 'renews';

type Body = Record<string, string | string[] | undefined>;

/** The form-editing action a POST asks for, exactly; anything else (or nothing) is 'submit'. */
function editingAction(body: Body | undefined): string {
  const action = one(body?.action) ?? '';
  return /^(add_article|remove_article:\d{1,2}|lang:(en|fr|ar))$/.test(action) ? action : 'submit';
}

/** Adding a row or switching language does no work worth limiting; every submission counts. */
export const unlessEditing =
  (limit: RequestHandler): RequestHandler =>
  (req, res, next) =>
    editingAction(req.body as Body | undefined) === 'submit' ? limit(req, res, next) : next();

export function licensingForm(services: Services, metrics: Metrics) {
  const formData = (locale: Locale, values: Record<string, unknown>, errors: FieldError[], token: string) =>
    formViewData(services.formOptions(locale), values, errors, token);

  /** The licence a posted form renews, named again on the page; undefined for a plain request. */
  function renewingOf(body: Body) {
    const token = one(body[RENEWS_FIELD]) ?? '';
    const licence = token ? services.renewalForm.licenceNumberFor(token) : undefined;
    return licence ? { token, licence } : undefined;
  }

  function showForm(
    res: Response,
    status: number,
    locale: Locale,
    values: Record<string, unknown>,
    errors: FieldError[],
    token: string,
  ) {
    res.locals.locale = locale;
    const renewing = renewingOf((res.req.body ?? {}) as Body);
    renderPage(res, status, 'public/form', { ...formData(locale, values, errors, token), renewing });
  }

  /** The form filled in from a licence, from its renewal link. */
  function renew(req: Request, res: Response) {
    const token = String(req.params.token);
    const renewal = services.renewalForm.prefill(token);
    if (!renewal) throw notFound();
    const locale: Locale = isLocale(req.query.lang) ? req.query.lang : renewal.locale;
    res.locals.locale = locale;
    res.set('X-Robots-Tag', 'noindex');
    const data = formData(locale, { ...renewal.values, locale }, [], services.formTokens.issue());
    renderPage(res, 200, 'public/form', { ...data, renewing: { token, licence: renewal.licenceNumber } });
  }

  /** The blank form, prefilled from the footer link: the page is rendered once per language (./prerendered-form.ts). */
  function show(req: Request, res: Response) {
    const locale: Locale = res.locals.locale;
    const article = prefillFromQuery(req.query).articles[0];
    const fill = { token: services.formTokens.issue(), url: article.url ?? '', title: article.title ?? '' };
    const blank = { articles: [{ url: MARKERS.url, title: MARKERS.title, portion: 'full' }] };
    const page = prerenderedForm(res.app.locals.views.html, locale, fill, () =>
      pageHtml(res, 'public/form', formData(locale, blank, [], MARKERS.token)),
    );
    // Gzip, when the browser takes it, from the fixed parts compressed once (./gzip-pieces.ts): compressing the
    // whole page on every view cost most of its time. Other encodings are left to the compression middleware.
    const gzip = req.acceptsEncodings('gzip', 'identity') === 'gzip';
    const pieces = gzip ? page.gzipped() : page.pieces;
    res.status(200).set('Content-Type', 'text/html; charset=utf-8');
    if (gzip) res.set('Content-Encoding', 'gzip').vary('Accept-Encoding');
    res.setHeader(
      'Content-Length',
      pieces.reduce((length, piece) => length + piece.length, 0),
    );
    if (req.method === 'HEAD') return void res.end();
    // The head settles the encoding. Compressed by the middleware, each write would be a zlib call of its own: one
    // buffer then. Otherwise piece by piece: Node sends them in one writev, uncopied.
    res.writeHead(200);
    if (!gzip && res.getHeader('Content-Encoding')) return void res.end(Buffer.concat(pieces));
    for (const piece of pieces) res.write(piece);
    res.end();
  }

  async function submit(req: Request, res: Response) {
    const body = (req.body ?? {}) as Body;
    const posted = one(body.locale);
    const locale: Locale = isLocale(posted) ? posted : res.locals.locale;
    const values = formToRequest(body);
    const token = one(body[TOKEN_FIELD]) ?? '';
    const action = editingAction(body);
    const articles = values.articles as Record<string, unknown>[];

    // Editing the form without JavaScript: switch language, add or remove an article row.
    const lang = /^lang:(en|fr|ar)$/.exec(action)?.[1];
    if (isLocale(lang)) {
      res.cookie(LANG_COOKIE, lang, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 86_400_000, path: '/' });
      return showForm(res, 200, lang, { ...values, locale: lang }, [], token);
    }
    if (action === 'add_article') {
      if (articles.length < MAX_ARTICLE_ROWS) articles.push({ portion: 'full' });
      return showForm(res, 200, locale, values, [], token);
    }
    const remove = /^remove_article:(\d+)$/.exec(action);
    if (remove) {
      articles.splice(Number(remove[1]), 1);
      if (!articles.length) articles.push({ portion: 'full' });
      return showForm(res, 200, locale, values, [], token);
    }

    if (one(body[HONEYPOT_FIELD])?.trim()) {
      req.log?.info('honeypot filled: nothing stored');
      metrics.submission('form', 'honeypot');
      return res.redirect(303, '/licensing/received');
    }
    const check = services.formTokens.check(token);
    if (!check.ok) {
      metrics.submission('form', 'token_refused');
      const message = i18nFor(locale).t('form.tokenProblem');
      return showForm(res, 422, locale, values, [{ path: '/form', message }], services.formTokens.issue());
    }
    // The token's nonce with the content: a double click replays the first request, while
    // a different request sent with the same token (a cached page, the back button) is its own.
    const content = crypto.createHash('sha256').update(JSON.stringify(values)).digest('base64url');
    const renewsToken = one(body[RENEWS_FIELD]);
    const outcome = await services.submissions.submit(
      { ...values, locale },
      {
        locale,
        idempotencyKey: `form:${check.nonce}:${content}`,
        log: req.log,
        renewsRequestId: renewsToken ? services.renewalForm.renewsId(renewsToken) : undefined,
      },
    );
    metrics.submission('form', outcome.kind);
    if (outcome.kind === 'invalid') {
      return showForm(res, 422, locale, values, describeIssues(outcome.issues, locale), token);
    }
    if (outcome.kind === 'storage_full') {
      // Nothing was stored: the same form, the same token, so sending it again later just works.
      res.set('Retry-After', String(outcome.error.retryAfterSeconds));
      const message = i18nFor(locale).t('form.storageFull');
      return showForm(res, 503, locale, values, [{ path: '/form', message }], token);
    }
    if (outcome.kind === 'key_reused') return showForm(res, 422, locale, values, [], services.formTokens.issue());
    res.redirect(303, `/licensing/requests/${outcome.request.accessToken}`);
  }

  return { show, submit, renew };
}

/** The short public pages: the conditions, the privacy notice, and the page a bot is shown. */
export const staticPage =
  (view: string, data: Record<string, unknown> = {}) =>
  (_req: Request, res: Response) =>
    renderPage(res, 200, view, data);
