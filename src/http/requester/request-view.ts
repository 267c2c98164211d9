// What the requester's page shows, put into words in the request's language: the status, the history, the
// quote the desk sent (or the indicative one), the licence, the messages, and which actions it offers.
import type { StoredRequest } from '../../domain/request.js';
import type { RequesterView } from '../../services/requester-pages.js';
import { canApply } from '../../domain/workflow.js';
import { describeStep, type HistoryLine } from '../../i18n/history.js';
import type { I18n } from '../../i18n/index.js';
import { labelQuote } from '../../i18n/quote-labels.js';

export function requesterPageData(
  i18n: I18n,
  licensingRequest: StoredRequest,
  view: RequesterView,
  conditionsVersion: string,
) {
  const { fields } = view;
  const status = fields.status;
  const currency = licensingRequest.quote.currency;
  const facts = { currency, acceptedName: fields.accepted_name, declineReason: fields.decline_reason };
  const history: HistoryLine[] = [{ at: licensingRequest.createdAt, text: i18n.t('request.event.received') }];
  for (const entry of view.history) {
    const line = describeStep(i18n, entry, facts);
    if (line) history.push(line);
  }
  for (const message of view.messages) {
    history.push({ at: message.created_at, text: i18n.t(`request.event.message_${message.author}`) });
  }
  history.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const fee = view.feeMinor === null ? null : i18n.money(view.feeMinor, currency);
  return {
    request: licensingRequest,
    fields,
    status,
    statusLabel: i18n.t(`request.status.${status}`),
    quote: labelQuote(i18n, licensingRequest.quote),
    history: history.map((line) => ({ ...line, when: i18n.dateTime(line.at) })),
    messages: view.messages.map((message) => ({ ...message, when: i18n.dateTime(message.created_at) })),
    fee,
    sentQuote: fields.quote_sent_at !== null && ['quoted', 'accepted'].includes(status),
    quoteExpired: view.quoteExpired,
    validUntil: fields.quote_valid_until ? i18n.date(fields.quote_valid_until) : null,
    conditionsVersion,
    canAccept: canApply(status, 'accept_quote') && !view.quoteExpired && view.feeMinor !== null,
    canLicenseNow: view.canLicenseNow,
    canDecline: canApply(status, 'decline_quote'),
    canWithdraw: canApply(status, 'withdraw_request'),
    canMessage: view.canMessage,
    formToken: view.formToken,
    renewsLicence: view.renewsLicence,
    base: `/licensing/requests/${licensingRequest.accessToken}`,
  };
}
