// reprise export: the admin export from the command line, for scheduled jobs.
// Only the data goes to standard output; progress and the summary go to stderr.
import os from 'node:os';
import { loadConfig } from '../../config.js';
import { openDatabase } from '../../db/connection.js';
import { migrate } from '../../db/migrate.js';
import { CLI } from '../../domain/accounts.js';
import { AppError } from '../../errors.js';
import { auditedExport } from '../../export/audited-export.js';
import { parseFilters, parseFormat } from '../../export/filters.js';
import { checkOutPath, openPending, OutPathError } from '../../export/out-file.js';
import { todayUtc } from '../../domain/dates.js';
import { CliUsageError, info, parseOptions, progress, type Command } from '../command.js';

const HELP =
  `Usage: reprise export [--format csv|json|ndjson] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                      [--status S[,S…]] [--licence L[,L…]] [--out FILE [--force]]

Exports licensing requests in the order they were submitted, one record per request (articles in one
cell in CSV, an array in JSON), streamed from read-only connections while the
service runs. A large export is read by two threads at niceness 10, so it takes the
CPU the service leaves idle (where both run in the same CPU group: see docs/exports.md). ` +
  `Columns are listed in docs/exports.md.

  --format   csv (default; UTF-8 with BOM, RFC 4180), json (one array) or ndjson
  --from     first submission day included (UTC)
  --to       last submission day included (UTC)
  --status   new, in_review, quoted, licensed, declined, withdrawn, spam (comma-separated or repeated)
  --licence  licences only, by state today: active, ending (within RENEWAL_REMINDER_DAYS, or 30), ended,
             revoked (comma-separated or repeated)
  --out      write to FILE (mode 600) instead of standard output; refuses to replace
             an existing file unless --force

Every export is recorded in the audit log. Exit codes: 0 done, 1 failed, 2 bad arguments.`;

export const exportCommand: Command = {
  name: 'export',
  summary: 'Export requests as CSV, JSON or NDJSON',
  help: HELP,
  async run(args) {
    const options = parseOptions(args, {
      format: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      status: { type: 'string', multiple: true },
      licence: { type: 'string', multiple: true },
      out: { type: 'string' },
      force: { type: 'boolean' },
    });
    const config = loadConfig();
    let format, filters, target: string | null;
    try {
      format = parseFormat(options.format);
      const { from, to, status, licence } = options;
      const day = { today: todayUtc(new Date()), endingDays: config.licenceEndingDays };
      filters = parseFilters({ from, to, status, licence }, day);
      const outChecks = { databasePath: config.databasePath, force: options.force };
      target = options.out === undefined ? null : checkOutPath(options.out, outChecks);
    } catch (err) {
      if (err instanceof AppError || err instanceof OutPathError) throw new CliUsageError(err.message);
      throw err;
    }
    // A batch job beside a service: nice, so the service comes first (the worker thread inherits it).
    try {
      os.setPriority(Math.max(os.getPriority(), 10));
    } catch {
      // Not permitted here: run at normal priority.
    }
    const db = openDatabase(config.databasePath);
    migrate(db);
    // `reprise export | head` closes the pipe early: the loop sees the stream destroyed and stops (no EPIPE crash).
    const swallow = () => undefined;
    if (!target) process.stdout.on('error', swallow);
    const bar = progress('Exporting');
    const pending = target ? openPending(target) : null;
    try {
      const rows = await auditedExport(
        {
          db,
          databasePath: config.databasePath,
          format,
          filters,
          actor: CLI,
          clock: () => new Date(),
          destination: target ?? 'stdout',
          // Counting first costs a scan: only worth it when someone watches a terminal.
          onProgress: process.stderr.isTTY ? (done, total) => bar.update(done, total) : undefined,
        },
        pending ? pending.stream : process.stdout,
      );
      if (pending) {
        await pending.finished();
        pending.commit();
      }
      bar.done();
      info(`Exported ${rows.toLocaleString('en')} requests as ${format}${target ? ` to ${target}` : ''}.`);
      return 0;
    } catch (err) {
      bar.done();
      if (pending) {
        pending.stream.destroy();
        pending.discard();
      }
      throw err;
    } finally {
      process.stdout.off('error', swallow);
      db.close();
    }
  },
};
