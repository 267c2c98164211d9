// /admin/api-tokens: read-only tokens for accounting and BI. A new token is shown once, on the page that makes it;
// the list shows each one's name, maker and last use; revoking takes effect at the next call.
import type { Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import { notFound } from '../../errors.js';
import { actorOf } from '../core/middleware/auth.js';
import { postedText } from '../core/posted.js';
import { i18nFor } from '../../i18n/index.js';
import { renderDesk } from '../desk/render.js';

export function apiTokenPages(services: Services) {
  const en = i18nFor('en');
  const when = (iso: string | null) => (iso ? en.dateTime(iso) : '—');
  const page = (req: Request, res: Response, status: number, data: Record<string, unknown> = {}) =>
    renderDesk(req, res, status, 'admin/api-tokens', {
      nav: 'api-tokens',
      title: 'API tokens',
      tokens: services.readApi.list().map((token) => ({
        ...token,
        created: when(token.createdAt),
        lastUsed: token.lastUsedAt ? when(token.lastUsedAt) : 'Never',
        revoked: token.revokedAt ? when(token.revokedAt) : null,
      })),
      created: null,
      error: null,
      done: req.query.done === 'revoked' ? 'The token is revoked: calls with it are refused from now on.' : null,
      ...data,
    });
  return {
    show: (req: Request, res: Response) => page(req, res, 200),
    create(req: Request, res: Response) {
      const name = postedText(req.body, 'name', 80).trim();
      if (!name) return page(req, res, 422, { error: 'Give the token a name, e.g. "Accounting export".' });
      const { token } = services.readApi.create(actorOf(res), name);
      page(req, res, 201, { created: { name, token } });
    },
    revoke(req: Request, res: Response) {
      const id = String(req.params.id);
      if (!/^\d{1,15}$/.test(id) || !services.readApi.revoke(actorOf(res), Number(id))) {
        throw notFound('There is no such token, or it is revoked already.');
      }
      res.redirect(303, '/admin/api-tokens?done=revoked');
    },
  };
}
