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
