// Sign-in and sign-out pages. The rules (same answer for every failure, throttling) are the sign-in
// service's; here a new session id is issued at sign-in, so a session fixed before it is useless, and
// sign-out deletes the session on the server.
import type { NextFunction, Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import { WINDOW_MS } from '../../services/sign-in.js';
import { MAX_PASSWORD_LENGTH } from '../../auth/password.js';
import { normaliseEmail } from '../../email-address.js';
import { csrfToken, isCsrfValid } from '../core/middleware/csrf.js';
import { sessionCookieName } from '../core/middleware/session.js';
import { currentUser, safeReturnPath } from '../core/middleware/auth.js';
import { textValue } from '../core/posted.js';
import { renderDesk } from './render.js';
import type { User } from '../../domain/accounts.js';
import { authenticatorView } from './authenticator-view.js';
import { WRONG_ENROL_CODE } from './account.js';
import { completeSignIn } from './complete-sign-in.js';
import type { LoginPage } from './login-page.js';

const GENERIC_FAILURE = 'The email address or password is not right, or the account is disabled.';
const EXPIRED = 'The sign-in form had expired. Please sign in again.';
const THROTTLED = 'Too many failed sign-ins. Wait 15 minutes and try again, or ask an admin to reset your password.';
const WRONG_CODE = 'That code is not right, or was already used. Type the code your app shows now, or a recovery code.';
const SSO_ONLY = 'Passwords are turned off: sign in with your organisation’s account.';
const CODE_PATH = '/staff/login/code';
const ENROL_PATH = '/staff/login/enrol';

/** Between the password and the code: past this, the password is asked for again. */
const PENDING_MS = 10 * 60_000;

export function signInPages(
  services: Services,
  show: LoginPage,
  rules: { production: boolean; secondFactorRequired: boolean; ssoRequired: boolean },
) {
  const { production, secondFactorRequired } = rules;
  const showCodePage = (req: Request, res: Response, status: number, error: string | null) =>
    renderDesk(req, res, status, 'staff/login-code', { title: 'Your sign-in code', error });

  /** The account that gave its password in this session within 10 minutes for `step`, still enabled; else undefined. */
  const pendingUser = (req: Request, step: 'code' | 'enrol') => {
    const pending = req.session.pending;
    if (!pending || pending.step !== step || services.clock().getTime() - pending.at > PENDING_MS) return undefined;
    const user = services.signIn.findUser(pending.userId);
    return user && !user.disabledAt ? user : undefined;
  };

  /** Signed in by the way the first step was taken (a password, or single sign-on where the desk asks its own code). */
  const signInAs = (req: Request, res: Response, next: NextFunction, user: User, returnTo: string, then?: () => void) =>
    completeSignIn(
      services,
      req,
      res,
      next,
      { user, method: req.session.pending?.method ?? 'password', returnTo },
      then,
    );

  /** After the first step: with a second factor it leads to its code; without one, where one is required, to
   * setting it up; else into the desk. Until then the session carries no account. */
  const secondStep = (
    req: Request,
    res: Response,
    next: NextFunction,
    user: User,
    returnTo: string,
    method: 'password' | 'sso',
  ) => {
    const step = services.secondFactor.hasTotp(user.id) ? CODE_PATH : secondFactorRequired ? ENROL_PATH : undefined;
    if (!step) return completeSignIn(services, req, res, next, { user, method, returnTo });
    req.session.regenerate((error) => {
      if (error) return next(error);
      const waitsFor = step === CODE_PATH ? 'code' : 'enrol';
      req.session.pending = { userId: user.id, at: services.clock().getTime(), next: returnTo, step: waitsFor, method };
      req.session.save((saveError) => (saveError ? next(saveError) : res.redirect(303, step)));
    });
  };
  const enrolPage = (
    req: Request,
    res: Response,
    status: number,
    email: string,
    secret: string,
    error: string | null,
  ) =>
    renderDesk(req, res, status, 'staff/authenticator', {
      title: 'Set up your second factor',
      ...authenticatorView(services.secondFactor.totpUri(email, secret), secret),
      action: ENROL_PATH,
      first: true,
      error,
    });

  return {
    secondStep,

    show(req: Request, res: Response, next: NextFunction) {
      if (currentUser(res)) return res.redirect(303, safeReturnPath(req.query.next));
      const notice = req.query.signedout === '1' ? 'You are signed out.' : null;
      // The form's CSRF token is kept in the session: saved before the page goes out, so a disk too
      // full to keep it is told now (503), not as an expired form at sign-in.
      csrfToken(req);
      const returnTo = textValue(req.query.next, 500);
      req.session.save((error) => (error ? next(error) : show(req, res, 200, { next: returnTo, notice })));
    },

    async signIn(req: Request, res: Response, next: NextFunction) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const email = normaliseEmail(textValue(body.email, 254));
      const password = textValue(body.password, MAX_PASSWORD_LENGTH + 1);
      const returnTo = textValue(body.next, 500);
      // A form left open past the session's life: refused (403) but shown again, ready to use.
      // Refusing changes nothing, so it comes before the CSRF check (the page has no password form to carry one).
      if (rules.ssoRequired) return show(req, res, 403, { next: returnTo, error: SSO_ONLY });
      if (!isCsrfValid(req)) return show(req, res, 403, { email, next: returnTo, error: EXPIRED });
      const outcome = await services.signIn.attempt(email, password, req.ip ?? 'unknown');
      if (outcome.kind === 'throttled') {
        res.set('Retry-After', String(WINDOW_MS / 1000));
        return show(req, res, 429, { email, next: returnTo, error: THROTTLED });
      }
      if (outcome.kind === 'refused') {
        req.log?.info({ event: 'login_failed' }, 'sign-in refused');
        return show(req, res, 401, { email, next: returnTo, error: GENERIC_FAILURE });
      }
      secondStep(req, res, next, outcome.user, returnTo, 'password');
    },

    /** Setting up the second factor before the desk opens: the key as a QR code and text, kept in the session. */
    showEnrol(req: Request, res: Response) {
      const user = pendingUser(req, 'enrol');
      if (!user || services.secondFactor.hasTotp(user.id)) return res.redirect(303, '/staff/login');
      req.session.enrolSecret ??= services.secondFactor.newSecret();
      enrolPage(req, res, 200, user.email, req.session.enrolSecret, null);
    },

    submitEnrol(req: Request, res: Response, next: NextFunction) {
      const user = pendingUser(req, 'enrol');
      const secret = req.session.enrolSecret;
      if (!user || !secret || services.secondFactor.hasTotp(user.id)) return res.redirect(303, '/staff/login');
      if (!isCsrfValid(req)) return enrolPage(req, res, 403, user.email, secret, EXPIRED);
      const code = textValue((req.body as Record<string, unknown> | undefined)?.code, 40);
      const codes = services.secondFactor.confirm({ id: user.id, label: user.email }, user.id, secret, code);
      if (!codes) return enrolPage(req, res, 422, user.email, secret, WRONG_ENROL_CODE);
      signInAs(req, res, next, user, '', () => {
        renderDesk(req, res, 200, 'staff/recovery-codes', { title: 'Your recovery codes', codes });
      });
    },

    /** The second step: the code from the authenticator app, or a recovery code. */
    showCode(req: Request, res: Response) {
      if (!pendingUser(req, 'code')) return res.redirect(303, '/staff/login');
      showCodePage(req, res, 200, null);
    },

    submitCode(req: Request, res: Response, next: NextFunction) {
      const user = pendingUser(req, 'code');
      if (!user) return res.redirect(303, '/staff/login');
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (!isCsrfValid(req)) return showCodePage(req, res, 403, EXPIRED);
      const outcome = services.secondFactor.verify(user, textValue(body.code, 40), req.ip ?? 'unknown');
      if (outcome === 'throttled') {
        res.set('Retry-After', String(WINDOW_MS / 1000));
        return showCodePage(req, res, 429, THROTTLED);
      }
      if (outcome === 'refused') return showCodePage(req, res, 401, WRONG_CODE);
      signInAs(req, res, next, user, req.session.pending?.next ?? '');
    },

    signOut(req: Request, res: Response, next: NextFunction) {
      req.session.destroy((error) => {
        if (error) return next(error);
        res.clearCookie(sessionCookieName(production), { path: '/' });
        res.redirect(303, '/staff/login?signedout=1');
      });
    },
  };
}
