// The JSON API: the same schema and the same submit service as the form.
// Errors are application/problem+json (RFC 9457) with JSON Pointer paths.
import type { Request, RequestHandler, Response } from 'express';
import type { Services } from '../../services/services.js';
import type { Metrics } from '../../services/metrics.js';
import { AppError, notFound } from '../../errors.js';
import { i18nFor, isLocale } from '../../i18n/index.js';
import { labelQuote } from '../../i18n/quote-labels.js';
import type { Locale } from '../../domain/request.js';
import { describeIssues } from '../../validation/messages.js';
import type { ValidationIssue } from '../../validation/issues.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;

/** Only JSON in UTF-8 (RFC 8259) is taken: anything else is 415, before the body is read. */
export const requireJson: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json')) {
    return next(new AppError(415, 'unsupported_media_type', 'Send the request body as application/json.'));
  }
  const charset = /;\s*charset=("?)([^";]+)\1/i.exec(req.get('content-type') ?? '')?.[2].toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    return next(new AppError(415, 'unsupported_encoding', 'Send the body as UTF-8 without content encoding.'));
  }
  next();
};

const localeOf = (body: unknown): Locale => {
  const locale = (body as { locale?: unknown } | null)?.locale;
  return isLocale(locale) ? locale : 'en';
};

const invalid = (issues: ValidationIssue[], locale: Locale) =>
  new AppError(400, 'validation_failed', 'The request has invalid fields.', describeIssues(issues, locale));

export function api(services: Services, metrics: Metrics) {
  return {
    async createRequest(req: Request, res: Response) {
      const key = req.get('Idempotency-Key');
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
        throw new AppError(400, 'bad_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters.');
      }
      // Keys are scoped to the client's address, so nobody can claim another integration's key first.
      const scoped = key && `api:${req.ip ?? ''}:${key}`;
      const options = { locale: localeOf(req.body), idempotencyKey: scoped, log: req.log };
      const outcome = await services.submissions.submit(req.body, options);
      metrics.submission('api', outcome.kind);
      if (outcome.kind === 'invalid') throw invalid(outcome.issues, outcome.locale);
      if (outcome.kind === 'storage_full') throw outcome.error;
      if (outcome.kind === 'key_reused') {
        const message = 'This Idempotency-Key was already used with a different request.';
        throw new AppError(422, 'idempotency_key_reused', message);
      }
      const { reference, status, quote, accessToken, locale } = outcome.request;
      if (outcome.kind === 'replayed') res.set('Idempotent-Replayed', 'true');
      res
        .status(201)
        .location(`/licensing/requests/${accessToken}`)
        .json({ reference, status, quote: labelQuote(i18nFor(locale), quote) });
    },

    quote(req: Request, res: Response) {
      const locale = localeOf(req.body);
      const outcome = services.quotes.quote(req.body);
      metrics.quote(outcome.ok ? 'ok' : 'invalid');
      if (!outcome.ok) throw invalid(outcome.issues, locale);
      res.json(labelQuote(i18nFor(locale), outcome.quote));
    },

    notFound(_req: Request, _res: Response) {
      throw notFound('No such API endpoint.');
    },
  };
}
