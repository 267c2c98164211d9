// One request on the desk: GET shows everything about it; POSTs (CSRF-checked)
// run a workflow action, add a note or retry a failed email, then redirect (303)
// back to the page. A mistake in a form shows the page again (422) with the
// message beside the field and what was typed; a refused transition, 409.
import { Router, type Request, type Response } from 'express';
import type { Container } from '../../container.js';
import type { StoredRequest } from '../../db/repos/requests.js';
import { notesRepo } from '../../db/repos/notes.js';
import { isAction, type Action } from '../../domain/workflow.js';
import { AppError, notFound } from '../../errors.js';
import { REFERENCE_PATTERN } from '../../domain/request.js';
import { postedText } from '../core/posted.js';
import { deskDeps, deskWorkflow } from '../../services/desk-workflow.js';
import { deskRecords } from '../../services/desk-records.js';
import { parseAmount } from '../../services/desk-checks.js';
import { staffForm } from '../core/middleware/csrf.js';
import { actorOf } from '../core/middleware/auth.js';
import { renderStaff } from './render.js';
import { requestPageData, currencyDigits } from './request-view.js';

type Body = Record<string, unknown>;

export function staffRequestRoutes(c: Container): Router {
  const router = Router();
  const deps = { ...deskDeps(c), notes: notesRepo(c.db) };
  const workflow = deskWorkflow(deps);
  const records = deskRecords(deps);

  const load = (reference: unknown): StoredRequest => {
    const ref = String(reference);
    const r = REFERENCE_PATTERN.test(ref) ? c.repos.requests.findByReference(ref) : undefined;
    if (!r) throw notFound('There is no request with this reference.');
    return r;
  };

  const show = (req: Request, res: Response, status: number, r: StoredRequest, extra: Record<string, unknown> = {}) =>
    renderStaff(req, res, status, 'staff/request', { nav: 'requests', ...requestPageData(c, deps, r), ...extra });

  /**
   * Runs a change; a form mistake (422), a refused/conflicting change (409) or a database out of
   * space (503, nothing changed) shows the page again with it and what was typed.
   */
  const attempt = (req: Request, res: Response, r: StoredRequest, form: string, change: () => void, done: string) => {
    try {
      change();
    } catch (err) {
      const shown =
        err instanceof AppError
          ? err.status === 422 || err.status === 409 ? err : undefined
          : c.storage.refuse('database', err, `desk action ${form}`, req.log);
      if (!shown) throw err;
      const errors = Object.fromEntries((shown.fields ?? []).map((f) => [f.path, f.message]));
      if (shown.retryAfterSeconds !== undefined) res.set('Retry-After', String(shown.retryAfterSeconds));
      return show(req, res, shown.status, r, { problem: shown.message, errors, posted: req.body ?? {}, openForm: form });
    }
    c.storage.wrote('database');
    res.redirect(303, `/staff/requests/${r.reference}?done=${done}`);
  };

  router.get('/staff/requests/:reference', (req, res) => {
    const r = load(req.params.reference);
    show(req, res, 200, r, { done: typeof req.query.done === 'string' ? req.query.done : null });
  });

  router.post('/staff/requests/:reference/notes', ...staffForm, (req, res) => {
    const r = load(req.params.reference);
    attempt(req, res, r, 'note', () => records.addNote(actorOf(res), r.id, postedText(req.body as Body, 'note', 20_000)), 'note');
  });

  router.post('/staff/requests/:reference/messages/:id/retry', ...staffForm, (req, res) => {
    const r = load(req.params.reference);
    const id = String(req.params.id);
    if (!/^\d{1,15}$/.test(id)) throw notFound();
    attempt(req, res, r, 'mail', () => records.retryMail(actorOf(res), r.id, Number(id)), 'retry');
  });

  router.post('/staff/requests/:reference/:action', ...staffForm, (req, res) => {
    const r = load(req.params.reference);
    const action = String(req.params.action);
    if (!isAction(action)) throw notFound();
    const body = (req.body ?? {}) as Body;
    const actor = actorOf(res);
    attempt(req, res, r, action, () => run(action, actor, r, body), action);
  });

  function run(action: Action, actor: ReturnType<typeof actorOf>, r: StoredRequest, body: Body) {
    switch (action) {
      case 'start_review':
        return workflow.startReview(actor, r.id);
      case 'send_quote': {
        const final = postedText(body, 'fee_choice', 20) === 'final' || (!postedText(body, 'fee_choice', 20) && !!postedText(body, 'final_fee_minor', 20));
        let finalFeeMinor: number | null = null;
        if (final) {
          const minorRaw = postedText(body, 'final_fee_minor', 20).trim();
          const parsed = minorRaw && /^\d{1,15}$/.test(minorRaw)
            ? Number(minorRaw)
            : parseAmount(postedText(body, 'final_fee', 30), currencyDigits(r.quote.currency));
          // NaN makes the check say "enter the fee as an amount", with the field marked.
          finalFeeMinor = parsed ?? Number.NaN;
        }
        return workflow.sendQuote(actor, r.id, {
          finalFeeMinor, feeReason: postedText(body, 'fee_reason', 3000), validUntil: postedText(body, 'valid_until', 20).trim(),
        });
      }
      case 'license':
        return workflow.license(actor, r.id, {
          start: postedText(body, 'licence_start', 20).trim(), end: postedText(body, 'licence_end', 20).trim(),
          creditLine: postedText(body, 'credit_line', 400), linkBack: postedText(body, 'link_back', 2100),
        });
      case 'decline':
        return workflow.decline(actor, r.id, postedText(body, 'decline_reason', 3000));
      case 'withdraw':
        return workflow.withdraw(actor, r.id, postedText(body, 'reason', 3000));
      case 'mark_spam':
        return workflow.markSpam(actor, r.id);
    }
  }

  return router;
}
