// The active rate card put into tables for /admin/rate-card: the same numbers the quote engine uses, in
// words and money, so the desk can explain any quote.
import type { Request, Response } from 'express';
import type { RateCard } from '../../domain/quote-types.js';
import { i18nFor, type I18n } from '../../i18n/index.js';
import { renderDesk } from '../desk/render.js';

function rateCardTables(card: RateCard, en: I18n) {
  const money = (minor: number) => en.money(minor, card.currency);
  const percentage = (percent: number) => `${percent}%`;
  const mediumName = (medium: string) => en.t(`enum.medium.${medium}`);
  const referral = card.referToDesk;
  return {
    card,
    baseFees: Object.entries(card.baseFeeMinor).map(([medium, minor]) => ({
      label: mediumName(medium),
      value: money(minor),
    })),
    extracts: card.extractBands.map((band) => ({
      label: `Up to ${en.number(band.maxWords)} words`,
      value: `${percentage(band.percent)} of the full-text fee`,
    })),
    audience: card.audienceBands.map((band) => ({
      label: `Up to ${en.number(band.maxAudience)}`,
      value: percentage(band.percent),
    })),
    territories: Object.entries(card.territoryPercent).map(([territory, percent]) => ({
      label: en.t(`enum.territory.${territory}`),
      value: percentage(percent),
    })),
    durations: card.durationBands.map((band) => ({
      label: `Up to ${band.maxMonths} months`,
      value: percentage(band.percent),
    })),
    volume: card.volumeDiscounts.map((discount) => ({
      label: `${discount.minArticles} articles or more`,
      value: `${percentage(discount.discountPercent)} off`,
    })),
    other: [
      { label: 'Translation', value: percentage(card.translationPercent) },
      { label: 'Exclusivity', value: percentage(card.exclusivityPercent) },
      { label: 'Non-profit discount', value: `${percentage(card.nonProfitDiscountPercent)} off` },
      { label: 'Minimum fee', value: money(card.minimumFeeMinor) },
      { label: 'Totals rounded up to a multiple of', value: money(card.roundingMinor) },
      { label: 'Quotes valid for', value: `${card.validityDays} days` },
    ],
    referral: [
      { label: 'Media priced by the desk', value: referral.media.map(mediumName).join(', ') || 'None' },
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
  renderDesk(req, res, 200, 'admin/rate-card', {
    nav: 'rate-card',
    title: 'Rate card',
    ...rateCardTables(card, i18nFor('en')),
  });
