// CSRF: a synchronizer token (csrf-sync) kept in the session and sent back as the hidden `_csrf` field of
// every desk form. A missing or wrong token is a 403.
import type { Request, RequestHandler } from 'express';
import { deskFormBody } from './bodies.js';
import { csrfSync } from 'csrf-sync';
import { AppError } from '../../../errors.js';

const CSRF_FIELD = '_csrf';

const sync = csrfSync({
  getTokenFromRequest: (req) => {
    const token = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    return typeof token === 'string' ? token : undefined;
  },
});

/** The session's token (made on first use), for the hidden field of a form. */
export const csrfToken = (req: Request): string => sync.generateToken(req);

export const isCsrfValid = (req: Request): boolean => sync.isRequestValid(req);

const verifyCsrf: RequestHandler = (req, _res, next) => {
  if (!sync.isRequestValid(req)) {
    throw new AppError(
      403,
      'csrf_invalid',
      'This form has expired or did not come from the desk. Go back, reload the page and try again.',
    );
  }
  next();
};

/** Body parser and token check for every state-changing desk or admin form. */
export const deskForm: RequestHandler[] = [deskFormBody, verifyCsrf];
