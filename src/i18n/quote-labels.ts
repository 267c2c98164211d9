// Puts a language-free ComputedQuote into words for one locale: the API's `label`s, the confirmation page and
// the emails all use this.
import type { ComputedQuote, QuoteLine, QuoteReason } from '../domain/quote-types.js';
import type { I18n } from './index.js';

export interface LabelledQuote {
  currency: string;
  totalMinor: number | null;
  lines: { code: string; label: string; amountMinor: number }[];
  referToDesk: boolean;
  reasons: { code: string; message: string }[];
  rateCardVersion: string;
  validUntil: string;
}

function formatParams(i18n: I18n, currency: string, params: Record<string, string | number>) {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'number') out[name] = /Minor$/.test(name) ? i18n.money(value, currency) : i18n.number(value);
    else if (name === 'medium') out[name] = i18n.t(`enum.medium.${value}`);
    else if (name === 'territory') out[name] = i18n.t(`enum.territory.${value}`);
    // A Latin title inside an Arabic sentence is isolated (FSI…PDI) so its words and the quotes keep their order.
    else out[name] = i18n.dir === 'rtl' ? `\u2068${value}\u2069` : value;
  }
  return out;
}

const lineLabel = (i18n: I18n, currency: string, line: QuoteLine) =>
  i18n.t(`quote.line.${line.code}`, formatParams(i18n, currency, line.params));

const reasonMessage = (i18n: I18n, currency: string, reason: QuoteReason) =>
  i18n.t(`quote.reason.${reason.code}`, formatParams(i18n, currency, reason.params));

export function labelQuote(i18n: I18n, quote: ComputedQuote): LabelledQuote {
  return {
    currency: quote.currency,
    totalMinor: quote.totalMinor,
    lines: quote.lines.map((line) => ({
      code: line.code,
      label: lineLabel(i18n, quote.currency, line),
      amountMinor: line.amountMinor,
    })),
    referToDesk: quote.referToDesk,
    reasons: quote.reasons.map((reason) => ({
      code: reason.code,
      message: reasonMessage(i18n, quote.currency, reason),
    })),
    rateCardVersion: quote.rateCardVersion,
    validUntil: quote.validUntil,
  };
}
