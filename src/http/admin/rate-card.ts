// The active rate card put into tables for /admin/rate-card: the same numbers the
// quote engine uses, in words and money, so the desk can explain any quote.
import type { Request, Response } from 'express';
import type { RateCard } from '../../domain/quote-types.js';
import { i18nFor, type I18n } from '../../i18n/index.js';
import { renderDesk } from '../desk/render.js';

function rateCardTables(card: RateCard, en: I18n) {
  const money = (minor: number) => en.money(minor, card.currency);
  const pct = (percent: number) => `${percent}%`;
  const referral = card.referToDesk;
  return {
    card,
    baseFees: Object.entries(card.baseFeeMinor).map(([medium, minor]) => ({ label: en.t(`enum.medium.${medium}`), value: money(minor) })),
    extracts: card.extractBands.map((b) => ({ label: `Up to ${en.number(b.maxWords)} words`, value: `${pct(b.percent)} of the full-text fee` })),
    audience: card.audienceBands.map((b) => ({ label: `Up to ${en.number(b.maxAudience)}`, value: pct(b.percent) })),
    territories: Object.entries(card.territoryPercent).map(([t, p]) => ({ label: en.t(`enum.territory.${t}`), value: pct(p) })),
    durations: card.durationBands.map((b) => ({ label: `Up to ${b.maxMonths} months`, value: pct(b.percent) })),
    volume: card.volumeDiscounts.map((v) => ({ label: `${v.minArticles} articles or more`, value: `${pct(v.discountPercent)} off` })),
    other: [
      { label: 'Translation', value: pct(card.translationPercent) },
      { label: 'Exclusivity', value: pct(card.exclusivityPercent) },
      { label: 'Non-profit discount', value: `${pct(card.nonProfitDiscountPercent)} off` },
      { label: 'Minimum fee', value: money(card.minimumFeeMinor) },
      { label: 'Totals rounded up to a multiple of', value: money(card.roundingMinor) },
      { label: 'Quotes valid for', value: `${card.validityDays} days` },
    ],
    referral: [
      { label: 'Media priced by the desk', value: referral.media.map((medium) => en.t(`enum.medium.${medium}`)).join(', ') || 'None' },
      { label: 'Commercial use', value: referral.commercial ? 'Priced by the desk' : 'Priced automatically' },
      { label: 'Images', value: referral.images ? 'Priced by the desk' : 'Priced automatically' },
      { label: 'Exclusive licences', value: referral.exclusive ? 'Priced by the desk' : 'Priced automatically' },
      { label: 'Audience above', value: en.number(referral.audienceAbove) },
      { label: 'Duration above', value: `${referral.durationMonthsAbove} months` },
      { label: 'Articles above', value: en.number(referral.articlesAbove) },
    ],
  };
}

/** GET /admin/rate-card: the card in force, read-only (changing it is a reviewed change to the file). */
export const rateCardPage = (card: RateCard) => (req: Request, res: Response) =>
  renderDesk(req, res, 200, 'admin/rate-card', { nav: 'rate-card', title: 'Rate card', ...rateCardTables(card, i18nFor('en')) });
