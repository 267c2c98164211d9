// /staff/account: the signed-in person's sessions (device, address, signed in, last seen), each of which they can
// end, and an admin's "end all sessions" for someone else on /admin/users. CSRF-checked POSTs answered with a 303.
import type { Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import { i18nFor } from '../../i18n/index.js';
import { notFound } from '../../errors.js';
import { actorOf, currentUser } from '../core/middleware/auth.js';
import { renderDesk } from './render.js';
import { authenticatorView } from './authenticator-view.js';
import { postedText } from '../core/posted.js';
import { PASSKEY_SCRIPTS } from './login-page.js';

export const WRONG_ENROL_CODE =
  'That code is not the one your app shows now. Check the app has the desk and type its code again.';

const DONE: Record<string, string> = {
  ended: 'The session is ended: that browser is signed out.',
  'passkey-added': 'Your passkey is added: next time, sign in with it alone.',
  'passkey-removed': 'The passkey is removed: it no longer opens the desk.',
};
/** Adding a way to sign in (a passkey, an authenticator app) needs a sign-in this recent: a session left open on
 * someone's desk, or stolen, cannot give itself a lasting way back in. */
export const RECENT_SIGN_IN_MINUTES = 15;
export const signedInRecently = (services: Services, req: Request) =>
  services.clock().getTime() - (req.session.signedInAt ?? 0) <= RECENT_SIGN_IN_MINUTES * 60_000;
const SIGN_IN_AGAIN_FOR_APP = `Setting up an authenticator app needs a recent sign-in: sign out, sign in again, then set it up within ${RECENT_SIGN_IN_MINUTES} minutes.`;

const METHOD = { password: 'password', passkey: 'passkey', sso: 'single sign-on' };

/** The account page: two-step sign-in, passkeys and sessions, with a confirmation or an error at the top. */
export function accountPage(services: Services, sso: { providerName: string | undefined; required: boolean }) {
  const { providerName, required: ssoRequired } = sso;
  const en = i18nFor('en');
  const when = (iso: string | null) => (iso ? en.dateTime(iso) : '—');
  return (req: Request, res: Response, status: number, message: { done?: string | null; error?: string | null }) => {
    const user = currentUser(res)!;
    renderDesk(req, res, status, 'staff/account', {
      nav: 'account',
      title: 'Your account',
      totp: services.secondFactor.hasTotp(user.id),
      recoveryCodesLeft: services.secondFactor.recoveryCodesLeft(user.id),
      passkeys: services.passkeys.list(user.id).map((passkey) => ({
        id: passkey.id,
        name: passkey.name,
        added: when(passkey.createdAt),
        lastUsed: passkey.lastUsedAt ? when(passkey.lastUsedAt) : 'Not yet',
      })),
      scripts: PASSKEY_SCRIPTS,
      recent: signedInRecently(services, req),
      recentMinutes: RECENT_SIGN_IN_MINUTES,
      passkeysOff: ssoRequired,
      sso: providerName
        ? {
            name: providerName,
            identities: (services.singleSignOn?.identitiesOf(user.id) ?? []).map((identity) => ({
              email: identity.email,
              linked: when(identity.linkedAt),
              lastUsed: when(identity.lastUsedAt),
            })),
          }
        : null,
      done: message.done ?? null,
      error: message.error ?? null,
      sessions: services.deskSessions.list(user.id, req.sessionID).map((session) => ({
        ...session,
        method: session.method ? METHOD[session.method] : null,
        signedIn: when(session.signedInAt),
        lastSeen: when(session.lastSeenAt),
      })),
    });
  };
}

export function accountPages(services: Services, sso: { providerName: string | undefined; required: boolean }) {
  const renderAccount = accountPage(services, sso);
  const authenticatorPage = (req: Request, res: Response, status: number, secret: string, error: string | null) => {
    const uri = services.secondFactor.totpUri(currentUser(res)!.email, secret);
    renderDesk(req, res, status, 'staff/authenticator', {
      nav: 'account',
      title: 'Set up an authenticator app',
      ...authenticatorView(uri, secret),
      action: '/staff/account/authenticator',
      first: false,
      error,
    });
  };
  return {
    show(req: Request, res: Response) {
      const done = typeof req.query.done === 'string' ? DONE[req.query.done] : undefined;
      renderAccount(req, res, 200, { done: done ?? null });
    },
    end(req: Request, res: Response) {
      const id = String(req.params.id);
      if (!/^[A-Za-z0-9_-]{43}$/.test(id)) throw notFound('This session has already ended.');
      const actor = actorOf(res);
      services.deskSessions.end({ ...actor, id: actor.id! }, id);
      res.redirect(303, '/staff/account?done=ended');
    },
    /** Setting up an authenticator app: a new secret as a QR code and as text, kept in the session until confirmed. */
    showAuthenticator(req: Request, res: Response) {
      const user = currentUser(res)!;
      if (services.secondFactor.hasTotp(user.id)) return res.redirect(303, '/staff/account');
      if (!signedInRecently(services, req)) return renderAccount(req, res, 403, { error: SIGN_IN_AGAIN_FOR_APP });
      const secret = services.secondFactor.newSecret();
      req.session.enrolSecret = secret;
      authenticatorPage(req, res, 200, secret, null);
    },
    confirmAuthenticator(req: Request, res: Response) {
      const user = currentUser(res)!;
      const secret = req.session.enrolSecret;
      if (!secret || services.secondFactor.hasTotp(user.id)) return res.redirect(303, '/staff/account');
      if (!signedInRecently(services, req)) return renderAccount(req, res, 403, { error: SIGN_IN_AGAIN_FOR_APP });
      const code = postedText(req.body as Record<string, unknown>, 'code', 40);
      const codes = services.secondFactor.confirm(actorOf(res), user.id, secret, code);
      if (!codes) return authenticatorPage(req, res, 422, secret, WRONG_ENROL_CODE);
      delete req.session.enrolSecret;
      renderDesk(req, res, 200, 'staff/recovery-codes', { nav: 'account', title: 'Your recovery codes', codes });
    },
    /** An admin ends every session of another account. */
    endAll(req: Request, res: Response) {
      const id = String(req.params.id);
      if (!/^\d{1,15}$/.test(id) || !services.users.findById(Number(id))) throw notFound('There is no such account.');
      services.deskSessions.endAll(actorOf(res), Number(id));
      res.redirect(303, '/admin/users?done=sessions');
    },
  };
}
