// /staff/account: the signed-in person's sessions (device, address, signed in, last seen), each of which they can
// end, and an admin's "end all sessions" for someone else on /admin/users. CSRF-checked POSTs answered with a 303.
import type { Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import { i18nFor } from '../../i18n/index.js';
import { notFound } from '../../errors.js';
import { actorOf, currentUser } from '../core/middleware/auth.js';
import { renderDesk } from './render.js';

export function accountPages(services: Services) {
  const en = i18nFor('en');
  const when = (iso: string | null) => (iso ? en.dateTime(iso) : '—');
  return {
    show(req: Request, res: Response) {
      const user = currentUser(res)!;
      renderDesk(req, res, 200, 'staff/account', {
        nav: 'account',
        title: 'Your sessions',
        done: req.query.done === 'ended' ? 'The session is ended: that browser is signed out.' : null,
        sessions: services.deskSessions.list(user.id, req.sessionID).map((session) => ({
          ...session,
          signedIn: when(session.signedInAt),
          lastSeen: when(session.lastSeenAt),
        })),
      });
    },
    end(req: Request, res: Response) {
      const id = String(req.params.id);
      if (!/^[A-Za-z0-9_-]{43}$/.test(id)) throw notFound('This session has already ended.');
      const actor = actorOf(res);
      services.deskSessions.end({ ...actor, id: actor.id! }, id);
      res.redirect(303, '/staff/account?done=ended');
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
