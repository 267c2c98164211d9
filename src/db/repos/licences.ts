// Licences as the public check finds them (by number, with the code to compare and the dates that say whether
// the licence is still valid: nothing personal), the versions corrections replaced, and renewals.
import type { Db } from '../connection.js';
import { LICENCE_NUMBER_PATTERN, LICENCE_STATES, type LicenceState } from '../../domain/licence.js';

export type { LicenceState };

interface LicenceRow {
  id: number;
  licence_number: string;
  licence_code: string | null;
  licence_start: string;
  licence_end: string;
  licensed_at: string;
  licence_revoked_at: string | null;
  licence_version: number | null;
}

/** A version of a licence that a corrected one replaced, kept so its printed copy still verifies. */
export interface SupersededVersion {
  version: number;
  licence_code: string;
  licence_start: string;
  licence_end: string;
  credit_line: string | null;
  link_back: string | null;
  issued_at: string;
  superseded_at: string;
  reason: string;
}

/** The corrected terms of a reissued licence, with its new code. */
export interface ReissuedTerms {
  start: string;
  end: string;
  creditLine: string;
  linkBack: string;
  code: string;
}

/** A licence whose end is near and whose holder has not been reminded yet. */
interface RenewalDue {
  id: number;
  licence_number: string;
  licence_end: string;
}

export function licencesRepo(db: Db) {
  const byNumber = db.prepare(`SELECT id, licence_number, licence_code, licence_start, licence_end, licensed_at,
    licence_revoked_at, licence_version FROM requests WHERE licence_number = ? AND status = 'licensed'`);
  const versions = db.prepare(`SELECT version, licence_code, licence_start, licence_end, credit_line, link_back,
    issued_at, superseded_at, reason FROM licence_versions WHERE request_id = ? ORDER BY version DESC`);
  const keepVersion = db.prepare(`INSERT INTO licence_versions (request_id, version, licence_code, licence_start,
      licence_end, credit_line, link_back, issued_at, superseded_at, reason)
    SELECT id, licence_version, licence_code, licence_start, licence_end, credit_line, link_back,
      COALESCE(licence_issued_at, licensed_at), @now, @reason
    FROM requests WHERE id = @id AND status = 'licensed' AND licence_revoked_at IS NULL AND licence_code IS NOT NULL
      AND licence_version = @expected`);
  const replace = db.prepare(`UPDATE requests SET licence_version = licence_version + 1, licence_issued_at = @now,
      licence_code = @code, licence_start = @start, licence_end = @end, credit_line = @creditLine,
      link_back = @linkBack, last_action_at = @now, updated_at = @now,
      renewal_reminded_at = CASE WHEN licence_end = @end THEN renewal_reminded_at END
    WHERE id = @id`);
  // Anonymised requests have no one left to remind; a licence already renewed needs no reminder; a short one is
  // reminded in the last third of its life, not the day it is issued.
  const renewalDue = db.prepare(`SELECT id, licence_number, licence_end FROM requests INDEXED BY requests_renewal_due
    WHERE status = 'licensed' AND renewal_reminded_at IS NULL AND licence_revoked_at IS NULL
      AND licence_end BETWEEN @today AND @until AND anonymised_at IS NULL
      AND (julianday(licence_end) - julianday(@today)) * 3 <= julianday(licence_end) - julianday(licence_start)
      AND NOT EXISTS (SELECT 1 FROM requests renewal WHERE renewal.renews_request_id = requests.id)
    ORDER BY licence_end LIMIT @limit`);
  const markReminded = db.prepare(`UPDATE requests SET renewal_reminded_at = @now
    WHERE id = @id AND renewal_reminded_at IS NULL`);
  const renewals = db.prepare(`SELECT id, reference, status, created_at FROM requests WHERE renews_request_id = ?
    ORDER BY id`);
  return {
    byNumber: (number: string) => byNumber.get(number) as LicenceRow | undefined,
    /** The versions a licence's corrections replaced, newest first. */
    supersededVersions: (requestId: number) => versions.all(requestId) as SupersededVersion[],
    /**
     * Keeps the version in force (`expected`: the one the desk corrected) and puts the corrected one in its place;
     * false when no licence stands or another correction came first. A new end date may need its own renewal
     * reminder; the same one does not.
     */
    reissue(requestId: number, expected: number, terms: ReissuedTerms, reason: string, now: string): boolean {
      if (keepVersion.run({ id: requestId, now, reason, expected }).changes !== 1) return false;
      replace.run({ id: requestId, now, ...terms });
      return true;
    },
    renewalDue: (today: string, until: string, limit: number) =>
      renewalDue.all({ today, until, limit }) as RenewalDue[],
    /** False when another run reminded first. */
    markReminded: (id: number, now: string) => markReminded.run({ id, now }).changes === 1,
    /** The requests made to renew this one. */
    renewalsOf: (requestId: number) =>
      renewals.all(requestId) as { id: number; reference: string; status: string; created_at: string }[],
  };
}

