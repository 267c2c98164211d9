// What a `reprise` subcommand is, and the helpers they share: argument parsing with node's util.parseArgs,
// opening the configured database, and progress on standard error (only when it is a terminal).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type Config } from '../config.js';
import { openDatabase, type Db } from '../db/connection.js';
import { migrate } from '../db/migrate.js';

export interface Command {
  name: string;
  summary: string;
  help: string;
  /** Resolves to the exit code. Throw CliUsageError for bad arguments (exit 2). */
  run(args: string[]): Promise<number>;
}

export class CliUsageError extends Error {}

export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: false, strict: true }).values;
  } catch (err) {
    throw new CliUsageError(err instanceof Error ? err.message : String(err));
  }
}

/** The configured database with migrations applied, as the service would open it. */
export function openConfigured(): { config: Readonly<Config>; db: Db } {
  const config = loadConfig();
  const db = openDatabase(config.databasePath);
  migrate(db);
  return { config, db };
}

/** Progress on standard error when it is a terminal; silent in pipes and cron jobs. */
export function progress(label: string) {
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    update(done: number, total?: number) {
      if (!tty || Date.now() - last < 200) return;
      last = Date.now();
      const outOf = total ? ` / ${total.toLocaleString('en')}` : '';
      process.stderr.write(`\r${label}: ${done.toLocaleString('en')}${outOf}`);
    },
    done() {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

export const info = (message: string) => process.stderr.write(`${message}\n`);

/** Said after an erasure or retention run whose WAL checkpoint a reader deferred (see checkpointWithoutWaiting). */
export const CHECKPOINT_DEFERRED =
  'The erased text stays in the WAL file until the next checkpoint: another process is reading the database ' +
  '(Litestream keeps a read transaction open, and checkpoints within about a minute).';
