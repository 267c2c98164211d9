// /staff/mail: the state of email delivery at a glance. Failed messages and
// messages queued for longer than a quarter of an hour are listed with the
// server's last answer, so a silent SMTP failure is seen by the desk, not found
// weeks later by a requester. Each links to its request, where it can be resent.
import { Router } from 'express';
import type { Container } from '../../container.js';
import { renderStaff } from './render.js';

export const LONG_QUEUED_MS = 15 * 60_000;
const LIMIT = 200;

const TEMPLATE_NAMES: Record<string, string> = {
  desk_new_request: 'New request (to the desk)',
  requester_ack: 'Acknowledgement',
};

export function staffMailRoutes(c: Container): Router {
  const router = Router();
  router.get('/staff/mail', (req, res) => {
    const now = c.clock();
    const rows = c.repos.outbox.needingAttention(now, LONG_QUEUED_MS, LIMIT);
    renderStaff(req, res, 200, 'staff/mail', {
      nav: 'mail',
      title: 'Email delivery',
      counts: c.repos.outbox.counts(),
      limit: LIMIT,
      messages: rows.map((m) => ({
        id: m.id,
        reference: m.reference,
        what: TEMPLATE_NAMES[m.template] ?? m.template.replace(/_/g, ' '),
        recipient: m.recipient,
        status: m.status,
        attempts: m.attempts,
        lastError: m.last_error,
        createdAt: m.created_at.slice(0, 16).replace('T', ' '),
        waitingMinutes: Math.floor((now.getTime() - Date.parse(m.created_at)) / 60_000),
      })),
    });
  });
  return router;
}
