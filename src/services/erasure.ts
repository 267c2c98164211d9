// Erasure on request: every request from one email address (compared without case) is anonymised as
// retention would, whatever its status, and the emails queued for that person are cancelled. The audit log
// names the person by a SHA-256 of the address: it must not keep what was just erased, yet "did you erase
// x@y?" can still be answered by hashing x@y.
import crypto from 'node:crypto';
import type { Db } from '../db/connection.js';
import { writeTransaction } from '../db/connection.js';
import { auditRepo } from '../db/repos/audit.js';
import { type Actor } from '../domain/accounts.js';
import { PERSONAL_FIELDS, retentionRepo } from '../db/repos/retention.js';
import { AppError } from '../errors.js';
import { isEmailAddress } from '../email-address.js';

export interface ErasureResult {
  subject: string;
  references: string[];
  emailsCancelled: number;
  /** False when a reader (Litestream) deferred the checkpoint: the erased text is in the WAL until the next one. */
  walCheckpointed: boolean;
}

/** How the audit log names a person: sha256 of the trimmed, lower-cased address. */
export const personId = (email: string) =>
  `sha256:${crypto.createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;

export function checkEmail(raw: unknown): string {
  const email = typeof raw === 'string' ? raw.trim() : '';
  if (!isEmailAddress(email)) {
    const message = 'Give the email address exactly as the person wrote it, e.g. name@example.org.';
    throw new AppError(400, 'bad_email', message);
  }
  return email;
}

export function erasePerson(db: Db, rawEmail: unknown, options: { actor: Actor; now: Date }): ErasureResult {
  const email = checkEmail(rawEmail);
  const repo = retentionRepo(db);
  const audit = auditRepo(db);
  const at = options.now.toISOString();
  const subject = personId(email);
  const erased = writeTransaction(db, () => {
    const result: ErasureResult = { subject, references: [], emailsCancelled: 0, walCheckpointed: false };
    for (const request of repo.byEmail(email)) {
      const outcome = repo.anonymise(request.id, at);
      if (!outcome) continue;
      result.references.push(request.reference);
      result.emailsCancelled += outcome.emailsCancelled;
      audit.record({
        actor: options.actor,
        action: 'request.anonymise',
        subjectType: 'request',
        subjectId: request.id,
        at,
        after: { reason: 'erasure', fields: PERSONAL_FIELDS, emailsCancelled: outcome.emailsCancelled },
      });
    }
    audit.record({
      actor: options.actor,
      action: 'person.erase',
      subjectType: 'person',
      subjectId: subject,
      at,
      after: { requests: result.references, emailsCancelled: result.emailsCancelled },
    });
    return result;
  });
  erased.walCheckpointed = repo.purgeResidue();
  return erased;
}

/** The requests that still hold this person's data (the erasure page lists them before erasing). */
export function requestsHoldingDataOf(db: Db, email: string) {
  return retentionRepo(db).byEmail(email);
}
