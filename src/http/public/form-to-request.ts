// The HTML form posts flat, bracket-named fields (`usage[audience]`,
// `articles[0][url]`). This maps them, explicitly and field by field, onto the
// JSON shape the schema validates, converting strings the way a person means
// them ("50 000" → 50000, "true" → true) and dropping empty optional fields.
// Anything not named here is ignored, so a form cannot smuggle extra fields.

import { one } from '../core/posted.js';

export const MAX_ARTICLE_ROWS = 20;

type Body = Record<string, string | string[] | undefined>;

const text = (body: Body, name: string): string | undefined => {
  const v = one(body[name]);
  return v === undefined || v.trim() === '' ? undefined : v;
};
const bool = (body: Body, name: string): boolean | string | undefined => {
  const v = text(body, name);
  return v === 'true' ? true : v === 'false' ? false : v;
};
/** Whole numbers as people type them: "50,000", "50 000", "50.000" → 50000; anything else stays text for the schema to refuse. */
const GROUPED = /^\d{1,3}([ ,.'\u00a0\u202f]\d{3})+$/;
const whole = (body: Body, name: string): number | string | undefined => {
  const v = text(body, name);
  if (v === undefined) return undefined;
  const t = v.trim();
  if (/^\d+$/.test(t) || GROUPED.test(t)) {
    const n = Number(t.replace(/\D/g, ''));
    if (Number.isSafeInteger(n)) return n;
  }
  return v;
};
const defined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** How many article rows the form posted (the highest index + 1), including empty rows. */
function postedArticleRows(body: Body): number {
  let max = -1;
  for (const key of Object.keys(body)) {
    const m = /^articles\[(\d{1,4})\]\[/.exec(key);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

export function formToRequest(body: Body): Record<string, unknown> {
  const rows = Math.min(postedArticleRows(body), MAX_ARTICLE_ROWS + 1);
  const articles: Record<string, unknown>[] = [];
  for (let i = 0; i < rows; i++) {
    const a = defined({
      url: text(body, `articles[${i}][url]`),
      title: text(body, `articles[${i}][title]`),
      portion: text(body, `articles[${i}][portion]`),
      extractWords: whole(body, `articles[${i}][extractWords]`),
    });
    // A row left wholly empty (or with only the default portion) is not an article.
    const filled = a.url !== undefined || a.title !== undefined || a.extractWords !== undefined;
    if (filled || (i === 0 && rows === 1 && Object.keys(a).length)) articles.push(a);
  }
  if (articles.length === 0) articles.push({});
  // An extract size typed before switching back to "full text" is not the user's intent.
  for (const a of articles) if (a.portion === 'full') delete a.extractWords;

  const rawCountries = body['usage[countries]'];
  const countries = (Array.isArray(rawCountries) ? rawCountries : rawCountries ? [rawCountries] : []).filter(
    (c) => c.trim() !== '',
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
