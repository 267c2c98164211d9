// The quote engine: (rate card, request, today) → an indicative fee with every step of the arithmetic as a
// line. Pure on purpose (no clock, I/O or locale), so table tests can pin it down. Money is integer minor
// units and percentages integers, so the only rounding is roundDiv's; the total is the sum of the lines.
// See docs/internals.md#quote-engine.
import { addDaysIso } from './dates.js';
import type { ComputedQuote, Percent, QuoteLine, QuoteReason, RateCard } from './quote-types.js';
import type { Article, QuoteInput } from './request.js';

/**
 * numerator / denominator to the nearest integer, halves away from zero (2.5 → 3, −2.5 → −3), decided on
 * integers rather than left to how a floating-point quotient happens to round.
 */
export function roundDiv(numerator: number, denominator: number): number {
  const quotient = Math.floor((2 * Math.abs(numerator) + denominator) / (2 * denominator));
  return numerator < 0 ? -quotient : quotient;
}

/** `amount` × percent / 100, rounded as roundDiv does. */
function applyPercent(amount: number, percent: Percent): number {
  return roundDiv(amount * percent, 100);
}

/** First band whose upper bound holds `value`; bands are sorted ascending (the loader checks). */
function findBand<B>(bands: readonly B[], upper: (band: B) => number, value: number, what: string): B {
  const band = bands.find((candidate) => value <= upper(candidate));
  // Unreachable with a card that passed loadRateCard; a hand-built card gets a clear error.
  if (band === undefined) throw new RangeError(`Rate card has no ${what} band for ${value}`);
  return band;
}

/** Why the request cannot be priced automatically: every rule, so the requester learns all of them at once. */
function referralReasons(card: RateCard, input: QuoteInput): QuoteReason[] {
  const rules = card.referToDesk;
  const { usage, articles } = input;
  const reasons: QuoteReason[] = [];
  if (rules.media.includes(usage.medium)) reasons.push({ code: 'medium_needs_desk', params: { medium: usage.medium } });
  if (rules.commercial && usage.commercial) reasons.push({ code: 'commercial_use', params: {} });
  if (rules.images && usage.images) reasons.push({ code: 'images', params: {} });
  if (rules.exclusive && usage.exclusive) reasons.push({ code: 'exclusive', params: {} });
  if (usage.audience > rules.audienceAbove) {
    reasons.push({ code: 'large_audience', params: { audience: usage.audience, limit: rules.audienceAbove } });
  }
  if (usage.durationMonths > rules.durationMonthsAbove) {
    reasons.push({ code: 'long_duration', params: { months: usage.durationMonths, limit: rules.durationMonthsAbove } });
  }
  if (articles.length > rules.articlesAbove) {
    reasons.push({ code: 'many_articles', params: { articles: articles.length, limit: rules.articlesAbove } });
  }
  return reasons;
}

/** The fee for one article before any multiplier: the medium's base fee, or a share of it for an extract. */
function articleLine(card: RateCard, article: Article, index: number, baseFee: number): QuoteLine {
  const params = { index: index + 1, title: article.title };
  if (article.portion === 'full') return { code: 'article_full', amountMinor: baseFee, params };
  const words = article.extractWords;
  // The request schema makes extractWords required for extracts; guessing a length would misprice.
  if (words === undefined) throw new TypeError(`Article ${index + 1} is an extract without extractWords`);
  const { percent } = findBand(card.extractBands, (band) => band.maxWords, words, 'extract');
  const amountMinor = applyPercent(baseFee, percent);
  return { code: 'article_extract', amountMinor, params: { ...params, words, percent } };
}

/**
 * Prices a request from a rate card on `today` (YYYY-MM-DD, UTC). The breakdown: article lines, then
 * multipliers (compounding, each shown as what it adds), then discounts, then the minimum fee and rounding
 * up, last, so neither is discounted away. See docs/internals.md#quote-engine.
 */
export function computeQuote(card: RateCard, input: QuoteInput, today: string): ComputedQuote {
  const head = {
    currency: card.currency,
    rateCardVersion: card.version,
    validUntil: addDaysIso(today, card.validityDays),
  };

  const reasons = referralReasons(card, input);
  if (reasons.length > 0) return { ...head, totalMinor: null, lines: [], referToDesk: true, reasons };

  const { usage } = input;
  const baseFee = card.baseFeeMinor[usage.medium];
  const lines: QuoteLine[] = input.articles.map((article, i) => articleLine(card, article, i, baseFee));
  let subtotal = lines.reduce((sum, line) => sum + line.amountMinor, 0);

  // Records the step's effect as a line and carries it into the subtotal.
  const add = (code: string, amountMinor: number, params: QuoteLine['params']): void => {
    if (amountMinor === 0) return;
    lines.push({ code, amountMinor, params });
    subtotal += amountMinor;
  };
  const multiply = (code: string, percent: Percent, params: QuoteLine['params']): void => {
    add(code, applyPercent(subtotal, percent) - subtotal, { ...params, percent });
  };

  const audience = findBand(card.audienceBands, (band) => band.maxAudience, usage.audience, 'audience');
  multiply('audience', audience.percent, { audience: usage.audience });
  multiply('territory', card.territoryPercent[usage.territory], { territory: usage.territory });
  if (usage.translation) multiply('translation', card.translationPercent, {});
  // Only reached when the card lets exclusive licences through without the desk.
  if (usage.exclusive) multiply('exclusivity', card.exclusivityPercent, {});
  const duration = findBand(card.durationBands, (band) => band.maxMonths, usage.durationMonths, 'duration');
  multiply('duration', duration.percent, { months: usage.durationMonths });

  // The highest band the request reaches wins; bands are sorted by minArticles.
  const volume = card.volumeDiscounts.filter((discount) => input.articles.length >= discount.minArticles).at(-1);
  if (volume) {
    add('volume_discount', -applyPercent(subtotal, volume.discountPercent), {
      articles: input.articles.length,
      percent: volume.discountPercent,
    });
  }
  if (input.organisation?.nonProfit === true) {
    add('non_profit_discount', -applyPercent(subtotal, card.nonProfitDiscountPercent), {
      percent: card.nonProfitDiscountPercent,
    });
  }

  if (subtotal < card.minimumFeeMinor) {
    add('minimum_fee', card.minimumFeeMinor - subtotal, { minimumMinor: card.minimumFeeMinor });
  }
  // Rounding goes up, never down: it is applied after the minimum and must not undercut it.
  if (card.roundingMinor > 0) {
    const remainder = subtotal % card.roundingMinor;
    if (remainder > 0) add('rounding', card.roundingMinor - remainder, { toMinor: card.roundingMinor });
  }

  return { ...head, totalMinor: subtotal, lines, referToDesk: false, reasons: [] };
}
