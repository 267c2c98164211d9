// The desk's other changes to a request: a note, and putting a failed email back in the outbox. Each with
// its audit row in the same transaction; both count as desk action (the overdue clock restarts).
import { writeTransaction } from '../db/connection.js';
import type { Actor } from '../domain/accounts.js';
import { MAX_NOTE_LENGTH, type NotesRepo } from '../db/repos/notes.js';
import { AppError, notFound } from '../errors.js';
import type { DeskDeps } from './desk-workflow.js';

export function deskRecords(deps: DeskDeps & { notes: NotesRepo }) {
  return {
    addNote(actor: Actor, requestId: number, bodyRaw: string): number {
      const body = bodyRaw.replace(/\r\n/g, '\n').trim();
      if (!body) {
        const message = 'Write the note first.';
        throw new AppError(422, 'invalid_note', message, [{ path: 'note', message }]);
      }
      if (body.length > MAX_NOTE_LENGTH) {
        const message = `Keep a note under ${MAX_NOTE_LENGTH.toLocaleString('en')} characters.`;
        throw new AppError(422, 'invalid_note', message, [{ path: 'note', message }]);
      }
      return writeTransaction(deps.db, () => {
        if (!deps.desk.fields(requestId)) throw notFound();
        const now = deps.clock().toISOString();
        const id = deps.notes.add(requestId, actor, body, now);
        deps.desk.touch(requestId, now);
        // The text stays in request_notes, which erasure can reach; the append-only audit log never can.
        deps.audit.record({
          actor,
          action: 'note.add',
          subjectType: 'request',
          subjectId: requestId,
          after: { noteId: id, length: body.length },
          at: now,
        });
        return id;
      });
    },

    /** Only a failed message of this request can be retried; it is sent again from scratch (attempts reset). */
    retryMail(actor: Actor, requestId: number, outboxId: number) {
      writeTransaction(deps.db, () => {
        const row = deps.outbox.findById(outboxId);
        if (!row || row.request_id !== requestId) throw notFound();
        const now = deps.clock().toISOString();
        if (!deps.desk.requeueFailed(outboxId, requestId, now)) {
          throw new AppError(409, 'not_failed', 'Only a failed email can be sent again; this one is not failed.');
        }
        deps.desk.touch(requestId, now);
        const { template, status, attempts, last_error: lastError } = row;
        deps.audit.record({
          actor,
          action: 'mail.retry',
          subjectType: 'request',
          subjectId: requestId,
          at: now,
          before: { outboxId, template, status, attempts, lastError },
          after: { outboxId, status: 'queued', attempts: 0 },
        });
      });
      deps.onQueued();
    },
  };
}
