// The desk's other changes to a request: a staff note, and putting a failed email
// back in the outbox. Each with its audit row in the same transaction; both count
// as desk action on the request (the overdue clock restarts).
import { writeTransaction } from '../db/connection.js';
import type { Actor } from '../domain/accounts.js';
import { MAX_NOTE_LENGTH, type NotesRepo } from '../db/repos/notes.js';
import { AppError, notFound } from '../errors.js';
import type { DeskDeps } from './desk-workflow.js';

export function deskRecords(d: DeskDeps & { notes: NotesRepo }) {
  return {
    addNote(actor: Actor, requestId: number, bodyRaw: string): number {
      const body = bodyRaw.replace(/\r\n/g, '\n').trim();
      if (!body) throw new AppError(422, 'invalid_note', 'Write the note first.', [{ path: 'note', message: 'Write the note first.' }]);
      if (body.length > MAX_NOTE_LENGTH) {
        const message = `Keep a note under ${MAX_NOTE_LENGTH.toLocaleString('en')} characters.`;
        throw new AppError(422, 'invalid_note', message, [{ path: 'note', message }]);
      }
      return writeTransaction(d.db, () => {
        if (!d.desk.fields(requestId)) throw notFound();
        const now = d.clock().toISOString();
        const id = d.notes.add(requestId, actor, body, now);
        d.desk.touch(requestId, now);
        // The text stays in request_notes, which erasure can reach; the append-only audit log never can.
        d.audit.record({ actor, action: 'note.add', subjectType: 'request', subjectId: requestId, after: { noteId: id, length: body.length }, at: now });
        return id;
      });
    },

    /** Only a failed message of this request can be retried; it is sent again from scratch (attempts reset). */
    retryMail(actor: Actor, requestId: number, outboxId: number) {
      writeTransaction(d.db, () => {
        const row = d.outbox.findById(outboxId);
        if (!row || row.request_id !== requestId) throw notFound();
        const now = d.clock().toISOString();
        if (!d.desk.requeueFailed(outboxId, requestId, now)) {
          throw new AppError(409, 'not_failed', 'Only a failed email can be sent again; this one is not failed.');
        }
        d.desk.touch(requestId, now);
        d.audit.record({
          actor, action: 'mail.retry', subjectType: 'request', subjectId: requestId, at: now,
          before: { outboxId, template: row.template, status: row.status, attempts: row.attempts, lastError: row.last_error },
          after: { outboxId, status: 'queued', attempts: 0 },
        });
      });
      d.onQueued();
    },
  };
}
