// Staff notes on a request: internal, append-only, written with their audit row.
import type { Db } from '../connection.js';

export interface NoteRow {
  id: number;
  request_id: number;
  author_id: number | null;
  author: string;
  body: string;
  created_at: string;
}

export const MAX_NOTE_LENGTH = 5000;

export function notesRepo(db: Db) {
  const insert = db.prepare(
    'INSERT INTO request_notes (request_id, author_id, author, body, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const forRequest = db.prepare('SELECT * FROM request_notes WHERE request_id = ? ORDER BY id');
  return {
    add(requestId: number, author: { id: number | null; label: string }, body: string, now: string): number {
      return Number(insert.run(requestId, author.id, author.label, body, now).lastInsertRowid);
    },
    forRequest: (requestId: number) => forRequest.all(requestId) as NoteRow[],
  };
}

export type NotesRepo = ReturnType<typeof notesRepo>;
