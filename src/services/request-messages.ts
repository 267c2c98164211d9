// Messages between requester and desk: checked (plain text, 1–5,000 characters, limits against flooding), stored
// with their audit row, and emailed to the other side through the outbox in the same transaction.
import { writeTransaction } from '../db/connection.js';
import { MAX_MESSAGE_LENGTH, type MessageAuthor, type MessagesRepo } from '../db/repos/messages.js';
import type { Actor } from '../domain/accounts.js';
import type { StoredRequest } from '../domain/request.js';
import { CLOSED, type Status } from '../domain/workflow.js';
import { AppError, type FieldError } from '../errors.js';
import { queueMails, type TransitionDeps } from './request-transition.js';

/** A requester may write this many messages about one request in a day. */
const REQUESTER_MESSAGES_PER_DAY = 10;
/** A closed request still takes messages for this long after it closed. */
const OPEN_AFTER_CLOSE_MS = 30 * 86_400_000;

/** Whether the requester may still write about a request in this state (closed more than 30 days ago: no). */
export function takesMessages(
  fields: { status: Status; closed_at: string | null; last_action_at: string | null },
  now: Date,
) {
  const closedAt = CLOSED.includes(fields.status) ? (fields.closed_at ?? fields.last_action_at) : null;
  return !closedAt || now.getTime() - Date.parse(closedAt) <= OPEN_AFTER_CLOSE_MS;
}

type MessageProblem = 'empty' | 'too_long' | 'too_many' | 'closed';

class MessageRefused extends AppError {
  constructor(
    readonly problem: MessageProblem,
    status: number,
    message: string,
  ) {
    const fields: FieldError[] = [{ path: 'message', message }];
    super(status, `message_${problem}`, message, fields);
  }
}

export function requestMessages(deps: TransitionDeps & { messages: MessagesRepo }) {
  function post(actor: Actor, author: MessageAuthor, licensingRequest: StoredRequest, bodyRaw: string): number {
    // Line breaks are kept (as \n); other control characters are not text anyone typed.
    const body = bodyRaw
      .replace(/\r\n?/g, '\n')
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
      .trim();
    if (!body) throw new MessageRefused('empty', 422, 'Write your message first.');
    if (body.length > MAX_MESSAGE_LENGTH) {
      throw new MessageRefused('too_long', 422, `Keep a message under ${MAX_MESSAGE_LENGTH} characters.`);
    }
    const queued = writeTransaction(deps.db, () => {
      const fields = deps.desk.fields(licensingRequest.id);
      if (!fields) throw new AppError(404, 'not_found', 'There is no such request.');
      const now = deps.clock();
      const nowIso = now.toISOString();
      if (author === 'requester') {
        if (!takesMessages(fields, now)) {
          throw new MessageRefused('closed', 409, 'This request was closed more than 30 days ago.');
        }
        const dayAgo = new Date(now.getTime() - 86_400_000).toISOString();
        if (deps.messages.countSince(licensingRequest.id, 'requester', dayAgo) >= REQUESTER_MESSAGES_PER_DAY) {
          throw new MessageRefused('too_many', 429, 'Too many messages about this request today.');
        }
      }
      const id = deps.messages.add(licensingRequest.id, author, actor.id, body, nowIso);
      deps.audit.record({
        actor,
        action: 'message.add',
        subjectType: 'request',
        subjectId: licensingRequest.id,
        after: { messageId: id, author, length: body.length },
        at: nowIso,
      });
      const template = author === 'requester' ? 'desk_message' : 'message_to_requester';
      const to = author === 'requester' ? 'desk' : 'requester';
      queueMails(deps, licensingRequest, [{ to, template, params: { messageId: id } }], nowIso);
      return id;
    });
    deps.onQueued();
    return queued;
  }
  return { post, forRequest: (requestId: number) => deps.messages.forRequest(requestId) };
}
