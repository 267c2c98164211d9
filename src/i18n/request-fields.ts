// Every field of a request as [label, value] rows, for the desk's email and its request page
// (English, like the rest of the desk).
import type { StoredRequest } from '../domain/request.js';
import type { I18n } from './index.js';

export function requestFieldRows(r: StoredRequest, i18n: I18n): [string, string][] {
  const u = r.usage;
  const yn = (b: boolean) => (b ? 'Yes' : 'No');
  return [
    ['Reference', r.reference],
    ['Received', r.createdAt],
    ["Requester's language", r.locale],
    ['Name', r.requester.name],
    ['Email', r.requester.email],
    ['Phone', r.requester.phone ?? '—'],
    ['Job title', r.requester.jobTitle ?? '—'],
    ['Organisation', r.organisation.name],
    ['Type', i18n.t(`enum.organisationType.${r.organisation.type}`)],
    ['Country', `${i18n.country(r.organisation.country)} (${r.organisation.country})`],
    ['Website', r.organisation.website ?? '—'],
    ['Non-profit', yn(r.organisation.nonProfit)],
    ...r.articles.map((a, i): [string, string] => [
      `Article ${i + 1}`,
      `${a.title} — ${a.url} — ${a.portion === 'full' ? 'full text' : `extract of ${a.extractWords} words`}`,
    ]),
    ['Medium', i18n.t(`enum.medium.${u.medium}`)],
    ['Territory', i18n.t(`enum.territory.${u.territory}`) + (u.countries ? `: ${u.countries.join(', ')}` : '')],
    ['Publication language', `${i18n.language(u.language)} (${u.language})`],
    ['Translation', yn(u.translation)],
    ['Audience', i18n.number(u.audience)],
    ['Start date', u.startDate],
    ['Duration', `${u.durationMonths} months`],
    ['Exclusive', yn(u.exclusive)],
    ['Commercial use', yn(u.commercial)],
    ['Images', yn(u.images)],
    ['Message', r.message ?? '—'],
  ];
}
