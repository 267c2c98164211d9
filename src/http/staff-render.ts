// Renders a desk page: English, the staff layout's data (who is signed in, the
// CSRF token for its forms, the current section for the navigation).
import type { Request, Response } from 'express';
import { renderPage } from './render.js';
import { csrfToken } from './middleware/csrf.js';
import { currentUser } from './middleware/auth.js';

export function renderStaff(req: Request, res: Response, status: number, view: string, data: Record<string, unknown> = {}) {
  res.locals.locale = 'en';
  renderPage(res, status, view, {
    user: currentUser(res),
    csrf: csrfToken(req),
    section: req.originalUrl.startsWith('/admin') ? 'admin' : 'staff',
    ...data,
  });
}
