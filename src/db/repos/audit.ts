// The audit trail. record() is called inside the transaction of the change it
// describes, so a change and its audit row are written together or not at all.
import type { Db } from '../connection.js';
import type { Actor } from '../../domain/accounts.js';

export interface AuditEntry {
  actor: Actor;
  action: string;
  subjectType: string;
  subjectId?: string | number | null;
  before?: unknown;
  after?: unknown;
  at: string;
}

export interface AuditRow {
  id: number;
  at: string;
  actor_id: number | null;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string | null;
  before_json: string | null;
  after_json: string | null;
}

export function auditRepo(db: Db) {
  const insert = db.prepare(`INSERT INTO audit_log
    (at, actor_id, actor, action, subject_type, subject_id, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const forSubject = db.prepare('SELECT * FROM audit_log WHERE subject_type = ? AND subject_id = ? ORDER BY id');
  const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
  return {
    record(entry: AuditEntry): number {
      const { at, actor, action, subjectType, before, after } = entry;
      const subjectId = entry.subjectId === undefined || entry.subjectId === null ? null : String(entry.subjectId);
      const info = insert.run(at, actor.id, actor.label, action, subjectType, subjectId, json(before), json(after));
      return Number(info.lastInsertRowid);
    },
    forSubject: (type: string, id: string | number) => forSubject.all(type, String(id)) as AuditRow[],
  };
}

export type AuditRepo = ReturnType<typeof auditRepo>;
