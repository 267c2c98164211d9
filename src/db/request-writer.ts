// The one write path for new licensing requests: the request, its articles, its
// two outbox messages and its idempotency key go into SQLite in ONE transaction,
// so a request is either wholly stored with its emails queued, or not at all.
import type { Db } from './connection.js';
import { writeTransaction } from './connection.js';
import type { RequestsRepo, NewRequest } from './repos/requests.js';
import type { OutboxRepo } from './repos/outbox.js';
import type { IdempotencyRepo } from './repos/idempotency.js';

export interface WriteCommand extends NewRequest {
  deskEmail: string;
  idempotency?: { key: string; bodyHash: string };
}

export type WriteResult =
  | { kind: 'created'; id: number; reference: string }
  | { kind: 'replayed'; id: number; sameBody: boolean };

export function requestWriter(db: Db, repos: { requests: RequestsRepo; outbox: OutboxRepo; idempotency: IdempotencyRepo }) {
  const { requests, outbox, idempotency } = repos;
  return {
    write(cmd: WriteCommand, now: Date): WriteResult {
      return writeTransaction(db, () => {
        if (cmd.idempotency) {
          const seen = idempotency.lookup(cmd.idempotency.key, now);
          if (seen) return { kind: 'replayed', id: seen.requestId, sameBody: seen.bodyHash === cmd.idempotency.bodyHash };
        }
        const { id, reference } = requests.insert(cmd);
        outbox.enqueue({ requestId: id, template: 'desk_new_request', locale: 'en', recipient: cmd.deskEmail }, cmd.now);
        outbox.enqueue(
          { requestId: id, template: 'requester_ack', locale: cmd.locale, recipient: cmd.request.requester.email },
          cmd.now,
        );
        if (cmd.idempotency) idempotency.remember(cmd.idempotency.key, id, cmd.idempotency.bodyHash, cmd.now);
        return { kind: 'created', id, reference };
      });
    },
  };
}

export type RequestWriter = ReturnType<typeof requestWriter>;
