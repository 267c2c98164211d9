// One request as the desk works it: found by its reference, everything its page shows
// (desk fields, possible duplicates, its emails, notes, history), and the actions on it.
import type { Db } from '../db/connection.js';
import type { RequestsRepo } from '../db/repos/requests.js';
import type { OutboxRepo, OutboxRow } from '../db/repos/outbox.js';
import type { AuditRepo, AuditRow } from '../db/repos/audit.js';
import { deskRequestsRepo, type DeskFields, type DuplicateRow } from '../db/repos/desk-requests.js';
import { notesRepo, type NoteRow } from '../db/repos/notes.js';
import { messagesRepo, type MessageRow } from '../db/repos/messages.js';
import type { Actor } from '../domain/accounts.js';
import { requestMessages } from './request-messages.js';
import { REFERENCE_PATTERN, type StoredRequest } from '../domain/request.js';
import { notFound } from '../errors.js';
import { templateLabel } from '../mail/templates.js';
import { deskWorkflow } from './desk-workflow.js';
import { deskRecords } from './desk-records.js';
import { licenceChanges } from './licence-changes.js';
import { licencesRepo, type SupersededVersion } from '../db/repos/licences.js';

export type { AuditRow };

/** An email about the request, with what the desk calls it. */
type DeskEmail = OutboxRow & { label: string };

export interface RequestDetails {
  fields: DeskFields;
  duplicates: DuplicateRow[];
  emails: DeskEmail[];
  notes: NoteRow[];
  history: AuditRow[];
  conversation: MessageRow[];
  /** The versions corrections replaced, newest first. */
  supersededVersions: SupersededVersion[];
  /** The request this one renews, and the requests that renew this one. */
  renews: { reference: string } | undefined;
  renewedBy: { reference: string; status: string; created_at: string }[];
}

export interface DeskRequestDeps {
  db: Db;
  requests: RequestsRepo;
  outbox: OutboxRepo;
  audit: AuditRepo;
  clock: () => Date;
  onQueued: () => void;
  deskEmail: string;
  conditionsVersion: string;
}

export function deskRequestService(deps: DeskRequestDeps) {
  const desk = deskRequestsRepo(deps.db);
  const notes = notesRepo(deps.db);
  const licences = licencesRepo(deps.db);
  const actionDeps = { ...deps, desk, notes, licences };
  const conversation = requestMessages({ ...deps, desk, messages: messagesRepo(deps.db) });

  return {
    /** The request with this reference, or a 404 the desk shows as such. */
    find(reference: string): StoredRequest {
      const found = REFERENCE_PATTERN.test(reference) ? deps.requests.findByReference(reference) : undefined;
      if (!found) throw notFound('There is no request with this reference.');
      return found;
    },
    details(licensingRequest: StoredRequest): RequestDetails {
      const { id, createdAt, requester, organisation } = licensingRequest;
      const fields = desk.fields(id)!;
      const renews = fields.renews_request_id === null ? undefined : deps.requests.findById(fields.renews_request_id);
      return {
        fields,
        duplicates: desk.duplicates({ id, createdAt, email: requester.email, org: organisation.name }),
        emails: deps.outbox.forRequest(id).map((row) => ({ ...row, label: templateLabel(row.template) })),
        notes: notes.forRequest(id),
        history: deps.audit.forSubject('request', id),
        conversation: conversation.forRequest(id),
        supersededVersions: licences.supersededVersions(id),
        renews: renews && { reference: renews.reference },
        renewedBy: licences.renewalsOf(id),
      };
    },
    templateLabel,
    /** The desk's answer to the requester, emailed to them; the request no longer waits for an answer. */
    reply: (actor: Actor, licensingRequest: StoredRequest, body: string) =>
      conversation.post(actor, 'desk', licensingRequest, body),
    ...deskWorkflow(actionDeps),
    ...deskRecords(actionDeps),
    ...licenceChanges(actionDeps),
  };
}
