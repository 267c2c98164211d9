// Messages between the requester and the desk about one request, shown to both and emailed to the other side.
// A requester's message marks the request as waiting for an answer until the desk writes back.
import type { Db } from '../connection.js';

export type MessageAuthor = 'requester' | 'desk';

export interface MessageRow {
  id: number;
  request_id: number;
  author: MessageAuthor;
  user_id: number | null;
  body: string;
  created_at: string;
}

export const MAX_MESSAGE_LENGTH = 5000;

export function messagesRepo(db: Db) {
  const insert = db.prepare(
    'INSERT INTO request_messages (request_id, author, user_id, body, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const forRequest = db.prepare('SELECT * FROM request_messages WHERE request_id = ? ORDER BY id');
  const byId = db.prepare('SELECT * FROM request_messages WHERE id = ?');
  const countSince = db
    .prepare('SELECT COUNT(*) FROM request_messages WHERE request_id = ? AND author = ? AND created_at >= ?')
    .pluck();
  const waiting = db.prepare(
    'UPDATE requests SET unanswered_since = COALESCE(unanswered_since, @now), updated_at = @now WHERE id = @id',
  );
  const answered = db.prepare(
    'UPDATE requests SET unanswered_since = NULL, last_action_at = @now, updated_at = @now WHERE id = @id',
  );
  return {
    /** Adds the message and marks the request as waiting for the desk, or answered. */
    add(requestId: number, author: MessageAuthor, userId: number | null, body: string, now: string): number {
      const id = Number(insert.run(requestId, author, userId, body, now).lastInsertRowid);
      (author === 'requester' ? waiting : answered).run({ id: requestId, now });
      return id;
    },
    forRequest: (requestId: number) => forRequest.all(requestId) as MessageRow[],
    find: (id: number) => byId.get(id) as MessageRow | undefined,
    countSince: (requestId: number, author: MessageAuthor, since: string) =>
      countSince.get(requestId, author, since) as number,
  };
}

export type MessagesRepo = ReturnType<typeof messagesRepo>;
