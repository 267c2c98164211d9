// The last step of every way into the desk (password and code, passkey, single sign-on): a new session id for the
// account, so a session fixed before it is useless, with what the sessions page shows, then on to the desk.
import type { NextFunction, Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import type { User } from '../../domain/accounts.js';
import { describeDevice } from '../../auth/device.js';
import { safeReturnPath } from '../core/middleware/auth.js';

export type SignInMethod = 'password' | 'passkey' | 'sso';

export function completeSignIn(
  services: Services,
  req: Request,
  res: Response,
  next: NextFunction,
  signedIn: { user: User; method: SignInMethod; returnTo: string },
  then: () => void = () => res.redirect(303, safeReturnPath(signedIn.returnTo)),
) {
  const now = services.clock().getTime();
  req.session.regenerate((error) => {
    if (error) return next(error);
    req.session.userId = signedIn.user.id;
    req.session.signedInAt = now;
    req.session.lastSeenAt = now;
    req.session.method = signedIn.method;
    req.session.device = describeDevice(req.get('user-agent'));
    req.session.ip = req.ip;
    // Thrown in a callback, a write error (a full disk) would escape Express: handed on instead.
    try {
      services.signIn.recordSignIn(signedIn.user, signedIn.method);
    } catch (writeError) {
      return next(writeError);
    }
    req.session.save((saveError) => {
      if (saveError) return next(saveError);
      res.locals.user = signedIn.user;
      then();
    });
  });
}
