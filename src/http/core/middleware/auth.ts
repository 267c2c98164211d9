// Who is signed in. loadUser applies the idle and absolute time-outs (against the app clock) and re-reads
// the account on every request, so a disabled account or a changed role takes effect at once. signedIn and
// adminOnly guard routes: anonymous → 303 to sign in; a desk user on an admin page → 403.
import type { Request, RequestHandler, Response } from 'express';
import type { Services } from '../../../services/services.js';
import type { Actor, User } from '../../../domain/accounts.js';
import { forbidden } from '../../../errors.js';

const LOGIN_PATH = '/staff/login';

export function loadUser(
  services: Services,
  timeouts: { idleMinutes: number; absoluteHours: number },
  ssoRequired: boolean,
): RequestHandler {
  const idleMs = timeouts.idleMinutes * 60_000;
  const absoluteMs = timeouts.absoluteHours * 60 * 60_000;
  return (req, res, next) => {
    const session = req.session;
    if (!session?.userId) return next();
    const now = services.clock().getTime();
    const expired = now - (session.signedInAt ?? 0) > absoluteMs || now - (session.lastSeenAt ?? 0) > idleMs;
    // Once single sign-on is required, sessions opened another way before it end at their next page.
    const refused = expired || (ssoRequired && session.method !== 'sso');
    const user = refused ? undefined : services.signIn.findUser(session.userId);
    if (!user || user.disabledAt) {
      return session.destroy((error) => next(error));
    }
    // At most once a minute: a changed session costs a durable commit, and the idle time-out is in minutes.
    if (now - (session.lastSeenAt ?? 0) >= 60_000) session.lastSeenAt = now;
    res.locals.user = user;
    next();
  };
}

export const currentUser = (res: Response): User | undefined => res.locals.user as User | undefined;

/** The signed-in user as the audit log names them. */
export function actorOf(res: Response): Actor {
  const user = currentUser(res);
  if (!user) throw new Error('actorOf called on a route without the signedIn guard');
  return { id: user.id, label: user.email };
}

function toLogin(req: Request, res: Response) {
  // Only GET pages are worth returning to; a POST would replay nothing useful.
  const back = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
  res.redirect(303, `${LOGIN_PATH}${back}`);
}

export const signedIn: RequestHandler = (req, res, next) => {
  if (!currentUser(res)) return toLogin(req, res);
  next();
};

export const adminOnly: RequestHandler = (req, res, next) => {
  const user = currentUser(res);
  if (!user) return toLogin(req, res);
  if (user.role !== 'admin') throw forbidden('This page is for admins.');
  next();
};

/** A `next` parameter is followed only to a page of the desk itself (no open redirect). */
export function safeReturnPath(next: unknown): string {
  if (typeof next !== 'string') return '/staff/requests';
  if (!/^\/(staff|admin)(\/|$|\?)/.test(next) || next.startsWith(LOGIN_PATH)) return '/staff/requests';
  if (next.includes('\\') || next.includes('//')) return '/staff/requests';
  return next;
}
