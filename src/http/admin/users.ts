// Admin pages, all behind requireAdmin and mounted at /admin: desk accounts
// (add, disable or enable, change role, reset password: each audited, each a
// CSRF-checked POST answered with a 303) and the active rate card (read-only:
// editing it stays a reviewed change to config/rate-card.json).
import { Router, type Request, type Response } from 'express';
import type { Container } from '../../container.js';
import { isRole } from '../../db/repos/users.js';
import { AppError, notFound } from '../../errors.js';
import { userAdmin } from '../../services/user-admin.js';
import { MIN_PASSWORD_LENGTH } from '../../auth/password.js';
import { i18nFor } from '../../i18n/index.js';
import { requireAdmin, actorOf, currentUser } from '../core/middleware/auth.js';
import { staffForm } from '../core/middleware/csrf.js';
import { renderStaff, staffErrors } from '../desk/render.js';
import { rateCardTables } from './rate-card.js';
import { postedText } from '../core/posted.js';

type Body = Record<string, unknown>;

const DONE: Record<string, string> = {
  added: 'Account added. Give the person their password by a separate channel; they sign in at /staff/login.',
  role: 'Role changed; it applies from their next page.',
  disabled: 'Account disabled and signed out everywhere.',
  enabled: 'Account enabled again.',
  password: 'Password reset; the account was signed out everywhere.',
};

export function adminRoutes(c: Container): Router {
  const router = Router();
  const admin = userAdmin({
    db: c.db, users: c.repos.users, audit: c.repos.audit, sessions: c.sessionStore,
    scryptLog2N: c.config.passwordScryptLog2N, clock: c.clock,
  });
  router.use(requireAdmin);
  router.get('/', (_req, res) => res.redirect(303, '/admin/users'));

  const showUsers = (req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) =>
    renderStaff(req, res, status, 'admin/users', {
      nav: 'users', title: 'Users', users: c.repos.users.list(), me: currentUser(res),
      minPassword: MIN_PASSWORD_LENGTH, done: Object.hasOwn(DONE, String(req.query.done)) ? DONE[String(req.query.done)] : null,
      problem: null, errors: {}, posted: {}, rowProblem: null, ...extra,
    });

  /** Runs an account change; a mistake or a refusal shows the page again with the message. */
  const attempt = async (req: Request, res: Response, change: () => unknown, done: string, rowId?: number) => {
    try {
      await change();
    } catch (err) {
      if (err instanceof AppError && [404, 409, 422].includes(err.status) && err.code !== 'not_found') {
        const errors = Object.fromEntries((err.fields ?? []).map((f) => [f.path.replace(/^\//, ''), f.message]));
        const body = (req.body ?? {}) as Body;
        return showUsers(req, res, err.status, {
          problem: err.message, errors, rowProblem: rowId ?? null,
          posted: { email: postedText(body, 'email', 300), role: postedText(body, 'role', 300) },
        });
      }
      throw err;
    }
    res.redirect(303, `/admin/users?done=${done}`);
  };

  const target = (raw: unknown): number => {
    const id = String(raw);
    if (!/^\d{1,15}$/.test(id) || !c.repos.users.findById(Number(id))) throw notFound('There is no such account.');
    return Number(id);
  };
  const notSelf = (res: Response, id: number, what: string) => {
    if (currentUser(res)?.id === id) throw new AppError(409, 'self_change', `You cannot ${what} your own account; ask another admin.`);
  };

  router.get('/users', (req, res) => showUsers(req, res, 200));

  router.post('/users', ...staffForm, (req, res) => {
    const b = (req.body ?? {}) as Body;
    const role = postedText(b, 'role', 300);
    return attempt(req, res, () => {
      if (!isRole(role)) throw new AppError(422, 'invalid_user', 'Choose a role.', [{ path: '/role', message: 'Choose a role.' }]);
      return admin.add(actorOf(res), postedText(b, 'email', 300), role, postedText(b, 'password', 1000));
    }, 'added');
  });

  router.post('/users/:id/role', ...staffForm, (req, res) => {
    const id = target(req.params.id);
    const role = postedText(req.body as Body, 'role', 300);
    return attempt(req, res, () => {
      if (!isRole(role)) throw new AppError(422, 'invalid_role', 'Choose staff or admin.');
      return admin.setRole(actorOf(res), id, role);
    }, 'role', id);
  });

  router.post('/users/:id/disable', ...staffForm, (req, res) => {
    const id = target(req.params.id);
    return attempt(req, res, () => {
      notSelf(res, id, 'disable');
      return admin.setDisabled(actorOf(res), id, true);
    }, 'disabled', id);
  });

  router.post('/users/:id/enable', ...staffForm, (req, res) => {
    const id = target(req.params.id);
    return attempt(req, res, () => admin.setDisabled(actorOf(res), id, false), 'enabled', id);
  });

  router.post('/users/:id/password', ...staffForm, (req, res) => {
    const id = target(req.params.id);
    return attempt(req, res, () => admin.resetPassword(actorOf(res), id, postedText(req.body as Body, 'password', 1000)), 'password', id);
  });

  router.get('/rate-card', (req, res) => {
    renderStaff(req, res, 200, 'admin/rate-card', { nav: 'rate-card', title: 'Rate card', ...rateCardTables(c.rateCard, i18nFor('en')) });
  });

  router.use(staffErrors);
  return router;
}
