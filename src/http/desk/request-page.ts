// One request on the desk: GET shows everything about it; POSTs (CSRF-checked) run a workflow action, add a
// note or retry a failed email, then redirect (303) back. A form mistake shows the page again (422) with the
// message beside the field and what was typed; a refused transition 409; a database out of space 503.
import type { Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import type { StoredRequest } from '../../domain/request.js';
import type { Actor } from '../../domain/accounts.js';
import { isAction, type Action } from '../../domain/workflow.js';
import { AppError, notFound } from '../../errors.js';
import { parseAmount } from '../../services/desk-checks.js';
import { postedText } from '../core/posted.js';
import { actorOf } from '../core/middleware/auth.js';
import { renderDesk } from './render.js';
import { requestPageData, currencyDigits } from './request-view.js';

type Body = Record<string, unknown>;

export function deskRequestPage(services: Services, overdueWorkingDays: number) {
  const requests = services.deskRequests;

  const show = (
    req: Request,
    res: Response,
    status: number,
    licensingRequest: StoredRequest,
    extra: Record<string, unknown> = {},
  ) =>
    renderDesk(req, res, status, 'staff/request', {
      nav: 'requests',
      ...requestPageData(
        licensingRequest,
        requests.details(licensingRequest),
        services.clock(),
        overdueWorkingDays,
        requests.templateLabel,
      ),
      ...extra,
    });

  /** Runs a change; a form mistake, a refused change or a full disk shows the page again with what was typed. */
  const attempt = (
    req: Request,
    res: Response,
    licensingRequest: StoredRequest,
    form: string,
    change: () => void,
    done: string,
  ) => {
    try {
      change();
    } catch (error) {
      const shown =
        error instanceof AppError
          ? error.status === 422 || error.status === 409
            ? error
            : undefined
          : services.storage.refuse('database', error, `desk action ${form}`, req.log);
      if (!shown) throw error;
      const errors = Object.fromEntries((shown.fields ?? []).map((field) => [field.path, field.message]));
      if (shown.retryAfterSeconds !== undefined) res.set('Retry-After', String(shown.retryAfterSeconds));
      const shownAgain = { problem: shown.message, errors, posted: req.body ?? {}, openForm: form };
      return show(req, res, shown.status, licensingRequest, shownAgain);
    }
    services.storage.wrote('database');
    res.redirect(303, `/staff/requests/${licensingRequest.reference}?done=${done}`);
  };

  function run(action: Action, actor: Actor, licensingRequest: StoredRequest, body: Body) {
    const id = licensingRequest.id;
    switch (action) {
      case 'start_review':
        return requests.startReview(actor, id);
      case 'send_quote': {
        const choice = postedText(body, 'fee_choice', 20);
        const final = choice === 'final' || (!choice && !!postedText(body, 'final_fee_minor', 20));
        let finalFeeMinor: number | null = null;
        if (final) {
          const minorRaw = postedText(body, 'final_fee_minor', 20).trim();
          const parsed = /^\d{1,15}$/.test(minorRaw)
            ? Number(minorRaw)
            : parseAmount(postedText(body, 'final_fee', 30), currencyDigits(licensingRequest.quote.currency));
          // NaN makes the check say "enter the fee as an amount", with the field marked.
          finalFeeMinor = parsed ?? Number.NaN;
        }
        return requests.sendQuote(actor, id, {
          finalFeeMinor,
          feeReason: postedText(body, 'fee_reason', 3000),
          validUntil: postedText(body, 'valid_until', 20).trim(),
        });
      }
      case 'license':
        return requests.license(actor, id, {
          start: postedText(body, 'licence_start', 20).trim(),
          end: postedText(body, 'licence_end', 20).trim(),
          creditLine: postedText(body, 'credit_line', 400),
          linkBack: postedText(body, 'link_back', 2100),
        });
      case 'decline':
        return requests.decline(actor, id, postedText(body, 'decline_reason', 3000));
      case 'withdraw':
        return requests.withdraw(actor, id, postedText(body, 'reason', 3000));
      case 'mark_spam':
        return requests.markSpam(actor, id);
    }
  }

  return {
    show(req: Request, res: Response) {
      const licensingRequest = requests.find(String(req.params.reference));
      show(req, res, 200, licensingRequest, { done: typeof req.query.done === 'string' ? req.query.done : null });
    },
    addNote(req: Request, res: Response) {
      const licensingRequest = requests.find(String(req.params.reference));
      const note = postedText(req.body as Body, 'note', 20_000);
      const addNote = () => requests.addNote(actorOf(res), licensingRequest.id, note);
      attempt(req, res, licensingRequest, 'note', addNote, 'note');
    },
    revoke(req: Request, res: Response) {
      const licensingRequest = requests.find(String(req.params.reference));
      const reason = postedText(req.body as Body, 'revoke_reason', 3000);
      const revoke = () => requests.revokeLicence(actorOf(res), licensingRequest.id, reason);
      attempt(req, res, licensingRequest, 'revoke', revoke, 'revoke');
    },
    reissue(req: Request, res: Response) {
      const licensingRequest = requests.find(String(req.params.reference));
      const body = req.body as Body;
      const terms = {
        start: postedText(body, 'licence_start', 20).trim(),
        end: postedText(body, 'licence_end', 20).trim(),
        creditLine: postedText(body, 'credit_line', 400),
        linkBack: postedText(body, 'link_back', 2100),
      };
      const reason = postedText(body, 'reissue_reason', 3000);
      const version = Number(postedText(body, 'version', 10)) || 1;
      const reissue = () => requests.reissueLicence(actorOf(res), licensingRequest.id, version, terms, reason);
      attempt(req, res, licensingRequest, 'reissue', reissue, 'reissue');
    },
    reply(req: Request, res: Response) {
      const licensingRequest = requests.find(String(req.params.reference));
      const body = postedText(req.body as Body, 'reply', 20_000);
      const reply = () => void requests.reply(actorOf(res), licensingRequest, body);
      attempt(req, res, licensingRequest, 'reply', reply, 'reply');
    },
    retryEmail(req: Request, res: Response) {
      const licensingRequest = requests.find(String(req.params.reference));
      const id = String(req.params.id);
      if (!/^\d{1,15}$/.test(id)) throw notFound();
      const retry = () => requests.retryMail(actorOf(res), licensingRequest.id, Number(id));
      attempt(req, res, licensingRequest, 'mail', retry, 'retry');
    },
    act(req: Request, res: Response) {
      const licensingRequest = requests.find(String(req.params.reference));
      const action = String(req.params.action);
      if (!isAction(action)) throw notFound();
      const actor = actorOf(res);
      const change = () => run(action, actor, licensingRequest, (req.body ?? {}) as Body);
      attempt(req, res, licensingRequest, action, change, action);
    },
  };
}
