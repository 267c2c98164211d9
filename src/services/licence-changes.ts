// Changes to a licence once issued: a corrected version under the same number (the replaced one kept, still
// verifiable as superseded) and revocation. Each audited in its transaction, the requester emailed.
import { writeTransaction } from '../db/connection.js';
import type { LicencesRepo } from '../db/repos/licences.js';
import type { Actor } from '../domain/accounts.js';
import { AppError, notFound } from '../errors.js';
import { checkLicence, type LicenceInput } from './desk-checks.js';
import type { DeskDeps } from './desk-workflow.js';
import { newLicenceCode, queueMails } from './request-transition.js';

/** The reason for a revocation or a correction: the requester reads it. */
function checkedReason(raw: string, path: string, message: string): string {
  const reason = raw.trim();
  if (!reason || reason.length > 2000) throw new AppError(422, 'invalid_reason', message, [{ path, message }]);
  return reason;
}

export function licenceChanges(deps: DeskDeps & { licences: LicencesRepo }) {
  return {
    /** A new version of the licence with corrected terms and a new code; the requester gets the new document. */
    reissueLicence(actor: Actor, requestId: number, expectedVersion: number, input: LicenceInput, reasonRaw: string) {
      const terms = checkLicence(input);
      const reason = checkedReason(
        reasonRaw,
        'reissue_reason',
        'Say what the new version corrects (up to 2,000 characters): the requester is told.',
      );
      writeTransaction(deps.db, () => {
        const licensed = deps.requests.findById(requestId);
        const before = deps.desk.fields(requestId);
        if (!licensed || !before) throw notFound();
        const now = deps.clock().toISOString();
        const code = newLicenceCode();
        if (before.licence_version !== expectedVersion && !before.licence_revoked_at) {
          const message = `Someone corrected this licence just now (version ${before.licence_version}). Reload the page and check it.`;
          throw new AppError(409, 'conflict', message);
        }
        if (!deps.licences.reissue(requestId, expectedVersion, { ...terms, code }, reason, now)) {
          throw new AppError(409, 'not_reissuable', 'This request has no licence in force to correct.');
        }
        const version = expectedVersion + 1;
        const { licence_start: start, licence_end: end, credit_line: creditLine, link_back: linkBack } = before;
        deps.desk.touch(requestId, now);
        deps.audit.record({
          actor,
          action: 'request.reissue_licence',
          subjectType: 'request',
          subjectId: requestId,
          at: now,
          before: { licenceNumber: before.licence_number, version: version - 1, start, end, creditLine, linkBack },
          after: { licenceNumber: before.licence_number, version, ...terms, reason },
        });
        const params = {
          licenceNumber: before.licence_number,
          version,
          reason,
          code,
          start: terms.start,
          end: terms.end,
        };
        queueMails(deps, licensed, [{ to: 'requester', template: 'licence_reissued', params }], now);
      });
      deps.onQueued();
    },

    /** Revokes the request's licence (admins only, checked by the route): recorded, audited, the requester told. */
    revokeLicence(actor: Actor, requestId: number, reasonRaw: string) {
      const reason = checkedReason(
        reasonRaw,
        'revoke_reason',
        'Say why the licence is revoked (up to 2,000 characters): the requester is told.',
      );
      writeTransaction(deps.db, () => {
        const licensed = deps.requests.findById(requestId);
        const fields = deps.desk.fields(requestId);
        if (!licensed || !fields) throw notFound();
        const now = deps.clock().toISOString();
        if (!deps.desk.revokeLicence(requestId, reason, now)) {
          throw new AppError(409, 'not_revocable', 'This request has no licence in force to revoke.');
        }
        deps.audit.record({
          actor,
          action: 'request.revoke_licence',
          subjectType: 'request',
          subjectId: requestId,
          at: now,
          before: { licenceNumber: fields.licence_number },
          after: { licenceNumber: fields.licence_number, revokedAt: now, reason },
        });
        const params = { licenceNumber: fields.licence_number, reason, revokedAt: now };
        queueMails(deps, licensed, [{ to: 'requester', template: 'licence_revoked', params }], now);
      });
      deps.onQueued();
    },
  };
}
