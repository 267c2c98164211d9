// Shapes shared by the rate card, the quote engine and everything that shows a quote.
import type { Medium, Territory } from './request.js';

/** A percentage applied to an amount: 125 means ×1.25. Integers keep money exact. */
export type Percent = number;

export interface RateCard {
  version: string;
  currency: string;
  validityDays: number;
  /** Automatic quotes up to this total can be accepted online and licensed at once; off when absent. */
  autoLicence?: { maxTotalMinor: number };
  baseFeeMinor: Record<Medium, number>;
  /** Extracts cost a share of the full-text fee, by length. */
  extractBands: { maxWords: number; percent: Percent }[];
  audienceBands: { maxAudience: number; percent: Percent }[];
  territoryPercent: Record<Territory, Percent>;
  translationPercent: Percent;
  exclusivityPercent: Percent;
  durationBands: { maxMonths: number; percent: Percent }[];
  /** Discount off the subtotal for several articles in one request; highest matching band wins. */
  volumeDiscounts: { minArticles: number; discountPercent: Percent }[];
  nonProfitDiscountPercent: Percent;
  minimumFeeMinor: number;
  /** Totals are rounded up to a multiple of this many minor units. */
  roundingMinor: number;
  referToDesk: {
    media: Medium[];
    commercial: boolean;
    images: boolean;
    exclusive: boolean;
    audienceAbove: number;
    durationMonthsAbove: number;
    articlesAbove: number;
  };
}

/** One line of the breakdown. `code` names the rule; `params` carry what the label shows. */
export interface QuoteLine {
  code: string;
  amountMinor: number;
  params: Record<string, string | number>;
}

export interface QuoteReason {
  code: string;
  params: Record<string, string | number>;
}

/** The engine's answer, free of any language: labels are added where it is shown. */
export interface ComputedQuote {
  currency: string;
  totalMinor: number | null;
  lines: QuoteLine[];
  referToDesk: boolean;
  reasons: QuoteReason[];
  rateCardVersion: string;
  validUntil: string; // YYYY-MM-DD
}
