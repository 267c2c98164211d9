// The JSON API: the same schema and the same submit path as the form.
// Errors are application/problem+json (RFC 9457) with JSON Pointer paths.
import express, { Router, type RequestHandler } from 'express';
import type { Container } from '../../container.js';
import { AppError, notFound } from '../../errors.js';
import { i18nFor, isLocale } from '../../i18n/index.js';
import { labelQuote } from '../../i18n/quote-labels.js';
import type { Locale } from '../../domain/request.js';
import { submitRequest } from '../../services/submit-request.js';
import { quoteRequest } from '../../services/quote-request.js';
import { describeIssues } from '../../validation/messages.js';
import type { ValidationIssue } from '../../validation/issues.js';
import { submitDeps } from '../public/form.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;

/** Only JSON in UTF-8 (RFC 8259) is taken: anything else is 415, before the body is read. */
const requireJson: RequestHandler = (req, _res, next) => {
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
  const l = (body as { locale?: unknown } | null)?.locale;
  return isLocale(l) ? l : 'en';
};

const invalid = (issues: ValidationIssue[], locale: Locale) =>
  new AppError(400, 'validation_failed', 'The request has invalid fields.', describeIssues(issues, locale));

export function apiRoutes(c: Container, limits: { submit: RequestHandler; quote: RequestHandler }): Router {
  const router = Router();
  // strict: only objects and arrays at the top; the schema then wants an object.
  const json = express.json({ limit: '64kb', strict: true, type: 'application/json' });

  router.post('/requests', requireJson, limits.submit, json, async (req, res) => {
    const key = req.get('Idempotency-Key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new AppError(400, 'bad_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters.');
    }
    const locale = localeOf(req.body);
    // Keys are scoped to the client's address, so nobody can claim another integration's key first.
    const scoped = key && `api:${req.ip ?? ''}:${key}`;
    const outcome = await submitRequest(submitDeps(c), req.body, { locale, idempotencyKey: scoped, log: req.log });
    c.metrics.submission('api', outcome.kind);
    if (outcome.kind === 'invalid') throw invalid(outcome.issues, outcome.locale);
    if (outcome.kind === 'storage_full') throw outcome.error;
    if (outcome.kind === 'key_reused') {
      throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request.');
    }
    const { reference, status, quote } = outcome.request;
    if (outcome.kind === 'replayed') res.set('Idempotent-Replayed', 'true');
    res
      .status(201)
      .location(`/licensing/requests/${outcome.request.accessToken}`)
      .json({ reference, status, quote: labelQuote(i18nFor(outcome.request.locale), quote) });
  });

  router.post('/quote', requireJson, limits.quote, json, (req, res) => {
    const locale = localeOf(req.body);
    const outcome = quoteRequest(c, req.body);
    c.metrics.quote(outcome.ok ? 'ok' : 'invalid');
    if (!outcome.ok) throw invalid(outcome.issues, locale);
    res.json(labelQuote(i18nFor(locale), outcome.quote));
  });

  router.use((_req, _res, next) => next(notFound('No such API endpoint.')));
  return router;
}
