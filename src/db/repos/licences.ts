// Licences as the public check finds them: by number, with the code to compare and the dates that say whether
// the licence is still valid. Nothing personal is read here.
import type { Db } from '../connection.js';

interface LicenceRow {
  id: number;
  licence_number: string;
  licence_code: string | null;
  licence_start: string;
  licence_end: string;
  licensed_at: string;
  licence_revoked_at: string | null;
}

export function licencesRepo(db: Db) {
  const byNumber = db.prepare(`SELECT id, licence_number, licence_code, licence_start, licence_end, licensed_at,
    licence_revoked_at FROM requests WHERE licence_number = ? AND status = 'licensed'`);
  return {
    byNumber: (number: string) => byNumber.get(number) as LicenceRow | undefined,
  };
}

export type LicencesRepo = ReturnType<typeof licencesRepo>;

export type LicenceState = 'active' | 'ending' | 'ended' | 'revoked';

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

/** The desk's list of licences by state, searched by number, organisation or article title; 50 at most. */
export function licenceListRepo(db: Db) {
  const WHERE: Record<LicenceState, string> = {
    active: 'licence_revoked_at IS NULL AND licence_end >= @today',
    ending: 'licence_revoked_at IS NULL AND licence_end >= @today AND licence_end <= @soon',
    ended: 'licence_revoked_at IS NULL AND licence_end < @today',
    revoked: 'licence_revoked_at IS NOT NULL',
  };
  const ORDER: Record<LicenceState, string> = {
    active: 'licence_end ASC',
    ending: 'licence_end ASC',
    ended: 'licence_end DESC',
    revoked: 'licence_revoked_at DESC',
  };
  const search = `(licence_number = upper(@q) OR org_name LIKE '%' || @q || '%' ESCAPE '\\'
    OR EXISTS (SELECT 1 FROM request_articles a WHERE a.request_id = r.id AND a.title LIKE '%' || @q || '%' ESCAPE '\\'))`;
  const statement = (state: LicenceState, searching: boolean) =>
    db.prepare(`SELECT reference, licence_number, org_name, first_title, article_count, licence_start, licence_end,
        licence_revoked_at
      FROM requests r WHERE status = 'licensed' AND licence_number IS NOT NULL AND ${WHERE[state]}
      ${searching ? `AND ${search}` : ''} ORDER BY ${ORDER[state]}, id LIMIT 50`);
  const counts = db.prepare(`SELECT
      SUM(licence_revoked_at IS NULL AND licence_end >= @today) AS active,
      SUM(licence_revoked_at IS NULL AND licence_end >= @today AND licence_end <= @soon) AS ending,
      SUM(licence_revoked_at IS NULL AND licence_end < @today) AS ended,
      SUM(licence_revoked_at IS NOT NULL) AS revoked
    FROM requests WHERE status = 'licensed' AND licence_number IS NOT NULL`);
  const cache = new Map<string, ReturnType<typeof statement>>();
  return {
    list(state: LicenceState, query: string, today: string, soon: string): LicenceListRow[] {
      const key = `${state}:${query ? 1 : 0}`;
      let prepared = cache.get(key);
      if (!prepared) cache.set(key, (prepared = statement(state, !!query)));
      const q = query.replace(/[\\%_]/g, (c) => `\\${c}`);
      return prepared.all({ today, soon, ...(query ? { q } : {}) }) as LicenceListRow[];
    },
    counts: (today: string, soon: string) => counts.get({ today, soon }) as Record<LicenceState, number | null>,
  };
}

export type LicenceListRepo = ReturnType<typeof licenceListRepo>;
