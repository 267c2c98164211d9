// Requests as the read API pages them: oldest change first, the id breaking ties, from just after a cursor. Each
// record is written by SQLite with the JSON export's expression (`line`, over `requests r`), so both agree.
import type { Db } from '../connection.js';

export function apiRecordsRepo(db: Db, line: string) {
  // The row-value comparison walks the (updated_at, id) index from the cursor; the status filter is a JSON list.
  const page = db.prepare(`SELECT ${line} AS record, r.reference AS reference, r.updated_at AS updatedAt, r.id AS id
    FROM requests r
    WHERE (r.updated_at, r.id) > (@afterAt, @afterId) AND r.updated_at < @settled
      AND (@statuses IS NULL OR r.status IN (SELECT value FROM json_each(@statuses)))
    ORDER BY r.updated_at, r.id LIMIT @limit`);
  const one = db.prepare(`SELECT ${line} FROM requests r WHERE r.reference = ?`).pluck();
  return {
    /** Up to `limit` records changed after (afterAt, afterId), with the position of each. */
    page: (query: { afterAt: string; afterId: number; settled: string; statuses: string[] | null; limit: number }) =>
      page.all({ ...query, statuses: query.statuses && JSON.stringify(query.statuses) }) as {
        record: string;
        reference: string;
        updatedAt: string;
        id: number;
      }[],
    byReference: (reference: string) => one.get(reference) as string | undefined,
  };
}
