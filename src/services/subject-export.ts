// A subject-access export: everything held about one email address, as one JSON document: every request from
// it with all its columns, every row of every table that refers to those requests (found from the schema),
// and the audit entries about them. The access token is left out: it is a credential, not information.
import type { Db } from '../db/connection.js';
import { writeTransaction } from '../db/connection.js';
import { auditRepo } from '../db/repos/audit.js';
import { type Actor } from '../domain/accounts.js';
import { subjectAccessRepo, type Row } from '../db/repos/subject-access.js';
import { checkEmail, personId } from './erasure.js';

export interface SubjectExport {
  subject: string;
  generatedAt: string;
  requests: (Row & { related: Record<string, Row[]>; audit: Row[] })[];
  emailsAddressed: Row[];
  /** Audit entries about the person (earlier access requests or erasures), named by the address's hash. */
  personAudit: Row[];
}

const parsed = (json: unknown) => (json === null ? null : JSON.parse(String(json)));

export function subjectExport(db: Db, rawEmail: unknown, options: { actor: Actor; now: Date }): SubjectExport {
  const email = checkEmail(rawEmail);
  const repo = subjectAccessRepo(db);
  const requests = repo.requestsFrom(email);
  const relatedTo = repo.relatedRows();
  const exported: SubjectExport = {
    subject: email,
    generatedAt: options.now.toISOString(),
    requests: requests.map(({ access_token: _token, ...request }) => ({
      ...request,
      related: relatedTo(request.id),
      audit: repo.requestAudit(request.id).map(({ before_json, after_json, ...entry }) => ({
        ...entry,
        before: parsed(before_json),
        after: parsed(after_json),
      })),
    })),
    emailsAddressed: repo.emailsTo(email),
    personAudit: repo
      .personAudit(personId(email))
      .map(({ after_json, ...entry }) => ({ ...entry, after: parsed(after_json) })),
  };
  writeTransaction(db, () =>
    auditRepo(db).record({
      actor: options.actor,
      action: 'person.subject_export',
      subjectType: 'person',
      subjectId: personId(email),
      at: options.now.toISOString(),
      after: { requests: requests.map((request) => request.reference) },
    }),
  );
  return exported;
}
