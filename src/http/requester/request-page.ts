// The requester's page for one request, at the private address in every email (/licensing/requests/<token>), in
// the request's language unless ?lang= asks for another. GET shows it; its forms (each carrying a token bound to
// the request) accept the quote, license a standard request at once, decline, withdraw or write to the desk, then
// redirect (303) back. A mistake shows the page again (422) with the message beside the field; an action the
// request's status no longer allows is a 409 with the page explaining why.
import type { Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import type { StoredRequest } from '../../domain/request.js';
import { TransitionError } from '../../domain/workflow.js';
import { AppError, notFound } from '../../errors.js';
import { i18nFor, isLocale } from '../../i18n/index.js';
import { postedText } from '../core/posted.js';
import { renderPage } from '../core/render.js';
import { requesterPageData } from './request-view.js';

type Body = Record<string, unknown>;
const DONE = new Set(['accepted', 'licensed', 'declined', 'withdrawn', 'message']);
/** Codes of refusals the page explains in the requester's language (request.error.<code>). */
const EXPLAINED = new Set([
  'signature_name',
  'signature_agree',
  'quote_expired',
  'not_licensable_now',
  'form_token',
  'message_empty',
  'message_too_long',
  'message_too_many',
  'message_closed',
]);

export function requesterPages(services: Services) {
  const pages = services.requesterPages;

  function find(req: Request, res: Response): StoredRequest {
    const licensingRequest = pages.findByAccessToken(String(req.params.token));
    if (!licensingRequest) throw notFound();
    if (!isLocale(req.query.lang)) res.locals.locale = licensingRequest.locale;
    res.set('X-Robots-Tag', 'noindex');
    return licensingRequest;
  }

  function page(req: Request, res: Response, status: number, view: string, extra: Record<string, unknown> = {}) {
    const licensingRequest = find(req, res);
    const i18n = i18nFor(res.locals.locale);
    const shown = pages.view(licensingRequest);
    const data = requesterPageData(i18n, licensingRequest, shown, services.legal.conditionsVersion);
    const done = typeof req.query.done === 'string' && DONE.has(req.query.done) ? req.query.done : null;
    renderPage(res, status, view, { ...data, done, problem: null, errors: {}, posted: {}, ...extra });
  }

  /** The refusal in the requester's words, or undefined when it is not one the page explains. */
  function explain(res: Response, error: unknown): { status: number; message: string; field?: string } | undefined {
    const i18n = i18nFor(res.locals.locale);
    if (error instanceof TransitionError || (error instanceof AppError && error.code === 'conflict')) {
      const status = find(res.req, res).status;
      return {
        status: 409,
        message: i18n.t('request.error.transition', { status: i18n.t(`request.status.${status}`) }),
      };
    }
    if (error instanceof AppError && EXPLAINED.has(error.code)) {
      return { status: error.status, message: i18n.t(`request.error.${error.code}`), field: error.fields?.[0]?.path };
    }
    return undefined;
  }

  /** Runs one action from the page's forms; shows the page again with the reason when it is refused. */
  function attempt(req: Request, res: Response, view: string, change: (licensingRequest: StoredRequest) => string) {
    const licensingRequest = find(req, res);
    const body = (req.body ?? {}) as Body;
    let done: string;
    try {
      pages.checkFormToken(licensingRequest, body.form_token);
      done = change(licensingRequest);
    } catch (error) {
      const full =
        error instanceof AppError ? undefined : services.storage.refuse('database', error, 'requester action', req.log);
      if (full) throw full;
      const shown = explain(res, error);
      if (!shown) throw error;
      const errors = shown.field ? { [shown.field]: shown.message } : {};
      return page(req, res, shown.status, view, { problem: shown.message, errors, posted: body });
    }
    services.storage.wrote('database');
    const lang = isLocale(req.query.lang) ? `lang=${req.query.lang}&` : '';
    res.redirect(303, `/licensing/requests/${licensingRequest.accessToken}?${lang}done=${done}#done`);
  }

  const signature = (body: Body) => ({
    name: postedText(body, 'signer_name', 400),
    agreed: postedText(body, 'agree', 10) === 'yes',
  });

  return {
    show: (req: Request, res: Response) => page(req, res, 200, 'public/request'),
    confirmDecline: (req: Request, res: Response) =>
      page(req, res, 200, 'public/request-close', { closing: 'decline' }),
    confirmWithdraw: (req: Request, res: Response) =>
      page(req, res, 200, 'public/request-close', { closing: 'withdraw' }),

    accept: (req: Request, res: Response) =>
      attempt(req, res, 'public/request', (licensingRequest) => {
        pages.acceptQuote(licensingRequest, signature(req.body as Body));
        return 'accepted';
      }),
    licenseNow: (req: Request, res: Response) =>
      attempt(req, res, 'public/request', (licensingRequest) => {
        pages.licenseNow(licensingRequest, signature(req.body as Body));
        return 'licensed';
      }),
    decline: (req: Request, res: Response) =>
      attempt(req, res, 'public/request', (licensingRequest) => {
        pages.declineQuote(licensingRequest, postedText(req.body as Body, 'reason', 3000));
        return 'declined';
      }),
    withdraw: (req: Request, res: Response) =>
      attempt(req, res, 'public/request', (licensingRequest) => {
        pages.withdraw(licensingRequest, postedText(req.body as Body, 'reason', 3000));
        return 'withdrawn';
      }),
    message: (req: Request, res: Response) =>
      attempt(req, res, 'public/request', (licensingRequest) => {
        pages.postMessage(licensingRequest, postedText(req.body as Body, 'message', 20_000));
        return 'message';
      }),
  };
}
