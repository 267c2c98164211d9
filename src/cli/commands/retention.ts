// reprise retention: the retention run on demand (the service also runs it daily).
import { CLI } from '../../domain/accounts.js';
import { runRetention } from '../../services/retention.js';
import { CHECKPOINT_DEFERRED, info, openConfigured, parseOptions, type Command } from '../command.js';

const HELP = `Usage: reprise retention [--dry-run] [--json]

Replaces the personal data (requester name, email, phone, job title, message) of
requests closed (licensed, declined, withdrawn, spam) more than RETENTION_MONTHS
(default 24) ago with the marker "[erased]", keeps what accounting needs, and
cancels emails still queued for those people. The service runs this every day.

  --dry-run  change nothing; report how many requests would be anonymised
  --json     print the report as JSON on standard output

Each anonymised request and the run are recorded in the audit log.
Exit codes: 0 done, 1 failed, 2 bad arguments.`;

export const retentionCommand: Command = {
  name: 'retention',
  summary: 'Anonymise requests closed longer ago than RETENTION_MONTHS',
  help: HELP,
  async run(args) {
    const options = parseOptions(args, { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } });
    const { config, db } = openConfigured();
    try {
      const result = runRetention(db, {
        months: config.retentionMonths,
        now: new Date(),
        actor: CLI,
        dryRun: options['dry-run'],
      });
      if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      if (config.retentionMonths === 0) {
        info('RETENTION_MONTHS is 0: retention is off, nothing was changed.');
        return 0;
      }
      const detail = Object.entries(result.byStatus)
        .map(([status, count]) => `${status} ${count}`)
        .join(', ');
      const verb = result.dryRun ? 'would anonymise' : 'anonymised';
      info(
        `Retention (${config.retentionMonths} months, closed before ${result.cutoff.slice(0, 10)}): ` +
          `${verb} ${result.total} request${result.total === 1 ? '' : 's'}${detail ? ` (${detail})` : ''}` +
          `${result.dryRun ? '; nothing was changed' : `, ${result.emailsCancelled} queued email(s) cancelled`}.`,
      );
      if (result.walCheckpointed === false) info(CHECKPOINT_DEFERRED);
      return 0;
    } finally {
      db.close();
    }
  },
};
