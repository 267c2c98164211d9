// The export's queries, on the read-only connection. The row expression comes from
// the format (built from the constant definitions in src/export/columns.ts, never
// from input); the filters are bound parameters.
//
// Rows come in the order they were stored (by id, i.e. submission order), read in
// chunks that SQLite writes out as one UTF-8 blob each: one call into SQLite per
// chunk and no text conversion per row (turning ~600 bytes of text per row into a
// JavaScript string and back into UTF-8 cost more than building the row itself).
// Each chunk resumes after the last id of the one before, so the table is read once,
// in rowid order, with no sort. A date filter first narrows the id range through the
// created_at index (looked up once); the exact filters then apply to every row in it,
// so the result is the same whatever the ids' order.
import type { Db } from '../connection.js';
import { filterParams, type ExportFilters } from '../../export/filters.js';

/** Rows per chunk: large enough that the call per chunk is nothing, small enough to stream smoothly. */
const CHUNK_ROWS = 200;

/** Only the conditions the filters need: an absent filter costs nothing per row. */
function conditions(filters: ExportFilters): string[] {
  const p = filterParams(filters);
  return [
    p.from !== null && 'r.created_at >= @from',
    p.before !== null && 'r.created_at < @before',
    // Unary + keeps SQLite off the status index: that would read rows out of order and sort them all first.
    p.statuses !== null && '+r.status IN (SELECT value FROM json_each(@statuses))',
  ].filter((c): c is string => typeof c === 'string');
}

/** The bound parameters the conditions use (better-sqlite3 refuses unused named ones). */
function paramsFor(filters: ExportFilters) {
  return Object.fromEntries(Object.entries(filterParams(filters)).filter(([, v]) => v !== null));
}

/** The ids a date range can hold, from the created_at index; null when no request is in it. */
function idRange(db: Db, filters: ExportFilters): { after: number; upTo: number } | null {
  const p = filterParams(filters);
  if (p.from === null && p.before === null) return { after: 0, upTo: Number.MAX_SAFE_INTEGER };
  const range = conditions({ ...filters, statuses: [] }).map((c) => c.replace('r.', '')).join(' AND ');
  const ids = db.prepare(`SELECT min(id) AS first, max(id) AS last FROM requests WHERE ${range}`).get(paramsFor(filters)) as {
    first: number | null;
    last: number | null;
  };
  return ids.first === null || ids.last === null ? null : { after: ids.first - 1, upTo: ids.last };
}

const chunkSql = (line: string, filters: ExportFilters) =>
  `SELECT CAST(group_concat(line, @separator ORDER BY id) AS BLOB) AS bytes, max(id) AS lastId, count(*) AS rows
   FROM (SELECT ${line} AS line, r.id AS id FROM requests r
     WHERE ${['r.id > @after', 'r.id <= @upTo', ...conditions(filters)].join(' AND ')}
     ORDER BY r.id LIMIT ${CHUNK_ROWS})`;

/**
 * The export's rows, a chunk at a time: each chunk's rows written by `line` and joined
 * by `separator`, as UTF-8 bytes. Run it inside one read transaction for one snapshot.
 */
export function* exportChunks(db: Db, line: string, separator: string, filters: ExportFilters): Generator<{ bytes: Buffer; rows: number }> {
  const range = idRange(db, filters);
  if (!range) return;
  const stmt = db.prepare(chunkSql(line, filters));
  const params = { ...paramsFor(filters), separator, upTo: range.upTo };
  let after = range.after;
  for (;;) {
    const chunk = stmt.get({ ...params, after }) as { bytes: Buffer | null; lastId: number | null; rows: number };
    if (!chunk.rows || chunk.lastId === null) return;
    yield { bytes: chunk.bytes ?? Buffer.alloc(0), rows: chunk.rows };
    after = chunk.lastId;
  }
}

/** How many requests the filters match. */
export function exportCount(db: Db, filters: ExportFilters): number {
  const where = conditions(filters);
  const sql = `SELECT COUNT(*) FROM requests r ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  return db.prepare(sql).pluck().get(paramsFor(filters)) as number;
}

/** The query plan of one chunk, for tests: it must stay a rowid range, with no sort of the table. */
export function exportPlan(db: Db, filters: ExportFilters): string[] {
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${chunkSql("''", filters)}`).all({ ...paramsFor(filters), separator: '', after: 0, upTo: 1 });
  return (plan as { detail: string }[]).map((p) => p.detail);
}

/** The columns the `requests` table has in this database (desk columns arrive with their migration). */
export function requestColumns(db: Db): Set<string> {
  const rows = db.prepare(`SELECT name FROM pragma_table_info('requests')`).pluck().all() as string[];
  return new Set(rows);
}
