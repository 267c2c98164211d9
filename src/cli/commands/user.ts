// reprise user add|list|disable|enable|reset-password|reset-factors: desk accounts from the command line (how the first
// admin is made). Passwords come from standard input.
import { openConfigured, info, parseOptions, CliUsageError, type Command } from '../command.js';
import { usersRepo } from '../../db/repos/users.js';
import { isRole } from '../../domain/accounts.js';
import { auditRepo } from '../../db/repos/audit.js';
import { CLI } from '../../domain/accounts.js';
import { SqliteSessionStore } from '../../db/session-store.js';
import { userAdmin } from '../../services/user-admin.js';
import { secondFactorService } from '../../services/second-factor.js';
import { secondFactorsRepo } from '../../db/repos/second-factors.js';
import { readPassword } from '../read-password.js';
import { AppError } from '../../errors.js';

const HELP = `Usage:
  reprise user add --email E --role staff|admin   create an account; password from standard input
  reprise user list                               accounts as tab-separated lines on standard output
  reprise user disable --email E                  stop an account signing in (ends its sessions)
  reprise user enable --email E                   allow a disabled account again
  reprise user reset-password --email E           set a new password from standard input (ends its sessions;
                                                  the second factor stays)
  reprise user reset-factors --email E            remove the authenticator app, recovery codes, passkeys and
                                                  single sign-on link (a lost phone; ends its sessions); the
                                                  person sets them up again

The password is the first line of standard input when that is not a terminal, e.g.
  printf '%s\\n' "$PASSWORD" | reprise user add --email desk@example.org --role admin
and is asked for (without echo) when it is. At least 12 characters.
Every change is written to the audit log as done by "cli".
Exit codes: 0 done, 1 failed (e.g. unknown account, weak password), 2 bad arguments.`;

export const userCommand: Command = {
  name: 'user',
  summary: 'Add, list, disable or reset desk accounts',
  help: HELP,
  async run(args) {
    const [action, ...rest] = args;
    const options = parseOptions(rest, { email: { type: 'string' }, role: { type: 'string' } });
    const needEmail = () => {
      if (!options.email) throw new CliUsageError(`reprise user ${action} needs --email`);
      return options.email;
    };
    if (!['add', 'list', 'disable', 'enable', 'reset-password', 'reset-factors'].includes(action ?? '')) {
      throw new CliUsageError(
        action
          ? `Unknown action "${action}".`
          : 'Say what to do: add, list, disable, enable, reset-password or reset-factors.',
      );
    }
    if (action === 'add' && !isRole(options.role)) throw new CliUsageError('--role must be staff or admin');

    const { config, db } = openConfigured();
    try {
      const users = usersRepo(db);
      const sessions = new SqliteSessionStore(db, config.sessionIdleMinutes * 60_000);
      const audit = auditRepo(db);
      const admin = userAdmin({
        db,
        users,
        audit,
        sessions,
        scryptLog2N: config.passwordScryptLog2N,
        clock: () => new Date(),
      });
      const target = () => {
        const user = admin.findByEmail(needEmail());
        if (!user) throw new AppError(404, 'not_found', `No account with the email ${options.email}.`);
        return user;
      };
      switch (action) {
        case 'list':
          for (const user of users.list()) {
            const state = user.disabledAt ? 'disabled' : 'active';
            process.stdout.write(`${user.email}\t${user.role}\t${state}\t${user.lastLoginAt ?? 'never signed in'}\n`);
          }
          return 0;
        case 'add': {
          const email = needEmail();
          const user = await admin.add(CLI, email, options.role as 'staff' | 'admin', await readPassword('Password: '));
          info(`Added ${user.role} ${user.email}.`);
          return 0;
        }
        case 'disable':
        case 'enable': {
          const user = admin.setDisabled(CLI, target().id, action === 'disable');
          info(`${user.email} is ${user.disabledAt ? 'disabled' : 'active'}.`);
          return 0;
        }
        case 'reset-factors': {
          const user = target();
          const factors = secondFactorService({
            db,
            factors: secondFactorsRepo(db),
            audit,
            sessions,
            clock: () => new Date(),
            publisherName: config.publisher.name,
          });
          factors.resetFactors(CLI, user.id);
          info(`The second factor of ${user.email} is removed and their sessions ended; they set it up again.`);
          return 0;
        }
        default: {
          const user = target();
          await admin.resetPassword(CLI, user.id, await readPassword('New password: '));
          info(`Password of ${user.email} changed; their sessions were ended.`);
          return 0;
        }
      }
    } catch (err) {
      if (err instanceof AppError) {
        info(err.message);
        return 1;
      }
      throw err;
    } finally {
      db.close();
    }
  },
};
