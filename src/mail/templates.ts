// Each outbox row names a template; this renders it when the message is sent, from the stored request
// and the row's params: subject, plain text and HTML.
import type { StoredRequest } from '../domain/request.js';
import type { OutboxRow } from '../db/repos/outbox.js';
import type { Locale } from '../domain/request.js';
import { i18nFor, isLocale, type I18n } from '../i18n/index.js';
import { labelQuote } from '../i18n/quote-labels.js';
import type { ViewEngines } from '../views.js';
import type { OutgoingMessage } from './transport.js';
import { requestFieldRows } from '../i18n/request-fields.js';
import { ERASED } from '../db/repos/retention.js';
import { formatLicenceCode } from '../domain/licence.js';

export interface MailContext {
  views: ViewEngines;
  mailFrom: string;
  /** Where requesters' replies go (Reply-To), and the address their emails name. */
  deskEmail: string;
  publicBaseUrl: string;
  findRequest: (id: number) => StoredRequest | undefined;
  findMessage: (id: number) => { body: string; author: string } | undefined;
  /** The licence PDF of a licensed request, to attach to its licence email; undefined when none can be made. */
  licencePdf?: (requestId: number) => Promise<{ filename: string; content: Buffer } | undefined>;
}

interface TemplateSpec {
  /** What the email is, as the desk's pages name it. */
  label: string;
  subject: (i18n: I18n, request: StoredRequest, params: Record<string, unknown>) => string;
  /** Mail to the desk: replies go to the requester. Every other email's replies go to the desk. */
  toDesk?: boolean;
}

/** Subjects never carry a line break, whatever a stored value holds. */
const oneLine = (text: string) => text.replace(/[\r\n\u2028\u2029]+/g, ' ').slice(0, 250);

const TEMPLATES: Record<string, TemplateSpec> = {
  desk_new_request: {
    label: 'New request (to the desk)',
    subject: (_i18n, request) => `New licensing request ${request.reference}: ${request.organisation.name}`,
    toDesk: true,
  },
  desk_quote_accepted: {
    label: 'Quote accepted (to the desk)',
    subject: (_i18n, request) =>
      `Quote accepted: ${request.reference} (${request.organisation.name}), licence to issue`,
    toDesk: true,
  },
  desk_licensed_automatically: {
    label: 'Licensed automatically (to the desk)',
    subject: (_i18n, request, params) =>
      `Licensed automatically: ${request.reference} (${request.organisation.name}), ${String(params.licenceNumber)}`,
    toDesk: true,
  },
  desk_requester_closed: {
    label: 'Declined or withdrawn by the requester (to the desk)',
    subject: (_i18n, request, params) =>
      `${params.what === 'declined' ? 'Quote declined' : 'Request withdrawn'} by the requester: ${request.reference}`,
    toDesk: true,
  },
  desk_message: {
    label: 'Message from the requester (to the desk)',
    subject: (_i18n, request) => `Message from the requester: ${request.reference} (${request.organisation.name})`,
    toDesk: true,
  },
  quote_accepted: {
    label: 'Acceptance confirmed',
    subject: (i18n, request) => i18n.t('email.accepted.subject', { reference: request.reference }),
  },
  message_to_requester: {
    label: 'Message from the desk',
    subject: (i18n, request) => i18n.t('email.message.subject', { reference: request.reference }),
  },
  request_links: {
    label: 'Links to open requests',
    subject: (i18n) => i18n.t('email.links.subject'),
  },
  requester_ack: {
    label: 'Acknowledgement',
    subject: (i18n, request) => i18n.t('email.ack.subject', { reference: request.reference }),
  },
  quote_sent: {
    label: 'Quote',
    subject: (i18n, request) => i18n.t('email.quote.subject', { reference: request.reference }),
  },
  licence_confirmation: {
    label: 'Licence confirmation',
    subject: (i18n, request, params) =>
      i18n.t('email.licence.subject', { reference: request.reference, licence: String(params.licenceNumber ?? '') }),
  },
  licence_revoked: {
    label: 'Licence revoked',
    subject: (i18n, request, params) =>
      i18n.t('email.revoked.subject', { licence: String(params.licenceNumber ?? ''), reference: request.reference }),
  },
  licence_reissued: {
    label: 'Corrected licence',
    subject: (i18n, request, params) =>
      i18n.t('email.reissued.subject', { licence: String(params.licenceNumber ?? ''), reference: request.reference }),
  },
  licence_renewal: {
    label: 'Renewal reminder',
    subject: (i18n, _request, params) =>
      i18n.t('email.renewal.subject', {
        licence: String(params.licenceNumber ?? ''),
        date: typeof params.end === 'string' ? i18n.date(params.end) : '',
      }),
  },
  decline: {
    label: 'Decline',
    subject: (i18n, request) => i18n.t('email.decline.subject', { reference: request.reference }),
  },
};

