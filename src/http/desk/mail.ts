// /staff/mail: the state of email delivery at a glance, so a silent SMTP failure is seen by the desk, not
// found weeks later by a requester. Each message links to its request, where a failed one can be sent again.
import type { Request, Response } from 'express';
import { i18nFor } from '../../i18n/index.js';
import type { Services } from '../../services/services.js';
import { renderDesk } from './render.js';

const LIMIT = 200;

export function mailPage(services: Services) {
  return (req: Request, res: Response) => {
    const now = services.clock();
    renderDesk(req, res, 200, 'staff/mail', {
      nav: 'mail',
      title: 'Email delivery',
      counts: services.mailStatus.counts(),
      limit: LIMIT,
      messages: services.mailStatus.needingAttention(LIMIT).map((email) => ({
        id: email.id,
        reference: email.reference,
        what: email.label,
        recipient: email.recipient,
        status: email.status,
        attempts: email.attempts,
        lastError: email.last_error,
        createdAt: i18nFor('en').dateTime(email.created_at),
        waitingMinutes: Math.floor((now.getTime() - Date.parse(email.created_at)) / 60_000),
      })),
    });
  };
}
