// The requester's side of the deal, reached only through the request's private access token: the page's
// contents (status, history, quote, messages) and what the requester can do there — accept the quote, be
// licensed at once for a standard request, decline, withdraw, write to the desk.
import crypto from 'node:crypto';
import type { AuditRow } from '../db/repos/audit.js';
import type { DeskFields } from '../db/repos/desk-requests.js';
import type { MessageRow, MessagesRepo } from '../db/repos/messages.js';
import type { RequestLinksRepo } from '../db/repos/request-links.js';
import { writeTransaction } from '../db/connection.js';
import type { RateCard } from '../domain/quote-types.js';
import type { StoredRequest } from '../domain/request.js';
import { REQUESTER } from '../domain/accounts.js';
import { licenceNumberFor } from '../domain/licence.js';
import { addMonthsIso, todayUtc } from '../domain/dates.js';
import { AppError, notFound } from '../errors.js';
import { newLicenceCode, queueMails, requestTransitions, type TransitionDeps } from './request-transition.js';
import { requestMessages, takesMessages } from './request-messages.js';
import { defaultCreditLine } from '../i18n/credit-line.js';

/** Access tokens are 24 random bytes in base64url: anything else is not looked up. */
export const ACCESS_TOKEN = /^[A-Za-z0-9_-]{32}$/;
const MAX_NAME = 200;
/** Link emails one address may be sent in a day, whoever asks. */
const LINK_EMAILS_PER_DAY = 3;

export interface RequesterPageDeps extends TransitionDeps {
  messages: MessagesRepo;
  links: RequestLinksRepo;
  rateCard: RateCard;
  /** Signs the page's form tokens. */
  secret: string;
}

export interface Signature {
  name: string;
  agreed: boolean;
}

/** What the requester's page shows beyond the request itself. */
export interface RequesterView {
  fields: DeskFields;
  history: AuditRow[];
  messages: MessageRow[];
  /** The fee the requester would accept now: the desk's final fee, else the indicative one. */
  feeMinor: number | null;
  quoteExpired: boolean;
  canLicenseNow: boolean;
  /** The requester may still write (a closed request takes messages for 30 days). */
  canMessage: boolean;
  formToken: string;
  /** The licence this request asks to renew, when it came from a renewal link. */
  renewsLicence: string | null;
}

/** A refusal the requester's page explains in the request's language (the code names the message). */
class RequesterRefusal extends AppError {
  constructor(status: number, code: string, message: string, field?: string) {
    super(status, code, message, field ? [{ path: field, message }] : undefined);
  }
}

