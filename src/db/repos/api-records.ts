// Requests as the read API pages them: oldest change first, the id breaking ties, from just after a cursor. Each
// record is written by SQLite with the JSON export's expression (`line`, over `requests r`), so both agree.
import type { Db } from '../connection.js';

interface Position {
  afterAt: string;
  afterId: number;
  settled: string;
  limit: number;
}
interface Key {
  updatedAt: string;
  id: number;
}
export interface ApiRecordRow extends Key {
  record: string;
  reference: string;
}

const byChange = (a: Key, b: Key) => (a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : a.id - b.id);

export function apiRecordsRepo(db: Db, line: string) {
  const columns = `${line} AS record, r.reference AS reference, r.updated_at AS updatedAt, r.id AS id`;
  // The row-value comparison walks the (updated_at, id) index from the cursor.
  const page = db.prepare(`SELECT ${columns} FROM requests r
    WHERE (r.updated_at, r.id) > (@afterAt, @afterId) AND r.updated_at < @settled
    ORDER BY r.updated_at, r.id LIMIT @limit`);
  // With a status filter, each status is a range of (status, updated_at, id): a page reads at most `limit` keys per
  // status however rare it is, and the records of the first `limit` keys once merged.
  const keys = db.prepare(`SELECT updated_at AS updatedAt, id FROM requests
    WHERE status = @status AND (updated_at, id) > (@afterAt, @afterId) AND updated_at < @settled
    ORDER BY updated_at, id LIMIT @limit`);
  const byIds = db.prepare(`SELECT ${columns} FROM requests r
    WHERE r.id IN (SELECT value FROM json_each(@ids)) ORDER BY r.updated_at, r.id`);
  const one = db.prepare(`SELECT ${line} FROM requests r WHERE r.reference = ?`).pluck();
  // One snapshot for the keys and their records: a change committed in between would move a record past the cursor.
  const filtered = db.transaction((position: Position, statuses: string[]) => {
    const first = [...new Set(statuses)]
      .flatMap((status) => keys.all({ ...position, status }) as Key[])
      .sort(byChange)
      .slice(0, position.limit);
    if (first.length === 0) return [];
    return byIds.all({ ids: JSON.stringify(first.map((key) => key.id)) }) as ApiRecordRow[];
  });

  return {
    /** Up to `limit` records changed after (afterAt, afterId) and before `settled`, of the given statuses if any. */
    page(query: Position & { statuses: string[] | null }): ApiRecordRow[] {
      const { statuses, ...position } = query;
      return statuses ? filtered.deferred(position, statuses) : (page.all(position) as ApiRecordRow[]);
    },
    byReference: (reference: string) => one.get(reference) as string | undefined,
  };
}
