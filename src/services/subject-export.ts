// A subject-access export: everything the service holds about one email address,
// as one JSON document. Every request from that address (compared without case)
// with all its stored columns, and every row of every table that refers to those
// requests (articles, emails, staff notes, …, found from the schema so a table
// added later is included without a change here), plus the audit entries about
// them. The access token is left out: it is a credential, not information.
import type { Db } from '../db/connection.js';
import { writeTransaction } from '../db/connection.js';
import { auditRepo, type Actor } from '../db/repos/audit.js';
import { checkEmail, personId } from './erasure.js';

type Row = Record<string, unknown>;

export interface SubjectExport {
  subject: string;
  generatedAt: string;
  requests: (Row & { related: Record<string, Row[]>; audit: Row[] })[];
  emailsAddressed: Row[];
  /** Audit entries about the person (earlier access requests or erasures), named by the address's hash. */
  personAudit: Row[];
}

/** Tables with a request_id column, from the live schema. Names come from sqlite_master, never from input. */
function relatedTables(db: Db): string[] {
  return db
    .prepare(
      `SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c
       WHERE m.type = 'table' AND c.name = 'request_id' ORDER BY m.name`,
    )
    .pluck()
    .all() as string[];
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function subjectExport(db: Db, rawEmail: unknown, opts: { actor: Actor; now: Date }): SubjectExport {
  const email = checkEmail(rawEmail);
  const requests = db
    .prepare('SELECT * FROM requests WHERE lower(requester_email) = lower(?) ORDER BY created_at, id')
    .all(email) as Row[];
  const related = relatedTables(db).map((table) => ({
    table,
    stmt: db.prepare(`SELECT * FROM ${quoteIdent(table)} WHERE request_id = ? ORDER BY 1`),
  }));
  const audit = db.prepare(`SELECT at, actor, action, before_json, after_json FROM audit_log
    WHERE subject_type = 'request' AND subject_id = ? ORDER BY id`);
  const addressed = db.prepare(`SELECT id, request_id, template, locale, status, created_at, sent_at FROM outbox
    WHERE lower(recipient) = lower(?) ORDER BY id`);

  const personAudit = db.prepare(`SELECT at, actor, action, after_json FROM audit_log
    WHERE subject_type = 'person' AND subject_id = ? ORDER BY id`);
  const doc: SubjectExport = {
    subject: email,
    generatedAt: opts.now.toISOString(),
    requests: requests.map(({ access_token: _token, ...r }) => ({
      ...r,
      related: Object.fromEntries(related.map(({ table, stmt }) => [table, stmt.all(r.id) as Row[]])),
      audit: (audit.all(String(r.id)) as Row[]).map(({ before_json, after_json, ...a }) => ({
        ...a,
        before: before_json === null ? null : JSON.parse(String(before_json)),
        after: after_json === null ? null : JSON.parse(String(after_json)),
      })),
    })),
    // Messages to this address, including any not tied to a request.
    emailsAddressed: addressed.all(email) as Row[],
    personAudit: (personAudit.all(personId(email)) as Row[]).map(({ after_json, ...a }) => ({
      ...a,
      after: after_json === null ? null : JSON.parse(String(after_json)),
    })),
  };
  writeTransaction(db, () =>
    auditRepo(db).record({
      actor: opts.actor, action: 'person.subject_export', subjectType: 'person', subjectId: personId(email),
      at: opts.now.toISOString(), after: { requests: requests.map((r) => r.reference) },
    }),
  );
  return doc;
}
