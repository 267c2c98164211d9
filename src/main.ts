// Process entry: config → database → migrations → HTTP server → outbox worker, and a graceful shutdown on
// SIGTERM/SIGINT (stop accepting, finish requests in flight, let the mail worker finish its send, close).
import http from 'node:http';
import { loadConfig, ConfigError } from './config.js';
import { openDatabase } from './db/connection.js';
import { migrate, MigrationError } from './db/migrate.js';
import { createContainer } from './container.js';
import { LegalTextsError } from './documents/legal-texts.js';
import { createApp } from './app.js';
import { createTransport } from './mail/transport.js';
import { createLogger } from './logger.js';
import { retentionScheduler } from './services/retention-scheduler.js';
import { periodicJob } from './services/periodic-job.js';

async function main() {
  // The database, its backups and the .eml files hold personal data: owner-only by default.
  process.umask(0o077);
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = openDatabase(config.databasePath);
  const applied = migrate(db);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const transport = createTransport(config.smtpUrl, config.mailDir);
  const container = createContainer({ config, db, transport, logger });
  // A writer thread that cannot open the database stops the start here, not at the first submission.
  await container.writer.ready();
  const app = createApp(container);

  const server = http.createServer(app).listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info(
      { port, host: config.host, database: config.databasePath, mail: transport.description },
      `Reprise listening on http://${config.host}:${port}/licensing`,
    );
  });
  // A port already taken (EADDRINUSE) or refused: say so and stop, rather than run without listening.
  server.on('error', (err) => {
    logger.fatal({ err, port: config.port, host: config.host }, 'the HTTP server failed');
    process.exit(1);
  });
  server.keepAliveTimeout = 5_000;
  container.worker.start();
  container.webhooks.start();
  const retention = retentionScheduler({
    db,
    months: config.retentionMonths,
    clock: container.clock,
    logger: logger.child({ component: 'retention' }),
    storage: container.storage,
  });
  retention.start();
  const renewalLogger = logger.child({ component: 'renewals' });
  const renewals = periodicJob({
    name: 'renewal reminders',
    logger: renewalLogger,
    storage: container.storage,
    intervalMs: 60 * 60_000,
    firstRunDelayMs: 2_000,
    run: () => {
      const reminded = container.services.renewalReminders.remind();
      if (reminded) renewalLogger.info({ reminded }, 'renewal reminders queued');
    },
  });
  renewals.start();
  const digest = periodicJob({
    name: 'overdue digest',
    logger: logger.child({ component: 'overdue-digest' }),
    storage: container.storage,
    intervalMs: 15 * 60_000,
    firstRunDelayMs: 5_000,
    run: () => container.services.overdueDigest.run(),
  });
  digest.start();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    server.close();
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.once('close', () => resolve()));
    retention.stop();
    renewals.stop();
    digest.stop();
    await container.writer.close();
    await container.worker.stop();
    await container.webhooks.stop();
    await container.pdf.close();
    transport.close();
    db.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof MigrationError || err instanceof LegalTextsError) {
    console.error(err.message);
  } else {
    console.error(err);
  }
  process.exit(1);
});
