// reprise erase: erasure on request, for one email address.
import { CLI } from '../../domain/accounts.js';
import { AppError } from '../../errors.js';
import { erasePerson } from '../../services/erasure.js';
import { CHECKPOINT_DEFERRED, CliUsageError, info, openConfigured, parseOptions, type Command } from '../command.js';

const HELP = `Usage: reprise erase --email ADDRESS

Erases one person's data: every request from ADDRESS (compared without regard to
case), whatever its status, has its requester name, email, phone, job title and
message replaced by "[erased]"; emails still queued for them are cancelled. The
organisation, articles, usage, fees, licence and dates stay for accounting.
Take a subject-access export first if it was asked for: erasure cannot be undone.
Copies made before keep the data until they expire: the Litestream replica up to
73 hours, nightly backups up to 30 days (docs/operations.md: what an erasure means for a replica).

Recorded in the audit log under a SHA-256 of the address (not the address).
Exit codes: 0 done (also when nothing matched), 1 failed, 2 bad arguments.`;

export const eraseCommand: Command = {
  name: 'erase',
  summary: "Erase one person's personal data by email address",
  help: HELP,
  async run(args) {
    const options = parseOptions(args, { email: { type: 'string' } });
    if (!options.email) throw new CliUsageError('--email is required.');
    const { db } = openConfigured();
    try {
      const result = erasePerson(db, options.email, { actor: CLI, now: new Date() });
      const { references, emailsCancelled } = result;
      info(
        references.length
          ? `Erased ${references.length} request(s): ${references.join(', ')}; ` +
              `${emailsCancelled} queued email(s) cancelled.`
          : 'No request from that address holds personal data (nothing to erase); the request was recorded.',
      );
      if (result.references.length && !result.walCheckpointed) info(CHECKPOINT_DEFERRED);
      return 0;
    } catch (err) {
      if (err instanceof AppError) throw new CliUsageError(err.message);
      throw err;
    } finally {
      db.close();
    }
  },
};
