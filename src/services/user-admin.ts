// Changes to desk accounts, shared by /admin/users and `reprise user`: each one a write transaction with its
// audit row; disabling an account or resetting its password also ends its sessions (a role change applies on
// the next request). The last active admin can be neither disabled nor demoted, so the desk never locks itself out.
import type { Db } from '../db/connection.js';
import { writeTransaction } from '../db/connection.js';
import type { AuditRepo } from '../db/repos/audit.js';
import type { Actor } from '../domain/accounts.js';
import { toUser, type UsersRepo } from '../db/repos/users.js';
import { isEmailAddress, normaliseEmail } from '../email-address.js';
import { type Role, type User } from '../domain/accounts.js';
import type { SqliteSessionStore } from '../db/session-store.js';
import { hashPassword, passwordProblem } from '../auth/password.js';
import { AppError } from '../errors.js';

export interface UserAdminDeps {
  db: Db;
  users: UsersRepo;
  audit: AuditRepo;
  sessions: Pick<SqliteSessionStore, 'destroyForUser'>;
  scryptLog2N: number;
  clock: () => Date;
}

const invalid = (message: string, path: string) => new AppError(422, 'invalid_user', message, [{ path, message }]);

export function userAdmin(deps: UserAdminDeps) {
  const existing = (id: number): User => {
    const user = deps.users.findById(id);
    if (!user) throw new AppError(404, 'not_found', 'No such user.');
    return user;
  };
  const guardLastAdmin = (user: User) => {
    if (user.role === 'admin' && !user.disabledAt && deps.users.activeAdminCount() <= 1) {
      throw new AppError(409, 'last_admin', 'This is the only active admin: add another admin first.');
    }
  };

  return {
    async add(actor: Actor, emailRaw: string, role: Role, password: string): Promise<User> {
      const email = normaliseEmail(emailRaw);
      if (!isEmailAddress(email)) throw invalid('Enter a valid email address.', '/email');
      const problem = passwordProblem(password);
      if (problem) throw invalid(problem, '/password');
      const taken = () => invalid('An account with this email address already exists.', '/email');
      if (deps.users.findRowByEmail(email)) throw taken();
      const hash = await hashPassword(password, deps.scryptLog2N);
      return writeTransaction(deps.db, () => {
        const now = deps.clock().toISOString();
        if (deps.users.findRowByEmail(email)) throw taken();
        const id = deps.users.insert(email, role, hash, now);
        const user = existing(id);
        deps.audit.record({
          actor,
          action: 'user.add',
          subjectType: 'user',
          subjectId: id,
          after: { email, role },
          at: now,
        });
        return user;
      });
    },

    setDisabled(actor: Actor, id: number, disabled: boolean): User {
      return writeTransaction(deps.db, () => {
        const before = existing(id);
        if (!!before.disabledAt === disabled) return before;
        if (disabled) guardLastAdmin(before);
        const now = deps.clock().toISOString();
        deps.users.setDisabled(id, disabled ? now : null, now);
        if (disabled) deps.sessions.destroyForUser(id);
        deps.audit.record({
          actor,
          action: disabled ? 'user.disable' : 'user.enable',
          subjectType: 'user',
          subjectId: id,
          before: { disabledAt: before.disabledAt },
          after: { disabledAt: disabled ? now : null },
          at: now,
        });
        return existing(id);
      });
    },

    setRole(actor: Actor, id: number, role: Role): User {
      return writeTransaction(deps.db, () => {
        const before = existing(id);
        if (before.role === role) return before;
        if (role !== 'admin') guardLastAdmin(before);
        const now = deps.clock().toISOString();
        deps.users.setRole(id, role, now);
        deps.audit.record({
          actor,
          action: 'user.role',
          subjectType: 'user',
          subjectId: id,
          before: { role: before.role },
          after: { role },
          at: now,
        });
        return existing(id);
      });
    },

    async resetPassword(actor: Actor, id: number, password: string): Promise<User> {
      const problem = passwordProblem(password);
      if (problem) throw invalid(problem, '/password');
      existing(id);
      const hash = await hashPassword(password, deps.scryptLog2N);
      return writeTransaction(deps.db, () => {
        const now = deps.clock().toISOString();
        deps.users.setPassword(id, hash, now);
        deps.sessions.destroyForUser(id);
        // The audit row says that it happened, never anything about the password itself.
        deps.audit.record({
          actor,
          action: 'user.password_reset',
          subjectType: 'user',
          subjectId: id,
          after: { passwordChangedAt: now },
          at: now,
        });
        return existing(id);
      });
    },

    list: () => deps.users.list(),
    findById: (id: number) => deps.users.findById(id),

    findByEmail(email: string): User | undefined {
      const row = deps.users.findRowByEmail(email);
      return row ? toUser(row) : undefined;
    },
  };
}
