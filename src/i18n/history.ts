// A request's history in words, from its audit rows: what the requester's page and the desk's page show
// ("Quote sent: £280.00, valid until 2 January 2027"), never the codes the audit log stores.
import type { I18n } from './index.js';

/** An audit row as the history reads it. */
export interface HistoryEntry {
  at: string;
  action: string;
  after_json: string | null;
}

export interface HistoryFacts {
  currency: string;
  acceptedName: string | null;
  declineReason: string | null;
}

export interface HistoryLine {
  at: string;
  text: string;
  detail?: string;
}

const STEPS = new Set([
  'start_review',
  'send_quote',
  'accept_quote',
  'license',
  'license_now',
  'decline',
  'decline_quote',
  'withdraw',
  'withdraw_request',
  'mark_spam',
  'revoke_licence',
  'reissue_licence',
]);

/** One status change in words, or undefined for an entry that is not one (notes, emails, messages). */
export function describeStep(i18n: I18n, entry: HistoryEntry, facts: HistoryFacts): HistoryLine | undefined {
  const step = entry.action.startsWith('request.') ? entry.action.slice('request.'.length) : '';
  if (!STEPS.has(step)) return undefined;
  const after = (entry.after_json ? JSON.parse(entry.after_json) : {}) as Record<string, unknown>;
  const money = (minor: unknown) => (typeof minor === 'number' ? i18n.money(minor, facts.currency) : '—');
  const params: Record<string, unknown> = {};
  let detail: string | undefined;
  switch (step) {
    case 'send_quote':
      params.fee = money(after.finalFeeMinor ?? after.indicativeMinor);
      params.date = typeof after.quoteValidUntil === 'string' ? i18n.date(after.quoteValidUntil) : '—';
      break;
    case 'accept_quote':
      params.fee = money(after.acceptedAmountMinor);
      params.name = facts.acceptedName ?? '—';
      break;
    case 'license':
    case 'license_now':
      params.licence = after.licenceNumber ?? '—';
      break;
    case 'decline':
      if (typeof after.declineReason === 'string') detail = after.declineReason;
      break;
    case 'decline_quote':
      if (after.reasonGiven && facts.declineReason) detail = facts.declineReason;
      break;
    case 'revoke_licence':
    case 'reissue_licence':
      params.licence = after.licenceNumber ?? '—';
      params.version = after.version ?? '—';
      if (typeof after.reason === 'string') detail = after.reason;
      break;
  }
  const line: HistoryLine = { at: entry.at, text: i18n.t(`request.event.${step}`, params) };
  if (detail) line.detail = i18n.t('request.event.reason', { reason: detail });
  return line;
}