export function requesterPageService(deps: RequesterPageDeps) {
  const act = requestTransitions(deps);
  const messages = requestMessages(deps);
  const sign = (accessToken: string) =>
    crypto.createHmac('sha256', deps.secret).update(`requester-page:${accessToken}`).digest('base64url');

  /** A standard request the rate card lets the requester accept and be licensed for at once. */
  function licensableNow(licensingRequest: StoredRequest, status: string, today: string): boolean {
    const { quote } = licensingRequest;
    const max = deps.rateCard.autoLicence?.maxTotalMinor;
    return (
      status === 'new' &&
      max !== undefined &&
      !quote.referToDesk &&
      quote.totalMinor !== null &&
      quote.totalMinor <= max &&
      quote.rateCardVersion === deps.rateCard.version &&
      quote.validUntil >= today
    );
  }

  function checkSignature(signature: Signature): string {
    const name = signature.name.replace(/\s+/g, ' ').trim();
    if (name.length < 2 || name.length > MAX_NAME) {
      throw new RequesterRefusal(422, 'signature_name', 'Type your full name to sign.', 'signer_name');
    }
    if (!signature.agreed) {
      throw new RequesterRefusal(
        422,
        'signature_agree',
        'Tick the box to accept the quote and the conditions.',
        'agree',
      );
    }
    return name;
  }

  const fieldsOf = (licensingRequest: StoredRequest) => {
    const fields = deps.desk.fields(licensingRequest.id);
    if (!fields) throw notFound();
    return fields;
  };

  /** A replayed or double-clicked signature that already took effect: nothing to do again. */
  const alreadySigned = (fields: DeskFields, name: string, status: string) =>
    fields.status === status && fields.accepted_name === name;

  return {
    findByAccessToken: (token: string): StoredRequest | undefined =>
      ACCESS_TOKEN.test(token) ? deps.requests.findByAccessToken(token) : undefined,

    view(licensingRequest: StoredRequest): RequesterView {
      const fields = fieldsOf(licensingRequest);
      const today = todayUtc(deps.clock());
      const feeMinor = fields.final_fee_minor ?? fields.quote_total_minor;
      return {
        fields,
        history: deps.audit.forSubject('request', licensingRequest.id),
        messages: messages.forRequest(licensingRequest.id),
        feeMinor,
        quoteExpired: fields.status === 'quoted' && (fields.quote_valid_until ?? '') < today,
        canLicenseNow: licensableNow(licensingRequest, fields.status, today),
        canMessage: takesMessages(fields, deps.clock()),
        formToken: sign(licensingRequest.accessToken),
        renewsLicence:
          fields.renews_request_id === null
            ? null
            : (deps.desk.fields(fields.renews_request_id)?.licence_number ?? null),
      };
    },

    /** The page's forms carry a token bound to this request: a form posted from elsewhere is refused. */
    checkFormToken(licensingRequest: StoredRequest, token: unknown) {
      const expected = Buffer.from(sign(licensingRequest.accessToken));
      const given = Buffer.from(typeof token === 'string' ? token : '');
      if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
        throw new RequesterRefusal(403, 'form_token', 'This form has expired. Reload the page and try again.');
      }
    },

    /** Accepts a valid quote. Returns false when the same signature had already accepted it. */
    acceptQuote(licensingRequest: StoredRequest, signature: Signature): boolean {
      const name = checkSignature(signature);
      const before = fieldsOf(licensingRequest);
      if (alreadySigned(before, name, 'accepted')) return false;
      act(REQUESTER, licensingRequest.id, 'accept_quote', (fields, _request, now) => {
        if ((fields.quote_valid_until ?? '') < now.slice(0, 10)) {
          throw new RequesterRefusal(409, 'quote_expired', 'This quote has expired.');
        }
        const amountMinor = fields.final_fee_minor ?? fields.quote_total_minor;
        deps.desk.setAcceptance(
          licensingRequest.id,
          { name, conditionsVersion: deps.conditionsVersion, amountMinor },
          now,
        );
        const params = {
          feeMinor: amountMinor,
          currency: fields.currency,
          conditionsVersion: deps.conditionsVersion,
          signer: name,
        };
        return {
          after: { acceptedAmountMinor: amountMinor, conditionsVersion: deps.conditionsVersion },
          mails: [
            { to: 'requester', template: 'quote_accepted', params },
            { to: 'desk', template: 'desk_quote_accepted', params },
          ],
        };
      });
      return true;
    },

    /** Licenses a standard request at once, on the rate card's terms. False when it already was. */
    licenseNow(licensingRequest: StoredRequest, signature: Signature): boolean {
      const name = checkSignature(signature);
      const before = fieldsOf(licensingRequest);
      if (alreadySigned(before, name, 'licensed') && before.licensed_automatically) return false;
      act(REQUESTER, licensingRequest.id, 'license_now', (fields, _request, now) => {
        const today = now.slice(0, 10);
        if (!licensableNow(licensingRequest, fields.status, today)) {
          throw new RequesterRefusal(409, 'not_licensable_now', 'This request cannot be licensed at once.');
        }
        const amountMinor = licensingRequest.quote.totalMinor;
        const start = licensingRequest.usage.startDate > today ? licensingRequest.usage.startDate : today;
        const number = licenceNumberFor(licensingRequest.reference);
        const licence = {
          number,
          start,
          end: addMonthsIso(start, licensingRequest.usage.durationMonths),
          creditLine: defaultCreditLine(licensingRequest, number),
          linkBack: licensingRequest.articles[0]!.url,
          code: newLicenceCode(),
          conditionsVersion: deps.conditionsVersion,
        };
        deps.desk.setAcceptance(
          licensingRequest.id,
          { name, conditionsVersion: deps.conditionsVersion, amountMinor },
          now,
        );
        deps.desk.setLicence(licensingRequest.id, licence, now, true);
        const { currency } = licensingRequest.quote;
        const params = {
          licenceNumber: number,
          start: licence.start,
          end: licence.end,
          creditLine: licence.creditLine,
          linkBack: licence.linkBack,
          feeMinor: amountMinor,
          currency,
          code: licence.code,
        };
        return {
          after: {
            licenceNumber: number,
            start: licence.start,
            end: licence.end,
            feeMinor: amountMinor,
            conditionsVersion: deps.conditionsVersion,
            automatically: true,
          },
          mails: [
            { to: 'requester', template: 'licence_confirmation', params },
            { to: 'desk', template: 'desk_licensed_automatically', params },
          ],
        };
      });
      return true;
    },

    declineQuote(licensingRequest: StoredRequest, reasonRaw: string) {
      const reason = reasonRaw.trim().slice(0, 2000) || null;
      act(REQUESTER, licensingRequest.id, 'decline_quote', (_fields, _request, now) => {
        deps.desk.setDecline(licensingRequest.id, reason, now);
        const params = { what: 'declined', reason };
        // The reason is the requester's own text: kept where erasure reaches it, never in the audit log.
        return { after: { reasonGiven: !!reason }, mails: [{ to: 'desk', template: 'desk_requester_closed', params }] };
      });
    },

    withdraw(licensingRequest: StoredRequest, reasonRaw: string) {
      const reason = reasonRaw.trim().slice(0, 2000) || null;
      act(REQUESTER, licensingRequest.id, 'withdraw_request', () => ({
        after: { reasonGiven: !!reason },
        mails: [{ to: 'desk', template: 'desk_requester_closed', params: { what: 'withdrawn', reason } }],
      }));
    },

    /**
     * Emails the address the links to its open requests, if it has any and is under its daily limit. The caller
     * answers the same whatever happens here, so nobody learns whether an address has requests.
     */
    sendLinks(email: string): void {
      const sent = writeTransaction(deps.db, () => {
        const ids = deps.links.openIds(email);
        const first = ids.length ? deps.requests.findById(ids[0]!) : undefined;
        if (!first) return false;
        const now = deps.clock();
        const dayAgo = new Date(now.getTime() - 86_400_000).toISOString();
        if (deps.links.sentSince(ids, dayAgo) >= LINK_EMAILS_PER_DAY) return false;
        queueMails(
          deps,
          first,
          [{ to: 'requester', template: 'request_links', params: { requestIds: ids } }],
          now.toISOString(),
        );
        return true;
      });
      if (sent) deps.onQueued();
    },

    postMessage: (licensingRequest: StoredRequest, body: string) =>
      messages.post(REQUESTER, 'requester', licensingRequest, body),
  };
}
