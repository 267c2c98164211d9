// The request writer's thread (started by ./writer-thread.ts): its own
// connection to the database, the same group-commit writer as the main thread would
// use, and one reply message per batch.
import { parentPort, workerData } from 'node:worker_threads';
import { keepJournalsInMemory, openDatabase } from '../connection.js';
import { requestsRepo } from '../repos/requests.js';
import { outboxRepo } from '../repos/outbox.js';
import { idempotencyRepo } from '../repos/idempotency.js';
import { requestWriter } from './group-commit.js';
import type { WriteReply, WriterMessage, WriterThreadSetup } from './writer-thread.js';

const setup = workerData as WriterThreadSetup;
const db = openDatabase(setup.databasePath);
keepJournalsInMemory(db);
// Waiting here blocks no event loop that answers requests, and a batch that gave up after the
// usual 5 s would fail up to 64 submissions: wait out a long write of the main thread's (erasure
// optimises the search index; a checkpoint) instead.
db.pragma('busy_timeout = 60000');
const writer = requestWriter(db, {
  requests: requestsRepo(db),
  outbox: outboxRepo(db, setup.messageIdDomain),
  idempotency: idempotencyRepo(db),
});
const port = parentPort!;

let replies: WriteReply[] = [];
/** A batch's promises settle in one turn: one message carries all of their replies. */
function reply(r: WriteReply) {
  if (replies.push(r) > 1) return;
  queueMicrotask(() => {
    const out = replies;
    replies = [];
    port.postMessage(out);
  });
}

port.postMessage('ready'); // the database is open: the service may start taking requests

port.on('message', (msg: WriterMessage) => {
  if (msg.type === 'close') {
    // Sent only once every write has been answered (see close() in ./writer-thread.ts).
    db.close();
    port.close();
    return;
  }
  writer.write(msg.cmd, new Date(msg.now)).then(
    (result) => reply({ id: msg.id, ok: true, result }),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      const code = (e as { code?: unknown }).code;
      reply({ id: msg.id, ok: false, error: { name: e.name, message: e.message, stack: e.stack, code: typeof code === 'string' ? code : undefined } });
    },
  );
});
