// The desk's workflow actions: each is one status change (./request-transition.ts) with the fields it sets and
// the email it sends the requester, in the request's language.
import type { Actor } from '../domain/accounts.js';
import { checkLicence, checkQuote, type LicenceInput, type QuoteInput } from './desk-checks.js';
import { licenceNumberFor } from '../domain/licence.js';
import { newLicenceCode, requestTransitions, type TransitionDeps } from './request-transition.js';

export type DeskDeps = TransitionDeps;

export function deskWorkflow(deps: DeskDeps) {
  const act = requestTransitions(deps);

  return {
    startReview: (actor: Actor, id: number) => act(actor, id, 'start_review', () => ({})),

    /** Sends the indicative quote as it is, or a final fee with its reason; the computed quote is never changed. */
    sendQuote(actor: Actor, id: number, input: QuoteInput) {
      act(actor, id, 'send_quote', (fields, licensingRequest, now) => {
        const quote = checkQuote(input, fields, now);
        deps.desk.setQuote(id, quote, now);
        const feeMinor = quote.finalFeeMinor ?? fields.quote_total_minor;
        return {
          before: {
            finalFeeMinor: fields.final_fee_minor,
            feeReason: fields.fee_reason,
            quoteValidUntil: fields.quote_valid_until,
          },
          after: {
            finalFeeMinor: quote.finalFeeMinor,
            feeReason: quote.feeReason,
            quoteValidUntil: quote.validUntil,
            indicativeMinor: fields.quote_total_minor,
          },
          mails: [
            {
              to: 'requester',
              template: 'quote_sent',
              params: { feeMinor, currency: licensingRequest.quote.currency, validUntil: quote.validUntil },
            },
          ],
        };
      });
    },

    license(actor: Actor, id: number, input: LicenceInput) {
      act(actor, id, 'license', (fields, licensingRequest, now) => {
        const licence = {
          ...checkLicence(input),
          number: licenceNumberFor(fields.reference),
          code: newLicenceCode(),
          conditionsVersion: fields.accepted_conditions_version ?? deps.conditionsVersion,
        };
        deps.desk.setLicence(id, licence, now);
        const feeMinor = fields.final_fee_minor ?? fields.quote_total_minor;
        const { number, start, end, creditLine, linkBack } = licence;
        return {
          after: { licenceNumber: number, start, end, creditLine, linkBack, feeMinor },
          mails: [
            {
              to: 'requester',
              template: 'licence_confirmation',
              params: {
                licenceNumber: number,
                start,
                end,
                creditLine,
                linkBack,
                feeMinor,
                currency: licensingRequest.quote.currency,
                code: licence.code,
              },
            },
          ],
        };
      });
    },

    decline(actor: Actor, id: number, reasonRaw: string) {
      const reason = reasonRaw.trim().slice(0, 2000) || null;
      act(actor, id, 'decline', (_fields, _licensingRequest, now) => {
        deps.desk.setDecline(id, reason, now);
        return {
          after: { declineReason: reason },
          mails: [{ to: 'requester', template: 'decline', params: { reason } }],
        };
      });
    },

    withdraw: (actor: Actor, id: number, reasonRaw: string) =>
      act(actor, id, 'withdraw', () => ({ after: { reason: reasonRaw.trim().slice(0, 2000) || null } })),

    markSpam: (actor: Actor, id: number) => act(actor, id, 'mark_spam', () => ({})),
  };
}
