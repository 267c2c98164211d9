// What a subject-access export reads: every request from one address (compared without case) with all
// its columns, every row of every table that refers to those requests (found from the live schema, so a
// table added later is included without a change here), and the audit entries.
import type { Db } from '../connection.js';

export type Row = Record<string, unknown>;

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function subjectAccessRepo(db: Db) {
  const requests = db.prepare('SELECT * FROM requests WHERE lower(requester_email) = lower(?) ORDER BY created_at, id');
  // Names come from sqlite_master, never from input.
  const relatedTables = db
    .prepare(
      `SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c
      WHERE m.type = 'table' AND c.name = 'request_id' ORDER BY m.name`,
    )
    .pluck();
  const requestAudit = db.prepare(`SELECT at, actor, action, before_json, after_json FROM audit_log
    WHERE subject_type = 'request' AND subject_id = ? ORDER BY id`);
  const addressed = db.prepare(`SELECT id, request_id, template, locale, status, created_at, sent_at FROM outbox
    WHERE lower(recipient) = lower(?) ORDER BY id`);
  const personAudit = db.prepare(`SELECT at, actor, action, after_json FROM audit_log
    WHERE subject_type = 'person' AND subject_id = ? ORDER BY id`);

  return {
    requestsFrom: (email: string) => requests.all(email) as Row[],
    /** For each table with a request_id column, its rows for one request. */
    relatedRows(): (requestId: unknown) => Record<string, Row[]> {
      const statements = (relatedTables.all() as string[]).map((table) => ({
        table,
        statement: db.prepare(`SELECT * FROM ${quoteIdent(table)} WHERE request_id = ? ORDER BY 1`),
      }));
      return (requestId) =>
        Object.fromEntries(statements.map(({ table, statement }) => [table, statement.all(requestId) as Row[]]));
    },
    requestAudit: (requestId: unknown) => requestAudit.all(String(requestId)) as Row[],
    /** Messages to this address, including any not tied to a request. */
    emailsTo: (email: string) => addressed.all(email) as Row[],
    personAudit: (personId: string) => personAudit.all(personId) as Row[],
  };
}
