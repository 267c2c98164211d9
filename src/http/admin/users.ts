// /admin/users: desk accounts (add, disable or enable, change role, reset password), each audited by the
// user-admin service, each a CSRF-checked POST answered with a 303; a mistake or a refusal shows the page
// again with the message and what was typed.
import type { Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import { isRole } from '../../domain/accounts.js';
import { AppError, notFound } from '../../errors.js';
import { MIN_PASSWORD_LENGTH } from '../../auth/password.js';
import { actorOf, currentUser } from '../core/middleware/auth.js';
import { postedText } from '../core/posted.js';
import { renderDesk } from '../desk/render.js';

type Body = Record<string, unknown>;

const DONE: Record<string, string> = {
  added: 'Account added. Give the person their password by a separate channel; they sign in at /staff/login.',
  role: 'Role changed; it applies from their next page.',
  disabled: 'Account disabled and signed out everywhere.',
  enabled: 'Account enabled again.',
  password: 'Password reset; the account was signed out everywhere.',
  sessions: 'Every session of the account is ended: it is signed out everywhere.',
};

export function userPages(services: Services) {
  const users = services.users;

  const show = (req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) => {
    const done = String(req.query.done);
    renderDesk(req, res, status, 'admin/users', {
      nav: 'users',
      title: 'Users',
      users: users.list(),
      me: currentUser(res),
      minPassword: MIN_PASSWORD_LENGTH,
      done: Object.hasOwn(DONE, done) ? DONE[done] : null,
      problem: null,
      errors: {},
      posted: {},
      rowProblem: null,
      ...extra,
    });
  };

  /** Runs an account change; a mistake or a refusal shows the page again with the message. */
  const attempt = async (req: Request, res: Response, change: () => unknown, done: string, rowId?: number) => {
    try {
      await change();
    } catch (err) {
      if (err instanceof AppError && [404, 409, 422].includes(err.status) && err.code !== 'not_found') {
        const errors = Object.fromEntries(
          (err.fields ?? []).map((field) => [field.path.replace(/^\//, ''), field.message]),
        );
        const body = (req.body ?? {}) as Body;
        return show(req, res, err.status, {
          problem: err.message,
          errors,
          rowProblem: rowId ?? null,
          posted: { email: postedText(body, 'email', 300), role: postedText(body, 'role', 300) },
        });
      }
      throw err;
    }
    res.redirect(303, `/admin/users?done=${done}`);
  };

  /** The account named in the path, or 404. */
  const target = (raw: unknown): number => {
    const id = String(raw);
    if (!/^\d{1,15}$/.test(id) || !users.findById(Number(id))) throw notFound('There is no such account.');
    return Number(id);
  };
  const notSelf = (res: Response, id: number, what: string) => {
    if (currentUser(res)?.id === id) {
      throw new AppError(409, 'self_change', `You cannot ${what} your own account; ask another admin.`);
    }
  };

  return {
    home: (_req: Request, res: Response) => res.redirect(303, '/admin/users'),
    list: (req: Request, res: Response) => show(req, res, 200),

    add(req: Request, res: Response) {
      const body = (req.body ?? {}) as Body;
      const role = postedText(body, 'role', 300);
      return attempt(
        req,
        res,
        () => {
          if (!isRole(role)) {
            throw new AppError(422, 'invalid_user', 'Choose a role.', [{ path: '/role', message: 'Choose a role.' }]);
          }
          return users.add(actorOf(res), postedText(body, 'email', 300), role, postedText(body, 'password', 1000));
        },
        'added',
      );
    },

    setRole(req: Request, res: Response) {
      const id = target(req.params.id);
      const role = postedText(req.body as Body, 'role', 300);
      return attempt(
        req,
        res,
        () => {
          if (!isRole(role)) throw new AppError(422, 'invalid_role', 'Choose staff or admin.');
          return users.setRole(actorOf(res), id, role);
        },
        'role',
        id,
      );
    },

    disable(req: Request, res: Response) {
      const id = target(req.params.id);
      return attempt(
        req,
        res,
        () => {
          notSelf(res, id, 'disable');
          return users.setDisabled(actorOf(res), id, true);
        },
        'disabled',
        id,
      );
    },

    enable(req: Request, res: Response) {
      const id = target(req.params.id);
      return attempt(req, res, () => users.setDisabled(actorOf(res), id, false), 'enabled', id);
    },

    resetPassword(req: Request, res: Response) {
      const id = target(req.params.id);
      const password = postedText(req.body as Body, 'password', 1000);
      return attempt(req, res, () => users.resetPassword(actorOf(res), id, password), 'password', id);
    },
  };
}
