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
import { defaultCreditLine } from '../../i18n/credit-line.js';
import { describeStep, type HistoryFacts } from '../../i18n/history.js';
import { labelQuote } from '../../i18n/quote-labels.js';
import { requestFieldRows } from '../../i18n/request-fields.js';

const en = i18nFor('en');

export const currencyDigits = (currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

/** A history entry in words: status changes as the requester reads them too, the desk's own records, and codes
 * only for an entry nothing here knows. */
function auditLine(row: AuditRow, facts: HistoryFacts, templates: (template: string) => string): string {
  const step = describeStep(en, row, facts);
  if (step) return step.detail ? `${step.text}. ${step.detail}` : step.text;
  const after = (row.after_json ? JSON.parse(row.after_json) : {}) as Record<string, unknown>;
  switch (row.action) {
    case 'note.add':
      return 'Note added';
    case 'mail.retry':
      return `Email sent again (${templates(String(after.template ?? ''))})`;
    case 'message.add':
      return after.author === 'desk' ? 'Reply sent to the requester' : 'Message from the requester';
    default:
      return row.action.replace(/[._]/g, ' ');
  }
}

export function requestPageData(
  licensingRequest: StoredRequest,
  details: RequestDetails,
  now: Date,
  overdueWorkingDays: number,
  templateName: (template: string) => string,
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
  const facts = { currency, acceptedName: fields.accepted_name, declineReason: fields.decline_reason };
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
      createdAt: en.dateTime(email.created_at),
      sentAt: email.sent_at ? en.dateTime(email.sent_at) : null,
      canRetry: email.status === 'failed',
    })),
    notes: details.notes.map((note) => ({ ...note, when: en.dateTime(note.created_at) })),
    audit: details.history.map((entry) => ({
      at: entry.at,
      when: en.dateTime(entry.at),
      actor: entry.actor,
      text: auditLine(entry, facts, templateName),
    })),
    conversation: details.conversation.map((message) => ({ ...message, when: en.dateTime(message.created_at) })),
    acceptance: fields.accepted_at
      ? {
          when: en.dateTime(fields.accepted_at),
          name: fields.accepted_name,
          version: fields.accepted_conditions_version,
          amount: money(fields.accepted_amount_minor),
          automatically: fields.licensed_automatically === 1,
        }
      : null,
    quoteLapsed: licensingRequest.status === 'quoted' && (fields.quote_valid_until ?? '') < today,
    time: (iso: string | null) => (iso ? en.dateTime(iso) : null),
    actions: allowedActions(licensingRequest.status),
    /** Shown to admins only (the route checks again): a correction can end or lengthen a licence. */
    canReissue: licensingRequest.status === 'licensed' && !!fields.licence_code && !fields.licence_revoked_at,
    supersededVersions: details.supersededVersions,
    renews: details.renews,
    renewedBy: details.renewedBy,
    defaults: {
      fee_choice: fields.quote_total_minor === null ? 'final' : 'indicative',
      final_fee: fields.final_fee_minor === null ? '' : (fields.final_fee_minor / 10 ** digits).toFixed(digits),
      fee_reason: fields.fee_reason ?? '',
      valid_until: quotedUntil >= today ? quotedUntil : addDaysIso(today, 30),
      // A licence already issued: the correction form starts from its terms.
      licence_start: fields.licence_start ?? start,
      licence_end: fields.licence_end ?? addMonthsIso(start, licensingRequest.usage.durationMonths),
      credit_line: fields.credit_line ?? defaultCreditLine(licensingRequest, licenceNumber),
      link_back: fields.link_back ?? firstUrl ?? '',
      reissue_reason: '',
      decline_reason: '',
      reason: '',
      note: '',
      reply: '',
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
