// The renewal reminder: a licence within RENEWAL_REMINDER_DAYS of its end gets one email to its holder, in their
// language, linking to the form prefilled from the licence. The request row records the reminder in the same
// transaction as the email, so a restart or a second run never sends it twice.
import { writeTransaction, type Db } from '../db/connection.js';
import type { LicencesRepo } from '../db/repos/licences.js';
import type { OutboxRepo } from '../db/repos/outbox.js';
import type { RequestsRepo } from '../db/repos/requests.js';
import { addDaysIso, todayUtc } from '../domain/dates.js';
import { queueMails } from './request-transition.js';

export interface RenewalReminderDeps {
  db: Db;
  licences: LicencesRepo;
  requests: RequestsRepo;
  outbox: OutboxRepo;
  deskEmail: string;
  clock: () => Date;
  onQueued: () => void;
  /** 0: no reminders. */
  days: number;
}

const BATCH = 200;

export function renewalReminders(deps: RenewalReminderDeps) {
  return {
    /** Sends the reminders now due; returns how many were queued. */
    remind(): number {
      if (deps.days <= 0) return 0;
      const now = deps.clock();
      const today = todayUtc(now);
      const until = addDaysIso(today, deps.days);
      let reminded = 0;
      for (let due = deps.licences.renewalDue(today, until, BATCH); due.length;) {
        writeTransaction(deps.db, () => {
          for (const { id, licence_number: licenceNumber, licence_end: end } of due) {
            // Marked first, so a row that cannot be emailed is not picked up again.
            if (!deps.licences.markReminded(id, now.toISOString())) continue;
            const licensed = deps.requests.findById(id);
            if (!licensed) continue;
            const params = { licenceNumber, end };
            queueMails(deps, licensed, [{ to: 'requester', template: 'licence_renewal', params }], now.toISOString());
            reminded += 1;
          }
        });
        due = due.length < BATCH ? [] : deps.licences.renewalDue(today, until, BATCH);
      }
      if (reminded) deps.onQueued();
      return reminded;
    },
  };
}
