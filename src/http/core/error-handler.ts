// The one error middleware. AppErrors and the body parser's 4xx errors are the client's to fix and are
// answered plainly; a database out of space or busy is a 503 with Retry-After; anything else is our bug:
// logged with the request id, answered with a generic message and never a stack trace.
import type { ErrorRequestHandler, Request, Response } from 'express';
import { AppError } from '../../errors.js';
import { i18nFor } from '../../i18n/index.js';
import type { Locale } from '../../domain/request.js';
import { renderPage } from './render.js';
import type { StorageCondition } from '../../storage-condition.js';

/** body-parser and raw-body errors carry a `type` and a 4xx status. */
function fromParserError(err: { type?: string; status?: number }): AppError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new AppError(413, 'payload_too_large', 'The request body is too large.');
    case 'entity.parse.failed':
      return new AppError(400, 'malformed_json', 'The request body is not valid JSON.');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AppError(415, 'unsupported_encoding', 'Send the body as UTF-8 without content encoding.');
    case 'parameters.too.many':
      return new AppError(413, 'too_many_fields', 'The form has too many fields.');
    default:
      if (err.status && err.status >= 400 && err.status < 500) {
        return new AppError(err.status, 'bad_request', 'Bad request.');
      }
      return undefined;
  }
}

/** The database stayed locked past the busy time-out (a long write elsewhere): worth a retry, not a 500. */
function busy(err: unknown, req: Request): AppError | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY')) return undefined;
  req.log?.warn({ code }, 'database busy: request refused');
  return new AppError(503, 'busy', 'The service is busy. Nothing was changed; try again in a few seconds.', undefined, {
    retryAfterSeconds: 5,
  });
}

const wantsProblemJson = (req: Request) => req.path.startsWith('/api/');

function sendProblem(res: Response, err: AppError) {
  res
    .status(err.status)
    .type('application/problem+json')
    .json({
      type: `about:blank`,
      title: err.message,
      status: err.status,
      code: err.code,
      ...(err.fields ? { errors: err.fields } : {}),
    });
}

export function errorHandler(storage?: StorageCondition): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      // A session saved after its page was sent (express-session does so): the page stands.
      if (!(err instanceof AppError) && storage?.refuseQuietly('database', err, 'session write')) return;
      return next(err);
    }
    const known =
      err instanceof AppError
        ? err
        : (storage?.refuse('database', err, `${req.method} ${req.path}`, req.log) ??
          busy(err, req) ??
          fromParserError(err));
    const appErr = known ?? new AppError(500, 'internal', 'Something went wrong on our side.');
    if (!known) req.log?.error({ err }, 'unhandled error');
    if (appErr.retryAfterSeconds !== undefined) res.set('Retry-After', String(appErr.retryAfterSeconds));
    if (wantsProblemJson(req)) return sendProblem(res, appErr);
    const locale: Locale = res.locals.locale ?? 'en';
    const i18n = i18nFor(locale);
    const message =
      appErr.status === 404
        ? i18n.t('error.page.notFoundBody')
        : appErr.status === 429
          ? i18n.t('error.page.tooMany')
          : appErr.status === 413
            ? i18n.t('error.page.tooLarge')
            : appErr.code === 'storage_full'
              ? i18n.t('error.page.storageFull')
              : appErr.code === 'pdf_unavailable'
                ? i18n.t('licence.pdfUnavailable')
                : appErr.status >= 500
                  ? i18n.t('error.page.generic')
                  : appErr.message;
    renderPage(res, appErr.status, 'public/error', {
      title: appErr.status === 404 ? i18n.t('error.page.notFound') : i18n.t('error.page.title'),
      message,
    });
  };
}
