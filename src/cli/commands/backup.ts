// reprise backup: a checked, consistent copy of the live database.
import fs from 'node:fs';
import { loadConfig } from '../../config.js';
import { backupDatabase } from '../../db/backup.js';
import { openDatabase, writeTransaction } from '../../db/connection.js';
import { auditRepo } from '../../db/repos/audit.js';
import { CLI } from '../../domain/accounts.js';
import { checkOutPath, OutPathError, pendingFile } from '../../export/out-file.js';
import { CliUsageError, info, parseOptions, type Command } from '../command.js';

const HELP = `Usage: reprise backup --out FILE [--force]

Copies the database (DATABASE_PATH) to FILE with SQLite's online backup, safely
while the service runs and takes submissions, then opens the copy and checks it
(PRAGMA integrity_check, foreign keys). The copy is a single self-contained file
(mode 600). To restore: stop the service, move FILE to DATABASE_PATH, delete any
DATABASE_PATH-wal and -shm files left beside it, start the service (docs/operations.md).

Recorded in the audit log. Exit codes: 0 done and checked, 1 failed, 2 bad arguments.`;

export const backupCommand: Command = {
  name: 'backup',
  summary: 'Copy the live database to a file and check the copy',
  help: HELP,
  async run(args) {
    const options = parseOptions(args, { out: { type: 'string' }, force: { type: 'boolean' } });
    if (!options.out) throw new CliUsageError('--out FILE is required.');
    const config = loadConfig();
    let target: string;
    try {
      target = checkOutPath(options.out, { databasePath: config.databasePath, force: options.force });
    } catch (err) {
      if (err instanceof OutPathError) throw new CliUsageError(err.message);
      throw err;
    }
    if (!fs.existsSync(config.databasePath)) throw new Error(`There is no database at ${config.databasePath}.`);
    const pending = pendingFile(target);
    try {
      const result = await backupDatabase(config.databasePath, pending.temp);
      fs.chmodSync(pending.temp, 0o600);
      pending.commit();
      const db = openDatabase(config.databasePath);
      try {
        writeTransaction(db, () =>
          auditRepo(db).record({
            actor: CLI,
            action: 'backup',
            subjectType: 'database',
            subjectId: null,
            at: new Date().toISOString(),
            after: { file: target, bytes: result.bytes, requests: result.requests, integrity: result.integrity },
          }),
        );
      } finally {
        db.close();
      }
      info(
        `Backup written to ${target}: ${(result.bytes / 1048576).toFixed(1)} MB, ${result.requests} requests, ` +
          `${result.migrations} migrations, integrity_check ok.`,
      );
      return 0;
    } catch (err) {
      pending.discard();
      throw err;
    }
  },
};
