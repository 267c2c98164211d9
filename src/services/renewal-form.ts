// Renewing a licence: the renewal link (/licensing/requests/<token>/renew) opens the form filled in from the
// licence — the same articles, use and contact details, starting the day after it ends — and the request sent
// from it records the licence it renews.
import type { DeskRequestsRepo } from '../db/repos/desk-requests.js';
import type { RequestsRepo } from '../db/repos/requests.js';
import { ERASED } from '../db/repos/retention.js';
import { addDaysIso, todayUtc } from '../domain/dates.js';
import type { LicensingRequest, Locale, StoredRequest } from '../domain/request.js';
import { ACCESS_TOKEN } from './requester-pages.js';

export interface Renewal {
  licenceNumber: string;
  locale: Locale;
  /** The form's values, as a person would have typed them (consent left for them to give again). */
  values: Omit<LicensingRequest, 'consent'>;
}

export function renewalFormService(deps: { requests: RequestsRepo; desk: DeskRequestsRepo; clock: () => Date }) {
  /** A licence that can be renewed from this token: issued, not revoked, its holder's details not erased. */
  function renewable(token: string) {
    const licensed: StoredRequest | undefined = ACCESS_TOKEN.test(token)
      ? deps.requests.findByAccessToken(token)
      : undefined;
    if (!licensed || licensed.status !== 'licensed' || licensed.requester.email === ERASED) return undefined;
    const fields = deps.desk.fields(licensed.id);
    if (!fields?.licence_number || !fields.licence_end || fields.licence_revoked_at) return undefined;
    return { licensed, licenceNumber: fields.licence_number, end: fields.licence_end };
  }

  return {
    prefill(token: string): Renewal | undefined {
      const found = renewable(token);
      if (!found) return undefined;
      const { licensed, licenceNumber, end } = found;
      const today = todayUtc(deps.clock());
      const dayAfter = addDaysIso(end, 1);
      const { requester, organisation, articles, usage } = licensed;
      return {
        licenceNumber,
        locale: licensed.locale,
        values: {
          locale: licensed.locale,
          requester,
          organisation,
          articles: articles.map(({ url, title, portion, extractWords }) => ({ url, title, portion, extractWords })),
          usage: { ...usage, startDate: dayAfter > today ? dayAfter : today },
        },
      };
    },
    /** The id of the licensed request a renewal link's token names; undefined when it names none. */
    renewsId: (token: string): number | undefined => renewable(token)?.licensed.id,
    licenceNumberFor: (token: string): string | undefined => renewable(token)?.licenceNumber,
  };
}