/** The emails that carry the licence's PDF. */
export const WITH_LICENCE_PDF: readonly string[] = ['licence_confirmation', 'licence_reissued'];

/** The desk's name for an email template (the code itself, readable, for one it does not know). */
export const templateLabel = (template: string): string => TEMPLATES[template]?.label ?? template.replace(/_/g, ' ');

export class UnrenderableMessage extends Error {}

/** The requests an email of links lists: each still open and not erased, with its page's address. */
function linkedRequests(context: MailContext, ids: unknown[]) {
  return ids
    .map((id) => (typeof id === 'number' ? context.findRequest(id) : undefined))
    .filter((request): request is StoredRequest => !!request && request.requester.email !== ERASED)
    .map((request) => ({ request, link: `${context.publicBaseUrl}/licensing/requests/${request.accessToken}` }));
}

export function renderMessage(context: MailContext, row: OutboxRow): OutgoingMessage {
  const spec = TEMPLATES[row.template];
  if (!spec) throw new UnrenderableMessage(`Unknown email template "${row.template}"`);
  const request = row.request_id === null ? undefined : context.findRequest(row.request_id);
  if (!request) throw new UnrenderableMessage('The request this message was about no longer exists');
  if (row.recipient === ERASED) throw new UnrenderableMessage('Not sent: the personal data of this request was erased');
  const erased = request.requester.email === ERASED;
  const i18n = i18nFor(isLocale(row.locale) ? row.locale : ('en' as Locale));
  const params = JSON.parse(row.params_json) as Record<string, unknown>;
  const base = context.publicBaseUrl;
  const data = {
    i18n,
    t: i18n.t,
    request,
    quote: labelQuote(i18n, request.quote),
    params,
    link: `${base}/licensing/requests/${request.accessToken}`,
    deskLink: `${base}/staff/requests/${request.reference}`,
    licenceCode: typeof params.code === 'string' ? formatLicenceCode(params.code) : null,
    licenceLink: `${base}/licensing/requests/${request.accessToken}/licence`,
    renewLink: `${base}/licensing/requests/${request.accessToken}/renew`,
    checkLink:
      typeof params.code === 'string' && typeof params.licenceNumber === 'string'
        ? `${base}/licences/verify?${new URLSearchParams({ number: params.licenceNumber, code: formatLicenceCode(params.code) })}`
        : null,
    replyNote: spec.toDesk ? '' : i18n.t('email.replyTo', { email: context.deskEmail }),
    rows: row.template === 'desk_new_request' ? requestFieldRows(request, i18n) : [],
    message: typeof params.messageId === 'number' ? context.findMessage(params.messageId) : undefined,
    requests: Array.isArray(params.requestIds) ? linkedRequests(context, params.requestIds) : [],
  };
  if ('messageId' in params && !data.message) throw new UnrenderableMessage('The message was erased');
  const html = context.views.html.render(`email/${row.template}.html.eta`, data);
  const text = context.views.text.render(`email/${row.template}.text.eta`, data);
  return {
    from: context.mailFrom,
    to: row.recipient,
    replyTo: spec.toDesk
      ? erased
        ? undefined
        : { name: oneLine(request.requester.name), address: request.requester.email }
      : context.deskEmail,
    subject: oneLine(spec.subject(i18n, request, data.params)),
    text,
    html,
    messageId: row.message_id,
    headers: { 'X-Reprise-Reference': request.reference },
    // Latin-script text stays readable as quoted-printable; Arabic would triple in it, so base64.
    textEncoding: i18n.dir === 'rtl' ? 'base64' : 'quoted-printable',
  };
}
