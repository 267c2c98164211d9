// Everything the request page shows, gathered and put into words: the request's
// fields, the quote breakdown, desk decisions, possible duplicates, its emails with
// their delivery state, notes, the audit trail, and the actions its status allows
// with their forms' starting values.
import type { Container } from '../../container.js';
import type { StoredRequest } from '../../db/repos/requests.js';
import type { DeskRequestsRepo } from '../../db/repos/desk-requests.js';
import type { NotesRepo } from '../../db/repos/notes.js';
import type { AuditRow } from '../../db/repos/audit.js';
import { allowedActions, STATUS_LABELS } from '../../domain/workflow.js';
import { ageLabel, isOverdue } from '../../domain/overdue.js';
import { i18nFor } from '../../i18n/index.js';
import { labelQuote } from '../../i18n/quote-labels.js';
import { requestFieldRows } from '../../mail/request-fields.js';
import { licenceNumberFor } from '../../services/desk-checks.js';

const en = i18nFor('en');

export const currencyDigits = (currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

const TEMPLATE_LABELS: Record<string, string> = {
  desk_new_request: 'New request (to the desk)',
  requester_ack: 'Acknowledgement',
  quote_sent: 'Quote',
  licence_confirmation: 'Licence confirmation',
  decline: 'Decline',
};

const addMonths = (iso: string, months: number) => {
  const d = new Date(`${iso}T00:00:00Z`);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.toISOString().slice(0, 10);
};
const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** An audit row's before/after as "field: old → new" lines. */
export function auditChanges(row: AuditRow): { field: string; before: string; after: string }[] {
  const before = (row.before_json ? JSON.parse(row.before_json) : {}) as Record<string, unknown>;
  const after = (row.after_json ? JSON.parse(row.after_json) : {}) as Record<string, unknown>;
  const show = (v: unknown) => (v === undefined ? '' : v === null ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].map((field) => ({
    field, before: show(before[field]), after: show(after[field]),
  }));
}

export function requestPageData(c: Container, d: { desk: DeskRequestsRepo; notes: NotesRepo }, r: StoredRequest) {
  const f = d.desk.fields(r.id)!;
  const now = c.clock();
  const today = now.toISOString().slice(0, 10);
  const money = (minor: number | null) => (minor === null ? '—' : en.money(minor, r.quote.currency));
  const fee = f.final_fee_minor ?? f.quote_total_minor;
  const start = r.usage.startDate;
  const digits = currencyDigits(r.quote.currency);
  return {
    title: r.reference,
    r,
    f,
    statusLabel: STATUS_LABELS[r.status],
    age: ageLabel(r.createdAt, now),
    overdue: isOverdue(r.status, f.last_action_at ?? r.createdAt, now, c.config.overdueWorkingDays),
    rows: requestFieldRows(r, en),
    quote: labelQuote(en, r.quote),
    money,
    desk: {
      fee: fee === null ? null : money(fee),
      finalFee: f.final_fee_minor === null ? null : money(f.final_fee_minor),
      indicative: money(f.quote_total_minor),
    },
    duplicates: d.desk.duplicates({ id: r.id, createdAt: r.createdAt, email: r.requester.email, org: r.organisation.name }),
    messages: c.repos.outbox.forRequest(r.id).map((m) => ({
      id: m.id,
      what: TEMPLATE_LABELS[m.template] ?? m.template,
      recipient: m.recipient,
      locale: m.locale,
      status: m.status === 'sending' ? 'queued' : m.status,
      attempts: m.attempts,
      lastError: m.last_error,
      createdAt: m.created_at.slice(0, 16).replace('T', ' '),
      sentAt: m.sent_at ? m.sent_at.slice(0, 16).replace('T', ' ') : null,
      canRetry: m.status === 'failed',
    })),
    notes: d.notes.forRequest(r.id),
    audit: c.repos.audit.forSubject('request', r.id).map((a) => ({ ...a, changes: auditChanges(a) })),
    actions: allowedActions(r.status),
    defaults: {
      fee_choice: f.quote_total_minor === null ? 'final' : 'indicative',
      final_fee: f.final_fee_minor === null ? '' : (f.final_fee_minor / 10 ** digits).toFixed(digits),
      fee_reason: f.fee_reason ?? '',
      valid_until: r.quote.validUntil >= today ? r.quote.validUntil : addDays(today, 30),
      licence_start: start >= today ? start : today,
      licence_end: addMonths(start >= today ? start : today, r.usage.durationMonths),
      credit_line: `Originally published by ${hostOf(r.articles[0]?.url)}. Republished under licence ${licenceNumberFor(r.reference)}.`,
      link_back: r.articles[0]?.url ?? '',
      decline_reason: '',
      reason: '',
      note: '',
    },
    currency: r.quote.currency,
    currencyStep: digits ? `0.${'0'.repeat(digits - 1)}1` : '1',
    problem: null,
    errors: {},
    posted: {},
    openForm: null,
    done: null,
  };
}

function hostOf(url: string | undefined): string {
  try {
    return url ? new URL(url).hostname.replace(/^www\./, '') : 'us';
  } catch {
    return 'us';
  }
}
