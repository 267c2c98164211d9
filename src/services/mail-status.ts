// The state of email delivery for the desk's mail page: counts per state, and every message
// that failed or has waited longer than a quarter of an hour, with the server's last answer.
import type { OutboxRepo, OutboxRow } from '../db/repos/outbox.js';
import { templateLabel } from '../mail/templates.js';

const LONG_QUEUED_MS = 15 * 60_000;

export type EmailNeedingAttention = OutboxRow & { reference: string | null; label: string };

export function mailStatusService(deps: { outbox: OutboxRepo; clock: () => Date }) {
  return {
    counts: () => deps.outbox.counts(),
    needingAttention(limit: number): EmailNeedingAttention[] {
      return deps.outbox
        .needingAttention(deps.clock(), LONG_QUEUED_MS, limit)
        .map((row) => ({ ...row, label: templateLabel(row.template) }));
    },
  };
}
