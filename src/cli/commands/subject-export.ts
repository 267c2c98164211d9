// reprise subject-export: everything held about one email address, as JSON.
import fs from 'node:fs';
import { CLI } from '../../domain/accounts.js';
import { AppError } from '../../errors.js';
import { checkOutPath, OutPathError, pendingFile } from '../../export/out-file.js';
import { subjectExport } from '../../services/subject-export.js';
import { CliUsageError, info, openConfigured, parseOptions, type Command } from '../command.js';

const HELP = `Usage: reprise subject-export --email ADDRESS [--out FILE [--force]]

Writes a JSON document with everything the service holds about ADDRESS (compared
without regard to case): each request with all its stored fields, its articles,
emails, staff notes and audit entries, and every email sent to the address.
Standard output by default; --out writes FILE (mode 600).

Recorded in the audit log. Exit codes: 0 done, 1 failed, 2 bad arguments.`;

export const subjectExportCommand: Command = {
  name: 'subject-export',
  summary: 'Export everything held about one email address (JSON)',
  help: HELP,
  async run(args) {
    const options = parseOptions(args, {
      email: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean' },
    });
    if (!options.email) throw new CliUsageError('--email is required.');
    const { config, db } = openConfigured();
    try {
      const outChecks = { databasePath: config.databasePath, force: options.force };
      const target = options.out === undefined ? null : checkOutPath(options.out, outChecks);
      const exported = subjectExport(db, options.email, { actor: CLI, now: new Date() });
      const text = `${JSON.stringify(exported, null, 2)}\n`;
      if (target) {
        const pending = pendingFile(target);
        fs.writeFileSync(pending.temp, text, { mode: 0o600, flag: 'wx' });
        pending.commit();
      } else {
        process.stdout.write(text);
      }
      info(`${exported.requests.length} request(s) held for that address${target ? `; written to ${target}` : ''}.`);
      return 0;
    } catch (err) {
      if (err instanceof AppError || err instanceof OutPathError) throw new CliUsageError(err.message);
      throw err;
    } finally {
      db.close();
    }
  },
};
