// Builds the service's parts from their dependencies, with no I/O beyond the
// database handle and files passed in, so tests can build as many as they like.
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { keepJournalsInMemory, pagesLeft, type Db } from './db/connection.js';
import { requestsRepo } from './db/repos/requests.js';
import { outboxRepo } from './db/repos/outbox.js';
import { idempotencyRepo } from './db/repos/idempotency.js';
import { settingsRepo } from './db/repos/settings.js';
import { auditRepo } from './db/repos/audit.js';
import { usersRepo } from './db/repos/users.js';
import { SqliteSessionStore } from './db/session-store.js';
import { requestWriter, type WriterOptions } from './db/writer/group-commit.js';
import { requestWriterThread } from './db/writer/writer-thread.js';
import { loadRateCard } from './validation/rate-card-file.js';
import type { RateCard } from './domain/quote-types.js';
import { createValidators, type Validators } from './validation/ajv.js';
import { createViews } from './views.js';
import { outboxWorker } from './mail/outbox-worker.js';
import type { MailTransport } from './mail/transport.js';
import { formTokens } from './services/form-tokens.js';
import { readMigrations } from './db/migrate.js';
import { createMetrics } from './services/metrics.js';
import { roomIn, storageCondition } from './storage-condition.js';

export interface ContainerDeps {
  config: Readonly<Config>;
  db: Db;
  transport: MailTransport;
  logger: Logger;
  clock?: () => Date;
  rateCard?: RateCard;
  validators?: Validators;
  /** For the writer on this thread (WRITER_THREAD=0): bench/batch-probe-server.ts counts its batches. */
  writerOptions?: WriterOptions;
}

export function createContainer(deps: ContainerDeps) {
  const { config, db, logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  const rateCard = deps.rateCard ?? loadRateCard(config.rateCardPath);
  const validators = deps.validators ?? createValidators();
  const views = createViews(config.env === 'production');
  const messageIdDomain = new URL(config.publicBaseUrl).hostname || 'reprise.local';

  const databaseDir = config.databasePath === ':memory:' ? undefined : path.dirname(config.databasePath);
  const storage = storageCondition({
    logger: logger.child({ component: 'storage' }),
    clock,
    folders: { database: databaseDir, mail: config.smtpUrl ? undefined : config.mailDir },
    // A lowered max_page_count makes SQLite answer "full" on a roomy disk too.
    hasRoom: { database: () => roomIn(databaseDir) && pagesLeft(db) >= 64 },
  });

  const requests = requestsRepo(db);
  const outbox = outboxRepo(db, messageIdDomain);
  const idempotency = idempotencyRepo(db);
  const settings = settingsRepo(db);
  const audit = auditRepo(db);
  const users = usersRepo(db);
  const sessionStore = new SqliteSessionStore(db, config.sessionIdleMinutes * 60_000, storage);
  // A database in memory exists on this connection only, so its writer cannot be another thread's.
  const onThread = config.writerThread && config.databasePath !== ':memory:';
  // On this connection, the writer's savepoints need their journals in memory (see keepJournalsInMemory).
  if (!onThread) keepJournalsInMemory(db);
  const writer = onThread
    ? requestWriterThread({ databasePath: config.databasePath, messageIdDomain }, logger.child({ component: 'writer' }))
    : requestWriter(db, { requests, outbox, idempotency }, deps.writerOptions);
  const worker = outboxWorker({
    outbox,
    transport: deps.transport,
    clock,
    logger: logger.child({ component: 'outbox' }),
    busy: () => writer.waiting() > 0,
    storage,
    mail: { views, mailFrom: config.mailFrom, publicBaseUrl: config.publicBaseUrl, findRequest: requests.findById },
  });
  const tokens = formTokens(config.formSecret ?? settings.secret('form_token_secret'), config.formMinFillSeconds);

  return {
    config,
    db,
    clock,
    logger,
    rateCard,
    validators,
    views,
    repos: { requests, outbox, idempotency, settings, audit, users },
    sessionStore,
    writer,
    worker,
    tokens,
    storage,
    migrations: readMigrations(),
    metrics: createMetrics(outbox, storage, clock),
  };
}

export type Container = ReturnType<typeof createContainer>;
