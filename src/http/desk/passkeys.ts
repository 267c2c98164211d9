// Passkeys over HTTP. Adding one (account page) and signing in with one (sign-in page) each take two requests: a
// CSRF-checked POST for the options, whose challenge the session keeps for 5 minutes, then the form carrying the
// browser's answer, checked once against that challenge. Answers are ordinary pages and redirects.
import type { NextFunction, Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import { WINDOW_MS } from '../../services/sign-in.js';
import { notFound } from '../../errors.js';
import { isCsrfValid } from '../core/middleware/csrf.js';
import { actorOf, currentUser } from '../core/middleware/auth.js';
import { postedText } from '../core/posted.js';
import { accountPage, RECENT_SIGN_IN_MINUTES, signedInRecently } from './account.js';
import { completeSignIn } from './complete-sign-in.js';
import type { LoginPage } from './login-page.js';

/** A registration answer holds the public key and attestation: a few kilobytes. */
const MAX_ANSWER = 64_000;
const EXPIRED = 'The page had expired. Reload it and try again.';
const NOT_SAVED =
  'The passkey was not added: the browser’s answer did not match this desk, or the passkey is already added.';
const REFUSED = 'That passkey does not open the desk: it was removed, or its account is disabled.';
const THROTTLED = 'Too many failed sign-ins from this network. Wait 15 minutes and try again.';
const SSO_ONLY = 'Passkeys are turned off: sign in with your organisation’s account.';
const SIGN_IN_AGAIN = `Adding a passkey needs a recent sign-in: sign out, sign in again, then add it within ${RECENT_SIGN_IN_MINUTES} minutes.`;

export function passkeyPages(
  services: Services,
  login: LoginPage,
  sso: { required: boolean; providerName: string | undefined },
) {
  const renderAccount = accountPage(services, sso);
  const ssoRequired = sso.required;

  /** The challenge this session was given last; the service uses it up (once, within 5 minutes). */
  const takeChallenge = (req: Request) => {
    const challenge = req.session.passkeyChallenge;
    delete req.session.passkeyChallenge;
    return challenge;
  };
  const sendOptions = (req: Request, res: Response, next: NextFunction, options: { challenge: string }) => {
    req.session.passkeyChallenge = options.challenge;
    req.session.save((error) => (error ? next(error) : res.json(options)));
  };
  const posted = (req: Request, name: string, max: number) => postedText(req.body, name, max);

  return {
    async registrationOptions(req: Request, res: Response, next: NextFunction) {
      if (ssoRequired) return res.status(403).json({ error: SSO_ONLY });
      if (!signedInRecently(services, req)) return res.status(403).json({ error: SIGN_IN_AGAIN });
      sendOptions(req, res, next, await services.passkeys.registrationOptions(currentUser(res)!));
    },

    async add(req: Request, res: Response) {
      const user = currentUser(res)!;
      if (ssoRequired) return renderAccount(req, res, 403, { error: SSO_ONLY });
      if (!signedInRecently(services, req)) return renderAccount(req, res, 403, { error: SIGN_IN_AGAIN });
      const challenge = takeChallenge(req);
      if (!challenge) return renderAccount(req, res, 400, { error: EXPIRED });
      const name = posted(req, 'name', 60).trim() || 'Passkey';
      const answer = posted(req, 'response', MAX_ANSWER);
      const outcome = await services.passkeys.register(actorOf(res), user, answer, challenge, name);
      if (outcome === 'expired') return renderAccount(req, res, 400, { error: EXPIRED });
      if (outcome === 'refused') return renderAccount(req, res, 422, { error: NOT_SAVED });
      res.redirect(303, '/staff/account?done=passkey-added');
    },

    remove(req: Request, res: Response) {
      const id = String(req.params.id);
      const user = currentUser(res)!;
      if (!/^\d{1,15}$/.test(id) || !services.passkeys.remove(actorOf(res), user.id, Number(id))) {
        throw notFound('There is no such passkey on your account.');
      }
      res.redirect(303, '/staff/account?done=passkey-removed');
    },

    async signInOptions(req: Request, res: Response, next: NextFunction) {
      if (ssoRequired) return res.status(403).json({ error: SSO_ONLY });
      if (!isCsrfValid(req)) return res.status(403).json({ error: EXPIRED });
      sendOptions(req, res, next, await services.passkeys.authenticationOptions());
    },

    async signIn(req: Request, res: Response, next: NextFunction) {
      const returnTo = posted(req, 'next', 500);
      if (ssoRequired) return login(req, res, 403, { next: returnTo, error: SSO_ONLY });
      if (!isCsrfValid(req)) return login(req, res, 403, { next: returnTo, error: EXPIRED });
      const challenge = takeChallenge(req);
      if (!challenge) return login(req, res, 400, { next: returnTo, error: EXPIRED });
      const outcome = await services.passkeys.signIn(
        posted(req, 'response', MAX_ANSWER),
        challenge,
        req.ip ?? 'unknown',
      );
      if (outcome.kind === 'throttled') {
        res.set('Retry-After', String(WINDOW_MS / 1000));
        return login(req, res, 429, { next: returnTo, error: THROTTLED });
      }
      if (outcome.kind === 'expired') return login(req, res, 400, { next: returnTo, error: EXPIRED });
      if (outcome.kind === 'refused') return login(req, res, 401, { next: returnTo, error: REFUSED });
      completeSignIn(services, req, res, next, { user: outcome.user, method: 'passkey', returnTo });
    },
  };
}
