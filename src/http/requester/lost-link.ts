// "Lost the link?" (/licensing/requests): an email address in, one email listing its open requests out. The page
// answers the same whether or not the address has requests, so it tells nobody who has asked for what.
import type { Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import { isEmailAddress } from '../../email-address.js';
import { i18nFor } from '../../i18n/index.js';
import { postedText } from '../core/posted.js';
import { renderPage } from '../core/render.js';

export function lostLinkPages(services: Services) {
  const form = (res: Response, status: number, extra: Record<string, unknown> = {}) =>
    renderPage(res, status, 'public/lost-link', {
      token: services.formTokens.issue(),
      email: '',
      error: null,
      problem: null,
      sent: null,
      ...extra,
    });

  return {
    show: (_req: Request, res: Response) => form(res, 200),
    send(req: Request, res: Response) {
      const i18n = i18nFor(res.locals.locale);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const email = postedText(body, 'email', 300).trim();
      const token = services.formTokens.check(postedText(body, 'form_token', 200));
      if (!token.ok) return form(res, 403, { email, problem: i18n.t('request.error.form_token') });
      if (!isEmailAddress(email)) {
        const error = i18n.t('links.invalid');
        return form(res, 422, { email, error, problem: error });
      }
      try {
        services.requesterPages.sendLinks(email);
      } catch (error) {
        const full = services.storage.refuse('database', error, 'link email', req.log);
        if (full) throw full;
        throw error;
      }
      services.storage.wrote('database');
      form(res, 200, { sent: email });
    },
  };
}
