// reprise migrate: apply pending migrations (the service also does this at start).
import { loadConfig } from '../../config.js';
import { openDatabase } from '../../db/connection.js';
import { migrate } from '../../db/migrate.js';
import { info, parseOptions, type Command } from '../command.js';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply pending database migrations',
  help:
    'Usage: reprise migrate\n\n' +
    'Applies the SQL files in migrations/ that the database (DATABASE_PATH) has not seen yet.',
  async run(args) {
    parseOptions(args, {});
    const config = loadConfig();
    const db = openDatabase(config.databasePath);
    try {
      const applied = migrate(db);
      info(applied.length ? `Applied ${applied.length}: ${applied.join(', ')}` : 'Database is up to date.');
      return 0;
    } finally {
      db.close();
    }
  },
};
