// The public check of a licence (/licences/verify): number and verification code in; valid, expired, revoked,
// superseded or not found out, with what it covers — never who asked, their contact details or the fee.
// A wrong code gets exactly the answer an unknown number gets.
import crypto from 'node:crypto';
import type { LicenceListRepo, LicenceState, LicencesRepo } from '../db/repos/licences.js';
import type { RequestsRepo } from '../db/repos/requests.js';
import type { Article, Usage } from '../domain/request.js';
import { LICENCE_NUMBER_PATTERN, normaliseLicenceCode } from '../domain/licence.js';
import { addDaysIso, todayUtc } from '../domain/dates.js';
import { facetTerms, searchQuery } from '../db/repos/desk-queries.js';

/** The search index's query for licensed requests holding the words typed; undefined when none were typed. */
function licensedMatching(query: string): string | undefined {
  const words = searchQuery(query);
  return words && `${words} ${facetTerms({ status: 'licensed' })}`;
}

export interface CheckedLicence {
  number: string;
  state: 'valid' | 'expired' | 'not_yet' | 'revoked' | 'superseded';
  revokedAt: string | null;
  /** The version this code is printed on, and when a corrected one replaced it (null for the version in force). */
  version: number;
  supersededAt: string | null;
  organisation: { name: string; country: string };
  articles: Pick<Article, 'title' | 'url'>[];
  usage: Pick<Usage, 'medium' | 'territory' | 'countries' | 'language'>;
  start: string;
  end: string;
}

const sameCode = (stored: string, typed: string) => {
  const a = Buffer.from(stored);
  const b = Buffer.from(typed);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
};

export function licenceCheckService(deps: { licences: LicencesRepo; requests: RequestsRepo; clock: () => Date }) {
  return {
    /** The licence, or undefined for an unknown number or a wrong code alike. */
    check(numberTyped: string, codeTyped: string): CheckedLicence | undefined {
      const number = numberTyped.trim().toUpperCase();
      const code = normaliseLicenceCode(codeTyped);
      if (!LICENCE_NUMBER_PATTERN.test(number) || code.length !== 20) return undefined;
      const row = deps.licences.byNumber(number);
      if (!row?.licence_code) return undefined;
      // A replaced version's code still answers, as superseded, with the terms it was printed with.
      const current = sameCode(row.licence_code, code);
      const old = current
        ? undefined
        : deps.licences.supersededVersions(row.id).find((version) => sameCode(version.licence_code, code));
      if (!current && !old) return undefined;
      const licensed = deps.requests.findById(row.id);
      if (!licensed) return undefined;
      const today = todayUtc(deps.clock());
      // A revoked licence says so whichever of its copies is checked.
      const state = row.licence_revoked_at
        ? 'revoked'
        : old
          ? 'superseded'
          : row.licence_end < today
            ? 'expired'
            : row.licence_start > today
              ? 'not_yet'
              : 'valid';
      const { medium, territory, countries, language } = licensed.usage;
      return {
        number,
        state,
        revokedAt: row.licence_revoked_at,
        version: old?.version ?? row.licence_version ?? 1,
        supersededAt: old?.superseded_at ?? null,
        organisation: { name: licensed.organisation.name, country: licensed.organisation.country },
        articles: licensed.articles.map(({ title, url }) => ({ title, url })),
        usage: { medium, territory, countries, language },
        start: old?.licence_start ?? row.licence_start,
        end: old?.licence_end ?? row.licence_end,
      };
    },
  };
}

/** The counts above the view are read once a minute: at a million requests each count reads every licence. */
const COUNTS_TTL_MS = 60_000;

/** The desk's licences view: by state, searched, with the counts above it. */
export function licenceListService(deps: { list: LicenceListRepo; clock: () => Date; endingDays: number }) {
  let counted: { at: number; today: string; counts: Record<LicenceState, number> } | undefined;
  const countsFor = (today: string, soon: string) => {
    const now = deps.clock().getTime();
    if (!counted || counted.today !== today || now - counted.at >= COUNTS_TTL_MS) {
      const counts = deps.list.counts(today, soon);
      const asNumbers = Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, n ?? 0]));
      counted = { at: now, today, counts: asNumbers as Record<LicenceState, number> };
    }
    return counted.counts;
  };
  return {
    page(state: LicenceState, query: string) {
      const today = todayUtc(deps.clock());
      const soon = addDaysIso(today, deps.endingDays);
      const searched = query.trim().slice(0, 200);
      return {
        rows: deps.list.list(state, searched, licensedMatching(searched), today, soon),
        counts: countsFor(today, soon),
        today,
        endingDays: deps.endingDays,
      };
    },
  };
}
