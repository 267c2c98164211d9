// Sign-in and sign-out. A wrong password, an unknown email and a disabled account
// all get the same answer (and take as long: an unknown email is checked against
// a decoy hash). Throttled per account and per IP (src/auth/login-throttle.ts).
// A new session id is issued at sign-in, so a session fixed before it is useless.
import { Router, type Request, type Response } from 'express';
import type { Container } from '../../container.js';
import { decoyHash, verifyPassword, MAX_PASSWORD_LENGTH } from '../../auth/password.js';
import { loginThrottle, throttleKey, WINDOW_MS } from '../../db/repos/login-attempts.js';
import { normaliseEmail } from '../../db/repos/users.js';
import { csrfToken, formBody, isCsrfValid, staffForm } from '../core/middleware/csrf.js';
import { sessionCookieName } from '../core/middleware/session.js';
import { currentUser, safeReturnPath } from '../core/middleware/auth.js';
import { renderStaff } from './render.js';
import { perIpLimit } from '../core/middleware/rate-limits.js';
import { textValue } from '../core/posted.js';

const GENERIC_FAILURE = 'The email address or password is not right, or the account is disabled.';
const EXPIRED = 'The sign-in form had expired. Please sign in again.';
const THROTTLED = 'Too many failed sign-ins. Wait 15 minutes and try again, or ask an admin to reset your password.';

/** scrypt runs on libuv's 4 worker threads; more than this many at once only queues. */
const MAX_CONCURRENT_VERIFICATIONS = 8;


export function staffAuthRoutes(c: Container): Router {
  const router = Router();
  const throttle = loginThrottle(c.db);
  let decoy: Promise<string> | undefined;
  let verifying = 0;

  const show = (req: Request, res: Response, status: number, data: Record<string, unknown>) =>
    renderStaff(req, res, status, 'staff/login', { email: '', next: '', error: null, notice: null, ...data });

  // The sign-in page makes a session (for its CSRF token): a per-IP limit keeps a flood
  // of anonymous page loads from filling the sessions table and the disk's fsyncs.
  const pageLimit = perIpLimit(c.config.rateLimitLoginPerMinute, 60_000);

  router.get('/staff/login', pageLimit, (req, res, next) => {
    if (currentUser(res)) return res.redirect(303, safeReturnPath(req.query.next));
    const notice = req.query.signedout === '1' ? 'You are signed out.' : null;
    // The form's CSRF token is kept in the session: saved before the page goes out, so a disk too
    // full to keep it is told now (503), not as an expired form at sign-in.
    csrfToken(req);
    req.session.save((err) => (err ? next(err) : show(req, res, 200, { next: textValue(req.query.next, 500), notice })));
  });

  router.post('/staff/login', pageLimit, formBody, async (req, res, next) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = normaliseEmail(textValue(body.email, 254));
    const password = textValue(body.password, MAX_PASSWORD_LENGTH + 1);
    const returnTo = textValue(body.next, 500);
    // A form left open past the session's life: refused (403) but shown again, ready to use.
    if (!isCsrfValid(req)) return show(req, res, 403, { email, next: returnTo, error: EXPIRED });
    const ip = throttleKey(req.ip ?? 'unknown');
    const now = c.clock();
    // Busy with password checks (each costs ~128 MiB of scrypt): refuse rather than queue.
    if (throttle.blocked(email, ip, now) || verifying >= MAX_CONCURRENT_VERIFICATIONS) {
      res.set('Retry-After', String(WINDOW_MS / 1000));
      return show(req, res, 429, { email, next: returnTo, error: THROTTLED });
    }
    // Counted as a failure BEFORE the slow check and forgiven on success, so attempts sent
    // in parallel cannot all pass the limit while their hashes are being computed.
    throttle.recordFailure(email, ip, now);
    const row = email ? c.repos.users.findRowByEmail(email) : undefined;
    decoy ??= decoyHash(c.config.passwordScryptLog2N);
    verifying++;
    let ok: boolean;
    try {
      ok = (await verifyPassword(password, row?.password_hash ?? (await decoy))) && !!row && !row.disabled_at;
    } finally {
      verifying--;
    }
    if (!ok || !row) {
      req.log?.info({ event: 'login_failed' }, 'sign-in refused');
      return show(req, res, 401, { email, next: returnTo, error: GENERIC_FAILURE });
    }
    throttle.recordSuccess(email);
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.userId = row.id;
      req.session.signedInAt = now.getTime();
      req.session.lastSeenAt = now.getTime();
      // Thrown in a callback, a write error (a full disk) would escape Express: handed on instead.
      try {
        c.repos.users.recordLogin(row.id, now.toISOString());
      } catch (writeErr) {
        return next(writeErr);
      }
      req.session.save((saveErr) => (saveErr ? next(saveErr) : res.redirect(303, safeReturnPath(returnTo))));
    });
  });

  router.post('/staff/logout', ...staffForm, (req, res, next) => {
    req.session.destroy((err) => {
      if (err) return next(err);
      res.clearCookie(sessionCookieName(c.config.env === 'production'), { path: '/' });
      res.redirect(303, '/staff/login?signedout=1');
    });
  });

  return router;
}
