// The request writer's thread (started by ./writer-thread.ts): its own connection to the database, the
// same group-commit writer the main thread would use, and one reply message per batch.
import { parentPort, workerData } from 'node:worker_threads';
import { keepJournalsInMemory, openDatabase } from '../connection.js';
import { requestsRepo } from '../repos/requests.js';
import { outboxRepo } from '../repos/outbox.js';
import { idempotencyRepo } from '../repos/idempotency.js';
import { requestWriter } from './group-commit.js';
import type { ThreadError, WriteReply, WriterMessage, WriterThreadSetup } from './writer-thread.js';

const setup = workerData as WriterThreadSetup;
const db = openDatabase(setup.databasePath);
keepJournalsInMemory(db);
// Waiting blocks no event loop here, and giving up after the usual 5 s would fail a whole batch:
// wait out the main thread's long writes instead (erasure's index optimise, a checkpoint).
db.pragma('busy_timeout = 60000');
const writer = requestWriter(db, {
  requests: requestsRepo(db),
  outbox: outboxRepo(db, setup.messageIdDomain),
  idempotency: idempotencyRepo(db),
});
const port = parentPort!;

let replies: WriteReply[] = [];
/** A batch's promises settle in one turn: one message carries all of their replies. */
function reply(writeReply: WriteReply) {
  if (replies.push(writeReply) > 1) return;
  queueMicrotask(() => {
    const batch = replies;
    replies = [];
    port.postMessage(batch);
  });
}

/** An error as it can cross to the main thread: its class name, message, stack and SQLite code. */
function crossable(error: unknown): ThreadError {
  const { name, message, stack, code } = (error instanceof Error ? error : new Error(String(error))) as Error & {
    code?: unknown;
  };
  return { name, message, stack, code: typeof code === 'string' ? code : undefined };
}

port.postMessage('ready'); // the database is open: the service may start taking requests

port.on('message', (message: WriterMessage) => {
  if (message.type === 'close') {
    // Sent only once every write has been answered (see close() in ./writer-thread.ts).
    db.close();
    port.close();
    return;
  }
  writer.write(message.command, new Date(message.now)).then(
    (result) => reply({ id: message.id, ok: true, result }),
    (error: unknown) => reply({ id: message.id, ok: false, error: crossable(error) }),
  );
});
