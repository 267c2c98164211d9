// /admin/webhooks: endpoints (URL, format, events) added by admins, each with its delivery log, a test button, and
// disable, enable, remove and rotate the secret. A signing secret is shown once, on the page that adds or rotates it.
import type { Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import { CHAT_EVENTS, EVENT_TYPES } from '../../services/webhooks.js';
import { AppError, notFound } from '../../errors.js';
import { i18nFor } from '../../i18n/index.js';
import { actorOf } from '../core/middleware/auth.js';
import { postedText } from '../core/posted.js';
import { renderDesk } from '../desk/render.js';

const DONE: Record<string, string> = {
  test: 'A test event is queued: it shows in the log below within a few seconds.',
  disabled: 'The endpoint is disabled: nothing more is sent to it.',
  enabled: 'The endpoint is enabled: new events are sent to it again.',
  removed: 'The endpoint is removed.',
};

export function webhookPages(services: Services) {
  const en = i18nFor('en');
  const when = (iso: string | null) => (iso ? en.dateTime(iso) : '—');
  const idOf = (req: Request) => {
    const id = String(req.params.id);
    if (!/^\d{1,15}$/.test(id)) throw notFound('There is no such webhook endpoint.');
    return Number(id);
  };
  const listPage = (req: Request, res: Response, status: number, data: Record<string, unknown> = {}) =>
    renderDesk(req, res, status, 'admin/webhooks', {
      nav: 'webhooks',
      title: 'Webhooks',
      endpoints: services.webhooks
        .list()
        .map((e) => ({ ...e, events: e.events.split(','), created: when(e.createdAt) })),
      eventTypes: EVENT_TYPES,
      chatEvents: CHAT_EVENTS,
      form: { url: '', format: 'standard', events: [...EVENT_TYPES] },
      created: null,
      error: null,
      done: typeof req.query.done === 'string' ? (DONE[req.query.done] ?? null) : null,
      ...data,
    });

  const endpointPage = (req: Request, res: Response, status: number, data: Record<string, unknown> = {}) => {
    const endpoint = services.webhooks.endpoint(idOf(req));
    renderDesk(req, res, status, 'admin/webhook', {
      nav: 'webhooks',
      title: `Webhook ${endpoint.url}`,
      endpoint: {
        ...endpoint,
        events: endpoint.events.split(','),
        created: when(endpoint.createdAt),
        disabled: when(endpoint.disabledAt),
        previousSecretUntil: endpoint.previousSecretUntil && when(endpoint.previousSecretUntil),
      },
      done: typeof req.query.done === 'string' ? (DONE[req.query.done] ?? null) : null,
      rotated: null,
      log: services.webhooks.log(endpoint.id).map((row) => ({
        ...row,
        created: when(row.createdAt),
        result:
          row.status === 'delivered'
            ? `Delivered (${row.lastStatus}) in ${row.lastDurationMs} ms`
            : row.status === 'pending' && row.attempts > 0
              ? `${row.lastError ?? 'Failed'}; trying again ${when(row.nextAttemptAt)}`
              : row.status === 'pending' || row.status === 'sending'
                ? 'Waiting to be sent'
                : row.status === 'cancelled'
                  ? 'Not sent: the endpoint was disabled'
                  : `Given up: ${row.lastError ?? 'failed'}`,
      })),
      ...data,
    });
  };

  return {
    list: (req: Request, res: Response) => listPage(req, res, 200),

    async add(req: Request, res: Response) {
      const body = req.body as Record<string, unknown>;
      const events = ([] as unknown[]).concat(body.events ?? []).filter((e): e is string => typeof e === 'string');
      const form = { url: postedText(body, 'url', 2100), format: postedText(body, 'format', 20), events };
      try {
        const { id, secret } = await services.webhooks.add(actorOf(res), form);
        listPage(req, res, 201, { created: { id, secret, format: form.format } });
      } catch (error) {
        if (!(error instanceof AppError) || error.status !== 422) throw error;
        listPage(req, res, 422, { form, error: error.message });
      }
    },

    show: (req: Request, res: Response) => endpointPage(req, res, 200),

    /** A new signing secret, shown once on the endpoint's page; a chat endpoint has none (409). */
    rotateSecret(req: Request, res: Response) {
      const seen = postedText(req.body as Record<string, unknown>, 'secretTag', 40);
      const rotated = services.webhooks.rotateSecret(actorOf(res), idOf(req), seen);
      endpointPage(req, res, 200, { rotated: { ...rotated, until: when(rotated.previousSecretUntil) } });
    },

    act(req: Request, res: Response) {
      const id = idOf(req);
      const actor = actorOf(res);
      const action = String(req.params.action);
      if (action === 'test') services.webhooks.sendTest(actor, id);
      else if (action === 'disable') services.webhooks.disable(actor, id);
      else if (action === 'enable') services.webhooks.enable(actor, id);
      else if (action === 'remove') {
        services.webhooks.remove(actor, id);
        return res.redirect(303, '/admin/webhooks?done=removed');
      } else throw notFound();
      const done = action === 'test' ? 'test' : `${action}d`;
      res.redirect(303, `/admin/webhooks/${id}?done=${done}`);
    },
  };
}
