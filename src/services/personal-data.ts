// The admin's side of personal data: erasure and subject access by email address, and the
// state of retention, for /admin/erase and /admin/export.
import type { Db } from '../db/connection.js';
import type { Actor } from '../domain/accounts.js';
import { checkEmail, erasePerson, requestsHoldingDataOf } from './erasure.js';
import { subjectExport } from './subject-export.js';
import { retentionStatus } from './retention.js';

export function personalDataService(deps: { db: Db; clock: () => Date; retentionMonths: number }) {
  return {
    /** The address as typed, checked; an AppError (400) says what is expected. */
    checkEmail,
    requestsOf: (email: string) => requestsHoldingDataOf(deps.db, email),
    erase: (email: string, actor: Actor) => erasePerson(deps.db, email, { actor, now: deps.clock() }),
    subjectExport: (email: string, actor: Actor) => subjectExport(deps.db, email, { actor, now: deps.clock() }),
    retention: () => retentionStatus(deps.db, deps.retentionMonths, deps.clock()),
  };
}