export type LicencesRepo = ReturnType<typeof licencesRepo>;

/** Each state as SQL on a licensed row, against @today and @soon (the end of the "ending" window). */
export function licenceStateSql(state: LicenceState, column: (name: string) => string = (name) => name): string {
  const revoked = column('licence_revoked_at');
  const end = column('licence_end');
  return {
    active: `${revoked} IS NULL AND ${end} >= @today`,
    ending: `${revoked} IS NULL AND ${end} >= @today AND ${end} <= @soon`,
    ended: `${revoked} IS NULL AND ${end} < @today`,
    revoked: `${revoked} IS NOT NULL`,
  }[state];
}

export interface LicenceListRow {
  reference: string;
  licence_number: string;
  org_name: string;
  first_title: string | null;
  article_count: number;
  licence_start: string;
  licence_end: string;
  licence_revoked_at: string | null;
}

/**
 * The desk's list of licences by state (50 at most): by end date through the partial indexes; a licence number
 * exactly; or the words searched, through the desk's search index, newest request first.
 */
export function licenceListRepo(db: Db) {
  const ORDER: Record<LicenceState, string> = {
    active: 'licence_end ASC',
    ending: 'licence_end ASC',
    ended: 'licence_end DESC',
    revoked: 'licence_revoked_at DESC',
  };
  const INDEX: Record<LicenceState, string> = {
    active: 'requests_licences_by_end',
    ending: 'requests_licences_by_end',
    ended: 'requests_licences_by_end',
    revoked: 'requests_licences_revoked',
  };
  const COLUMNS = `r.reference, r.licence_number, r.org_name, r.first_title, r.article_count, r.licence_start,
    r.licence_end, r.licence_revoked_at`;
  const LICENSED = `r.status = 'licensed' AND r.licence_number IS NOT NULL`;
  const inState = (state: LicenceState) => licenceStateSql(state, (name) => `r.${name}`);
  const statements = (state: LicenceState) => ({
    // INDEXED BY: before ANALYZE has run, the planner would read every licensed request through the status index.
    page: db.prepare(`SELECT ${COLUMNS} FROM requests r INDEXED BY ${INDEX[state]}
      WHERE ${LICENSED} AND ${inState(state)} ORDER BY ${ORDER[state]}, r.id LIMIT 50`),
    number: db.prepare(`SELECT ${COLUMNS} FROM requests r
      WHERE r.licence_number = upper(@q) AND ${LICENSED} AND ${inState(state)}`),
    // The index yields its rows newest first and the page stops at 50: no sort of every match.
    words: db.prepare(`SELECT ${COLUMNS} FROM request_search CROSS JOIN requests r ON r.id = request_search.rowid
      WHERE request_search MATCH @match AND ${LICENSED} AND ${inState(state)}
      ORDER BY request_search.rowid DESC LIMIT 50`),
  });
  const byState = new Map(LICENCE_STATES.map((state) => [state, statements(state)]));
  // Read from the index alone: no request row is touched to count.
  const counts = db.prepare(`SELECT
      ${LICENCE_STATES.map((state) => `SUM(${licenceStateSql(state)}) AS ${state}`).join(', ')}
    FROM requests INDEXED BY requests_licences_by_end WHERE status = 'licensed' AND licence_number IS NOT NULL`);
  return {
    /** `match`: the search index's query for the words of `query`; undefined when it has none. */
    list(state: LicenceState, query: string, match: string | undefined, today: string, soon: string): LicenceListRow[] {
      const statement = byState.get(state)!;
      const dates = { today, soon };
      if (!query) return statement.page.all(dates) as LicenceListRow[];
      if (LICENCE_NUMBER_PATTERN.test(query.toUpperCase())) {
        return statement.number.all({ ...dates, q: query }) as LicenceListRow[];
      }
      return match ? (statement.words.all({ ...dates, match }) as LicenceListRow[]) : [];
    },
    counts: (today: string, soon: string) => counts.get({ today, soon }) as Record<LicenceState, number | null>,
  };
}

export type LicenceListRepo = ReturnType<typeof licenceListRepo>;
