#!/usr/bin/env node
// The `reprise` command: one file per subcommand in ./commands, registered below.
// Exit codes: 0 done, 1 failed, 2 bad arguments. Data goes to standard output,
// messages and progress to standard error.
import { ConfigError } from '../config.js';
import { MigrationError } from '../db/migrate.js';
import { CliUsageError, type Command } from './command.js';
import { migrateCommand } from './commands/migrate.js';
import { exportCommand } from './commands/export.js';
import { retentionCommand } from './commands/retention.js';
import { eraseCommand } from './commands/erase.js';
import { subjectExportCommand } from './commands/subject-export.js';
import { backupCommand } from './commands/backup.js';
import { userCommand } from './commands/user.js';
import { seedCommand } from './commands/seed.js';

const commands: Command[] = [
  migrateCommand,
  userCommand,
  exportCommand,
  retentionCommand,
  eraseCommand,
  subjectExportCommand,
  backupCommand,
  seedCommand,
];

function usage(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'Usage: reprise <command> [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Run "reprise <command> --help" for the options of one command.',
    'Configuration comes from the same environment variables as the service (see docs/configuration.md).',
    'Exit codes: 0 done, 1 failed, 2 bad arguments.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    // No command is a mistake (exit 2): the usage goes where messages go, not into a pipe.
    process.stderr.write(`${usage()}\n`);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${usage()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof CliUsageError) {
      process.stderr.write(`${err.message}\n\n${command.help}\n`);
      return 2;
    }
    if (err instanceof ConfigError || err instanceof MigrationError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    process.stderr.write(`reprise ${name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
