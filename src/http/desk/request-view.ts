// Everything the desk's request page shows, put into words: the request's fields, the quote breakdown, desk
// decisions, possible duplicates, its emails and their delivery, notes, the history, and the actions its
// status allows with their forms' starting values.
import type { StoredRequest } from '../../domain/request.js';
import type { RequestDetails, AuditRow } from '../../services/desk-requests.js';
import { allowedActions, STATUS_LABELS } from '../../domain/workflow.js';
import { ageLabel, isOverdue } from '../../domain/overdue.js';
import { addDaysIso, addMonthsIso, todayUtc } from '../../domain/dates.js';
import { licenceNumberFor } from '../../domain/licence.js';
import { i18nFor } from '../../i18n/index.js';
import { labelQuote } from '../../i18n/quote-labels.js';
import { requestFieldRows } from '../../i18n/request-fields.js';

const en = i18nFor('en');

export const currencyDigits = (currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

const minutes = (iso: string) => iso.slice(0, 16).replace('T', ' ');

/** A history entry's before/after as "field: old → new" lines. */
function auditChanges(row: AuditRow): { field: string; before: string; after: string }[] {
  const before = (row.before_json ? JSON.parse(row.before_json) : {}) as Record<string, unknown>;
  const after = (row.after_json ? JSON.parse(row.after_json) : {}) as Record<string, unknown>;
  const show = (value: unknown) =>
    value === undefined ? '' : value === null ? '—' : typeof value === 'string' ? value : JSON.stringify(value);
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].map((field) => ({
    field,
    before: show(before[field]),
    after: show(after[field]),
  }));
}

function hostOf(url: string | undefined): string {
  const parsed = url ? URL.parse(url) : null;
  return parsed ? parsed.hostname.replace(/^www\./, '') : 'us';
}

export function requestPageData(
  licensingRequest: StoredRequest,
  details: RequestDetails,
  now: Date,
  overdueWorkingDays: number,
) {
  const { fields } = details;
  const today = todayUtc(now);
  const currency = licensingRequest.quote.currency;
  const money = (minor: number | null) => (minor === null ? '—' : en.money(minor, currency));
  const fee = fields.final_fee_minor ?? fields.quote_total_minor;
  const start = licensingRequest.usage.startDate >= today ? licensingRequest.usage.startDate : today;
  const digits = currencyDigits(currency);
  const firstUrl = licensingRequest.articles[0]?.url;
  const quotedUntil = licensingRequest.quote.validUntil;
  const licenceNumber = licenceNumberFor(licensingRequest.reference);
  return {
    title: licensingRequest.reference,
    licensingRequest,
    fields,
    statusLabel: STATUS_LABELS[licensingRequest.status],
    age: ageLabel(licensingRequest.createdAt, now),
    overdue: isOverdue(
      licensingRequest.status,
      fields.last_action_at ?? licensingRequest.createdAt,
      now,
      overdueWorkingDays,
    ),
    rows: requestFieldRows(licensingRequest, en),
    quote: labelQuote(en, licensingRequest.quote),
    money,
    desk: {
      fee: fee === null ? null : money(fee),
      finalFee: fields.final_fee_minor === null ? null : money(fields.final_fee_minor),
      indicative: money(fields.quote_total_minor),
    },
    duplicates: details.duplicates,
    messages: details.emails.map((email) => ({
      id: email.id,
      what: email.label,
      recipient: email.recipient,
      locale: email.locale,
      status: email.status === 'sending' ? 'queued' : email.status,
      attempts: email.attempts,
      lastError: email.last_error,
      createdAt: minutes(email.created_at),
      sentAt: email.sent_at ? minutes(email.sent_at) : null,
      canRetry: email.status === 'failed',
    })),
    notes: details.notes,
    audit: details.history.map((entry) => ({ ...entry, changes: auditChanges(entry) })),
    actions: allowedActions(licensingRequest.status),
    defaults: {
      fee_choice: fields.quote_total_minor === null ? 'final' : 'indicative',
      final_fee: fields.final_fee_minor === null ? '' : (fields.final_fee_minor / 10 ** digits).toFixed(digits),
      fee_reason: fields.fee_reason ?? '',
      valid_until: quotedUntil >= today ? quotedUntil : addDaysIso(today, 30),
      licence_start: start,
      licence_end: addMonthsIso(start, licensingRequest.usage.durationMonths),
      credit_line: `Originally published by ${hostOf(firstUrl)}. Republished under licence ${licenceNumber}.`,
      link_back: firstUrl ?? '',
      decline_reason: '',
      reason: '',
      note: '',
    },
    currency,
    currencyStep: digits ? `0.${'0'.repeat(digits - 1)}1` : '1',
    problem: null,
    errors: {},
    posted: {},
    openForm: null,
    done: null,
  };
}
