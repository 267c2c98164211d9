// "Sign in with <provider>": GET /staff/login/sso sends the browser to the provider with a fresh state, nonce and
// PKCE verifier kept in the session (10 minutes, used once); the callback checks the answer against them and opens
// the desk for the linked account. The session cookie is SameSite=Lax, so it comes back with the provider's redirect.
import type { NextFunction, Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import { ProviderUnavailable, type SsoRefusal } from '../../services/single-sign-on.js';
import { currentUser, safeReturnPath } from '../core/middleware/auth.js';
import { textValue } from '../core/posted.js';
import { notFound } from '../../errors.js';
import { completeSignIn } from './complete-sign-in.js';
import type { LoginPage } from './login-page.js';
import type { User } from '../../domain/accounts.js';

const RETRY_AFTER_S = 60;

/** The two pages; without a provider configured, both are not found. */
export function singleSignOnPages(
  services: Services,
  login: LoginPage,
  rules: {
    providerName: string;
    /** Set when the desk asks its own second factor after single sign-on (SSO_SECOND_FACTOR=desk). */
    deskSecondStep?: (
      req: Request,
      res: Response,
      next: NextFunction,
      user: User,
      returnTo: string,
      method: 'sso',
    ) => void;
  },
) {
  const { providerName } = rules;
  const configured = services.singleSignOn;
  const provider = () => {
    if (!configured) throw notFound('Single sign-on is not set up for this desk.');
    return configured;
  };
  const REFUSALS: Record<SsoRefusal, string> = {
    unknown_person: `Your ${providerName} address has no desk account. Ask an admin to add it, then sign in again.`,
    email_not_verified: `${providerName} has not verified your email address, so it cannot be matched to a desk account.`,
    no_email: `${providerName} did not share your email address, so it cannot be matched to a desk account.`,
    account_disabled: 'Your desk account is disabled. Ask an admin if you need it again.',
    linked_elsewhere: `This desk account is already linked to another ${providerName} identity. Ask an admin.`,
    provider_error: `${providerName} did not sign you in. Try again, or ask your IT department.`,
    invalid_answer: `The answer from ${providerName} could not be checked, so you are not signed in. Try again.`,
    not_started: 'That sign-in had expired or was started in another browser. Try again.',
  };
  const unavailable = (req: Request, res: Response, returnTo: string, error: Error) => {
    req.log?.warn({ err: error.cause ?? error }, 'single sign-on: the provider is unavailable');
    res.set('Retry-After', String(RETRY_AFTER_S));
    login(req, res, 503, {
      next: returnTo,
      error: `${providerName} cannot be reached just now. Try again in a minute.`,
    });
  };

  return {
    async start(req: Request, res: Response, next: NextFunction) {
      const returnTo = textValue(req.query.next, 500);
      if (currentUser(res)) return res.redirect(303, safeReturnPath(returnTo));
      let started;
      try {
        started = await provider().start();
      } catch (error) {
        if (error instanceof ProviderUnavailable) return unavailable(req, res, returnTo, error);
        throw error;
      }
      req.session.sso = { ...started.pending, next: returnTo };
      req.session.save((error) => (error ? next(error) : res.redirect(303, started.url)));
    },

    async callback(req: Request, res: Response, next: NextFunction) {
      const sso = provider();
      const pending = req.session.sso;
      delete req.session.sso;
      const returnTo = pending?.next ?? '';
      if (!pending) {
        sso.refuseUnstarted();
        return login(req, res, 400, { error: REFUSALS.not_started });
      }
      const queryAt = req.originalUrl.indexOf('?');
      let outcome;
      try {
        outcome = await sso.finish(queryAt === -1 ? '' : req.originalUrl.slice(queryAt), pending);
      } catch (error) {
        if (error instanceof ProviderUnavailable) return unavailable(req, res, returnTo, error);
        throw error;
      }
      if (outcome.kind === 'refused') {
        req.log?.info({ event: 'sso_refused', reason: outcome.reason }, 'single sign-on refused');
        return login(req, res, 403, { next: returnTo, error: REFUSALS[outcome.reason] });
      }
      if (rules.deskSecondStep) return rules.deskSecondStep(req, res, next, outcome.user, returnTo, 'sso');
      completeSignIn(services, req, res, next, { user: outcome.user, method: 'sso', returnTo });
    },
  };
}
