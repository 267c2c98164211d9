// A request row written with SQL alone, for tests of migrations and of what triggers
// and views derive from the row: only the columns every schema since 0001 has had
// (so it also fits a database stopped at an old migration), with plain defaults.
import type { Database } from 'better-sqlite3';

export interface RawRequest {
  id: number;
  name?: string;
  email?: string;
  org?: string;
  status?: string;
  country?: string;
  medium?: string;
  territory?: string;
  /** Listed countries, space-separated ('' for worldwide). */
  countries?: string;
  created?: string;
}

export function insertRawRequest(db: Database, r: RawRequest) {
  db.prepare(
    `INSERT INTO requests (id, reference, access_token, status, locale, requester_name, requester_email, org_name, org_type,
      org_country, org_non_profit, medium, territory, countries, language, translation, audience, start_date, duration_months,
      exclusive, commercial, images, quote_json, quote_total_minor, currency, refer_to_desk, rate_card_version, created_at, updated_at)
    VALUES (@id, printf('REP-2026-%06d', @id), 'tok' || @id, @status, 'en', @name, @email, @org, 'newspaper', @country, 0, @medium,
      @territory, @countries, 'en', 0, 1000, '2026-12-01', 12, 0, 0, 0, '{}', 100, 'GBP', 0, 'v1', @created, @created)`,
  ).run({
    name: 'N',
    email: 'n@example.org',
    org: 'O',
    status: 'new',
    country: 'GB',
    medium: 'online',
    territory: 'worldwide',
    countries: '',
    created: '2026-11-01T00:00:00.000Z',
    ...r,
  });
}
