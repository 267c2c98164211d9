// "The writer": the one write path for new licensing requests. A submission hands it a command and gets an
// answer only after the command's transaction has committed. Behind this module it groups submissions into
// shared commits (./group-commit.ts) and, by default, runs on a thread of its own (./writer-thread.ts).
import type { Logger } from 'pino';
import { keepJournalsInMemory, type Db } from '../connection.js';
import type { RequestsRepo } from '../repos/requests.js';
import type { OutboxRepo } from '../repos/outbox.js';
import type { IdempotencyRepo } from '../repos/idempotency.js';
import { requestWriter, type RequestWriter, type WriterOptions } from './group-commit.js';
import { requestWriterThread } from './writer-thread.js';

export type { EmailToQueue, RequestWriter, WriteResult, WriterOptions } from './group-commit.js';

export interface WriterSetup {
  /** The service's connection: the writer's when it runs on this thread. */
  db: Db;
  databasePath: string;
  /** WRITER_THREAD: on a thread of its own (the default), or on the main thread. */
  onThread: boolean;
  messageIdDomain: string;
  repos: { requests: RequestsRepo; outbox: OutboxRepo; idempotency: IdempotencyRepo };
  logger: Logger;
  options?: WriterOptions;
}

export function createRequestWriter(setup: WriterSetup): RequestWriter {
  // A database in memory exists on this connection only, so its writer cannot be another thread's.
  if (setup.onThread && setup.databasePath !== ':memory:') {
    const { databasePath, messageIdDomain } = setup;
    return requestWriterThread({ databasePath, messageIdDomain }, setup.logger);
  }
  // On this connection the writer's savepoints need their journals in memory (see keepJournalsInMemory).
  keepJournalsInMemory(setup.db);
  return requestWriter(setup.db, setup.repos, setup.options);
}
