// The credit line a licence asks for unless the desk writes another, in the licence's language:
// "Originally published by news.example. Republished under licence LIC-2026-000123."
import type { StoredRequest } from '../domain/request.js';
import { i18nFor } from './index.js';

export function defaultCreditLine(licensingRequest: StoredRequest, licenceNumber: string): string {
  const first = licensingRequest.articles[0]?.url;
  const host = (first ? URL.parse(first)?.hostname : undefined)?.replace(/^www\./, '') ?? 'us';
  return i18nFor(licensingRequest.locale).t('licence.creditLine', { publisher: host, licence: licenceNumber });
}
