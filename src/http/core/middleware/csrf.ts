// CSRF: a synchronizer token (csrf-sync) kept in the session and sent back as the
// hidden `_csrf` field of every staff form. A missing or wrong token is a 403.
import express, { type Request, type RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { AppError } from '../../../errors.js';

export const CSRF_FIELD = '_csrf';

const sync = csrfSync({
  getTokenFromRequest: (req) => {
    const v = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    return typeof v === 'string' ? v : undefined;
  },
});

/** The session's token (made on first use), for the hidden field of a form. */
export const csrfToken = (req: Request): string => sync.generateToken(req);

export const isCsrfValid = (req: Request): boolean => sync.isRequestValid(req);

export const verifyCsrf: RequestHandler = (req, _res, next) => {
  if (!sync.isRequestValid(req)) {
    throw new AppError(
      403,
      'csrf_invalid',
      'This form has expired or did not come from the desk. Go back, reload the page and try again.',
    );
  }
  next();
};

export const formBody = express.urlencoded({ extended: false, limit: '128kb', parameterLimit: 200 });

/** Body parser and token check for every state-changing staff or admin form. */
export const staffForm: RequestHandler[] = [formBody, verifyCsrf];
