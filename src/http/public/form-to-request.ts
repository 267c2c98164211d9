// The HTML form posts flat, bracket-named fields (`usage[audience]`, `articles[0][url]`). This maps them,
// field by field, onto the JSON shape the schema validates, converting strings the way a person means them
// ("50 000" → 50000, "true" → true); anything not named here is ignored, so no extra field gets through.

import { one } from '../core/posted.js';

export const MAX_ARTICLE_ROWS = 20;

type Body = Record<string, string | string[] | undefined>;

const text = (body: Body, name: string): string | undefined => {
  const value = one(body[name]);
  return value === undefined || value.trim() === '' ? undefined : value;
};
const bool = (body: Body, name: string): boolean | string | undefined => {
  const value = text(body, name);
  return value === 'true' ? true : value === 'false' ? false : value;
};
/** Whole numbers as people type them ("50,000", "50 000", "50.000"); anything else stays text for the schema. */
const GROUPED = /^\d{1,3}([ ,.'\u00a0\u202f]\d{3})+$/;
const whole = (body: Body, name: string): number | string | undefined => {
  const value = text(body, name);
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed) || GROUPED.test(trimmed)) {
    const number = Number(trimmed.replace(/\D/g, ''));
    if (Number.isSafeInteger(number)) return number;
  }
  return value;
};
const defined = (fields: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));

/** How many article rows the form posted (the highest index + 1), including empty rows. */
function postedArticleRows(body: Body): number {
  let max = -1;
  for (const key of Object.keys(body)) {
    const match = /^articles\[(\d{1,4})\]\[/.exec(key);
    if (match) max = Math.max(max, Number(match[1]));
  }
  return max + 1;
}

export function formToRequest(body: Body): Record<string, unknown> {
  const rows = Math.min(postedArticleRows(body), MAX_ARTICLE_ROWS + 1);
  const articles: Record<string, unknown>[] = [];
  for (let i = 0; i < rows; i++) {
    const article = defined({
      url: text(body, `articles[${i}][url]`),
      title: text(body, `articles[${i}][title]`),
      portion: text(body, `articles[${i}][portion]`),
      extractWords: whole(body, `articles[${i}][extractWords]`),
    });
    // A row left wholly empty (or with only the default portion) is not an article.
    const filled = article.url !== undefined || article.title !== undefined || article.extractWords !== undefined;
    if (filled || (i === 0 && rows === 1 && Object.keys(article).length)) articles.push(article);
  }
  if (articles.length === 0) articles.push({});
  // An extract size typed before switching back to "full text" is not the user's intent.
  for (const article of articles) if (article.portion === 'full') delete article.extractWords;

  const rawCountries = body['usage[countries]'];
  const countries = (Array.isArray(rawCountries) ? rawCountries : rawCountries ? [rawCountries] : []).filter(
    (country) => country.trim() !== '',
  );
  const territory = text(body, 'usage[territory]');

  return defined({
    locale: text(body, 'locale'),
    requester: defined({
      name: text(body, 'requester[name]'),
      email: text(body, 'requester[email]'),
      phone: text(body, 'requester[phone]'),
      jobTitle: text(body, 'requester[jobTitle]'),
    }),
    organisation: defined({
      name: text(body, 'organisation[name]'),
      type: text(body, 'organisation[type]'),
      country: text(body, 'organisation[country]'),
      website: text(body, 'organisation[website]'),
      nonProfit: bool(body, 'organisation[nonProfit]'),
    }),
    articles,
    usage: defined({
      medium: text(body, 'usage[medium]'),
      territory,
      // Countries picked before switching to "worldwide" are not part of the request.
      countries: territory === 'worldwide' || countries.length === 0 ? undefined : countries,
      language: text(body, 'usage[language]'),
      translation: bool(body, 'usage[translation]'),
      audience: whole(body, 'usage[audience]'),
      startDate: text(body, 'usage[startDate]'),
      durationMonths: whole(body, 'usage[durationMonths]'),
      exclusive: bool(body, 'usage[exclusive]'),
      commercial: bool(body, 'usage[commercial]'),
      images: bool(body, 'usage[images]'),
    }),
    message: text(body, 'message'),
    consent: bool(body, 'consent'),
  });
}
