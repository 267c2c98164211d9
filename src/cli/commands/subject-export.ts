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
    const o = parseOptions(args, { email: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } });
    if (!o.email) throw new CliUsageError('--email is required.');
    const { config, db } = openConfigured();
    try {
      const target = o.out === undefined ? null : checkOutPath(o.out, { databasePath: config.databasePath, force: o.force });
      const doc = subjectExport(db, o.email, { actor: CLI, now: new Date() });
      const text = `${JSON.stringify(doc, null, 2)}\n`;
      if (target) {
        const pending = pendingFile(target);
        fs.writeFileSync(pending.temp, text, { mode: 0o600, flag: 'wx' });
        pending.commit();
      } else {
        process.stdout.write(text);
      }
      info(`${doc.requests.length} request(s) held for that address${target ? `; written to ${target}` : ''}.`);
      return 0;
    } catch (err) {
      if (err instanceof AppError || err instanceof OutPathError) throw new CliUsageError(err.message);
      throw err;
    } finally {
      db.close();
    }
  },
};
