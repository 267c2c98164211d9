// The desk's session: express-session on our SQLite store, mounted on /staff and /admin only, so the public
// form never sets a session cookie. The cookie lives as long as the idle time-out and is renewed on each
// request (rolling); the absolute time-out is checked in ./auth.ts against the app clock.
import session from 'express-session';
import type { RequestHandler } from 'express';
import type { Config } from '../../../config.js';
import type { Services } from '../../../services/services.js';
import { noStore } from './security.js';
import { loadUser } from './auth.js';

export const sessionCookieName = (production: boolean) => (production ? '__Host-reprise.sid' : 'reprise.sid');

function sessionMiddleware(services: Services, config: Readonly<Config>): RequestHandler {
  const production = config.env === 'production';
  return session({
    // __Host- binds the cookie to this exact origin over https (no Domain, Path=/).
    name: sessionCookieName(production),
    secret: services.sessions.secret,
    store: services.sessions.store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    unset: 'destroy',
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: production,
      path: '/',
      maxAge: config.sessionIdleMinutes * 60_000,
    },
  });
}

/** Everything /staff and /admin share: never cached, English, the session and the signed-in user. */
export function deskSession(services: Services, config: Readonly<Config>): RequestHandler[] {
  const english: RequestHandler = (_req, res, next) => {
    res.locals.locale = 'en';
    next();
  };
  const timeouts = { idleMinutes: config.sessionIdleMinutes, absoluteHours: config.sessionAbsoluteHours };
  return [noStore, english, sessionMiddleware(services, config), loadUser(services, timeouts, config.ssoRequired)];
}
