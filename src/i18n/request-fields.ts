// Every field of a request as [label, value] rows, for the desk's email and its request page (English, like
// the rest of the desk).
import type { Article, StoredRequest } from '../domain/request.js';
import type { I18n } from './index.js';

export function requestFieldRows(licensingRequest: StoredRequest, i18n: I18n): [string, string][] {
  const { requester, organisation, usage } = licensingRequest;
  const yesNo = (answer: boolean) => (answer ? 'Yes' : 'No');
  const portion = (article: Article) =>
    article.portion === 'full' ? 'full text' : `extract of ${article.extractWords} words`;
  const countries = usage.countries ? `: ${usage.countries.map(i18n.country).join(', ')}` : '';
  return [
    ['Reference', licensingRequest.reference],
    ['Received', i18n.dateTime(licensingRequest.createdAt)],
    ["Requester's language", licensingRequest.locale],
    ['Name', requester.name],
    ['Email', requester.email],
    ['Phone', requester.phone ?? '—'],
    ['Job title', requester.jobTitle ?? '—'],
    ['Organisation', organisation.name],
    ['Type', i18n.t(`enum.organisationType.${organisation.type}`)],
    ['Country', `${i18n.country(organisation.country)} (${organisation.country})`],
    ['Website', organisation.website ? i18n.link(organisation.website) : '—'],
    ['Non-profit', yesNo(organisation.nonProfit)],
    ...licensingRequest.articles.map((article, i): [string, string] => [
      `Article ${i + 1}`,
      `${article.title} — ${i18n.link(article.url)} — ${portion(article)}`,
    ]),
    ['Medium', i18n.t(`enum.medium.${usage.medium}`)],
    ['Territory', i18n.t(`enum.territory.${usage.territory}`) + countries],
    ['Publication language', `${i18n.language(usage.language)} (${usage.language})`],
    ['Translation', yesNo(usage.translation)],
    ['Audience', i18n.number(usage.audience)],
    ['Start date', i18n.date(usage.startDate)],
    ['Duration', `${usage.durationMonths} months`],
    ['Exclusive', yesNo(usage.exclusive)],
    ['Commercial use', yesNo(usage.commercial)],
    ['Images', yesNo(usage.images)],
    ['Message', licensingRequest.message ?? '—'],
  ];
}
