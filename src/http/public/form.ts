// The public licensing form: GET shows it (prefilled from the article footer link),
// POST validates and stores through the shared submit path, then redirects (303)
// to the confirmation page; on a mistake the same form comes back (422) with the
// user's input and a message beside each field. Works without JavaScript.
import crypto from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import type { Container } from '../../container.js';
import type { Locale } from '../../domain/request.js';
import { isLocale, i18nFor } from '../../i18n/index.js';
import { labelQuote } from '../../i18n/quote-labels.js';
import { submitRequest } from '../../services/submit-request.js';
import { describeIssues } from '../../validation/messages.js';
import { notFound, type FieldError } from '../../errors.js';
import { formToRequest, MAX_ARTICLE_ROWS } from './form-to-request.js';
import { one } from '../core/posted.js';
import { HONEYPOT_FIELD } from './form-view.js';
import { formViewData, prefillFromQuery } from './form-view.js';
import { pageHtml, renderPage } from '../core/render.js';
import { formPage, MARKERS } from './prerendered-form.js';
import { LANG_COOKIE } from '../core/middleware/locale.js';
import { noStore } from '../core/middleware/security.js';

const TOKEN_FIELD = 'form_token';
const ACCESS_TOKEN = /^[A-Za-z0-9_-]{32}$/;

type Body = Record<string, string | string[] | undefined>;

export function publicRoutes(c: Container, submitLimiter: express.RequestHandler): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '128kb', parameterLimit: 1000 });

  const formData = (locale: Locale, values: Record<string, unknown>, errors: FieldError[], token: string) =>
    formViewData(c.validators, locale, values, errors, token);

  function showForm(res: Response, status: number, locale: Locale, values: Record<string, unknown>, errors: FieldError[], token: string) {
    res.locals.locale = locale;
    renderPage(res, status, 'public/form', formData(locale, values, errors, token));
  }

  // The blank form, prefilled from the footer link: the page is rendered once per language (./prerendered-form.ts).
  router.get('/licensing', noStore, (req, res) => {
    const locale: Locale = res.locals.locale;
    const article = prefillFromQuery(req.query).articles[0];
    const fill = { token: c.tokens.issue(c.clock()), url: article.url ?? '', title: article.title ?? '' };
    const blank = { articles: [{ url: MARKERS.url, title: MARKERS.title, portion: 'full' }] };
    const pieces = formPage(c.views.html, locale, fill, () => pageHtml(res, 'public/form', formData(locale, blank, [], MARKERS.token)));
    // Written piece by piece, Node sends them in one writev with the headers.
    res.status(200).set('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Length', pieces.reduce((n, p) => n + p.length, 0));
    if (req.method === 'HEAD') return void res.end();
    for (const p of pieces) res.write(p);
    res.end();
  });

  router.post('/licensing', form, submitLimiterUnlessEditing(submitLimiter), async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Body;
    const posted = one(body.locale);
    const locale: Locale = isLocale(posted) ? posted : res.locals.locale;
    const values = formToRequest(body);
    const token = one(body[TOKEN_FIELD]) ?? '';
    const action = editingAction(body);
    const articles = values.articles as Record<string, unknown>[];

    // Editing the form without JavaScript: switch language, add or remove an article row.
    // Any other action value is a submission (and was counted by the rate limit).
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
      c.metrics.submission('form', 'honeypot');
      return res.redirect(303, '/licensing/received');
    }
    const check = c.tokens.check(token, c.clock());
    if (!check.ok) {
      c.metrics.submission('form', 'token_refused');
      const message = i18nFor(locale).t('form.tokenProblem');
      return showForm(res, 422, locale, values, [{ path: '/form', message }], c.tokens.issue(c.clock()));
    }
    // The token's nonce with the content: a double click replays the first request, while
    // a different request sent with the same token (a cached page, the back button) is its own.
    const content = crypto.createHash('sha256').update(JSON.stringify(values)).digest('base64url');
    const outcome = await submitRequest(submitDeps(c), { ...values, locale }, {
      locale,
      idempotencyKey: `form:${check.nonce}:${content}`,
      log: req.log,
    });
    c.metrics.submission('form', outcome.kind);
    if (outcome.kind === 'invalid') return showForm(res, 422, locale, values, describeIssues(outcome.issues, locale), token);
    if (outcome.kind === 'storage_full') {
      // Nothing was stored: the same form, the same token, so sending it again later just works.
      res.set('Retry-After', String(outcome.error.retryAfterSeconds));
      return showForm(res, 503, locale, values, [{ path: '/form', message: i18nFor(locale).t('form.storageFull') }], token);
    }
    if (outcome.kind === 'key_reused') return showForm(res, 422, locale, values, [], c.tokens.issue(c.clock()));
    res.redirect(303, `/licensing/requests/${outcome.request.accessToken}`);
  });

  router.get('/licensing/requests/:token', noStore, (req, res) => {
    const token = String(req.params.token);
    const request = ACCESS_TOKEN.test(token) ? c.repos.requests.findByAccessToken(token) : undefined;
    if (!request) throw notFound();
    if (!isLocale(req.query.lang)) res.locals.locale = request.locale;
    const i18n = i18nFor(res.locals.locale);
    res.set('X-Robots-Tag', 'noindex');
    renderPage(res, 200, 'public/confirmation', { request, quote: labelQuote(i18n, request.quote) });
  });

  router.get('/licensing/received', (_req, res) => renderPage(res, 200, 'public/received'));
  router.get('/licensing/conditions', (_req, res) => renderPage(res, 200, 'public/page', { page: 'conditions' }));
  router.get('/licensing/privacy', (_req, res) => renderPage(res, 200, 'public/page', { page: 'privacy' }));
  router.get('/', (_req, res) => res.redirect(302, '/licensing'));
  return router;
}

/** The form-editing action a POST asks for, exactly; anything else (or nothing) is 'submit'. */
function editingAction(body: Body | undefined): string {
  const action = one(body?.action) ?? '';
  return /^(add_article|remove_article:\d{1,2}|lang:(en|fr|ar))$/.test(action) ? action : 'submit';
}

/** Adding a row or switching language does no work worth limiting; every submission counts. */
function submitLimiterUnlessEditing(limiter: express.RequestHandler): express.RequestHandler {
  return (req, res, next) =>
    editingAction(req.body as Body | undefined) === 'submit' ? limiter(req, res, next) : next();
}

export function submitDeps(c: Container) {
  return {
    validators: c.validators,
    rateCard: c.rateCard,
    writer: c.writer,
    requests: c.repos.requests,
    deskEmail: c.config.deskEmail,
    ackCapPerDay: c.config.ackEmailsPerAddressPerDay,
    clock: c.clock,
    onQueued: () => c.worker.kick(),
    storage: c.storage,
  };
}
