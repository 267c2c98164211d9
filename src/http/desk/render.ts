// Renders a desk page: English, with the desk layout's data (who is signed in, the CSRF token for its
// forms, the current section).
import type { ErrorRequestHandler, Request, Response } from 'express';
import { AppError } from '../../errors.js';
import { renderPage } from '../core/render.js';
import { csrfToken } from '../core/middleware/csrf.js';
import { currentUser } from '../core/middleware/auth.js';

export function renderDesk(
  req: Request,
  res: Response,
  status: number,
  view: string,
  data: Record<string, unknown> = {},
) {
  res.locals.locale = 'en';
  const user = currentUser(res);
  renderPage(res, status, view, {
    user,
    // Only the sign-in form and signed-in pages carry forms: an anonymous error page
    // must not create a session just to hold a token nobody will use.
    csrf: user || ['staff/login', 'staff/login-code', 'staff/authenticator'].includes(view) ? csrfToken(req) : '',
    section: req.originalUrl.startsWith('/admin') ? 'admin' : 'desk',
    ...data,
  });
}

/** Desk errors the user can act on (403, 404, 409…) in the desk's layout; others go to the app's error handler. */
export const deskErrors: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent || !(err instanceof AppError) || err.status >= 500) return next(err);
  const title = err.status === 404 ? 'Not found' : err.status === 403 ? 'Not allowed' : 'That did not work';
  const message =
    err.status === 404 && err.message === 'Not found.' ? 'There is nothing at this address.' : err.message;
  renderDesk(req, res, err.status, 'staff/error', { title, message });
};
