// The export's queries, on a read-only connection. Rows come in submission (id) order, in chunks of 200
// ids that SQLite writes out as one UTF-8 blob each; a chunk is a rowid range, so chunks split between
// threads. The row expression comes from the format (constants in src/export/columns.ts, never input);
// the filters are bound parameters. See docs/internals.md#export.
import { openDatabase, type Db } from '../connection.js';
import { addDaysIso } from '../../domain/dates.js';
import type { Status } from '../../domain/workflow.js';
import { licenceStateSql, type LicenceState } from './licences.js';

/** Which requests an export holds: checked by src/export/filters.ts before they reach a query. */
export interface ExportFilters {
  /** First day included, YYYY-MM-DD (UTC), on the submission date. */
  from: string | null;
  /** Last day included, YYYY-MM-DD (UTC). */
  to: string | null;
  /** Empty: every status. */
  statuses: Status[];
  /** Licences only, in these states as of `today` ("ending": by `soon`); null: no licence filter. */
  licences: { states: LicenceState[]; today: string; soon: string } | null;
}

/** Query parameters: the day after `to` bounds the range, so a whole last day is included. */
function filterParams(filters: ExportFilters) {
  return {
    from: filters.from,
    before: filters.to ? addDaysIso(filters.to, 1) : null,
    statuses: filters.statuses.length ? JSON.stringify(filters.statuses) : null,
    today: filters.licences?.today ?? null,
    soon: filters.licences?.soon ?? null,
  };
}

/** A read-only connection for an export, with a small page cache: it reads each table page once. */
export function openExportConnection(databasePath: string): Db {
  const db = openDatabase(databasePath, { readonly: true });
  db.pragma('cache_size = -2000');
  return db;
}

/**
 * Only the conditions the filters need: an absent filter costs nothing per row. For a chunk, a unary +
 * keeps SQLite off the indexes (`scan`): through them it would read the whole period, or sort.
 */
function conditions(filters: ExportFilters, scan: boolean): string[] {
  const params = filterParams(filters);
  const column = (name: string) => (scan ? `+r.${name}` : `r.${name}`);
  return [
    params.from !== null && `${column('created_at')} >= @from`,
    params.before !== null && `${column('created_at')} < @before`,
    params.statuses !== null && `${column('status')} IN (SELECT value FROM json_each(@statuses))`,
    filters.licences !== null &&
      `${column('status')} = 'licensed' AND ${column('licence_number')} IS NOT NULL AND (${filters.licences.states
        .map((state) => `(${licenceStateSql(state, column)})`)
        .join(' OR ')})`,
  ].filter((condition): condition is string => typeof condition === 'string');
}

/** The bound parameters, only those the conditions use. */
function paramsFor(filters: ExportFilters) {
  return Object.fromEntries(Object.entries(filterParams(filters)).filter(([, value]) => value !== null));
}

/** The ids the export can hold: the whole table, or a date range through the created_at index. */
export function idRange(db: Db, filters: ExportFilters): { after: number; upTo: number } | null {
  const range = conditions({ ...filters, statuses: [], licences: null }, false);
  const where = range.length ? `WHERE ${range.join(' AND ')}` : '';
  const statement = db.prepare(`SELECT min(id) AS first, max(id) AS last FROM requests r ${where}`);
  const ids = statement.get(paramsFor(filters)) as { first: number | null; last: number | null };
  return ids.first === null || ids.last === null ? null : { after: ids.first - 1, upTo: ids.last };
}

/** Ids per chunk: with ids nearly dense, about as many rows, ~120 kB of CSV. */
const CHUNK_IDS = 200;

const chunkSql = (line: string, filters: ExportFilters) =>
  `SELECT CAST(group_concat(line, @separator ORDER BY id) AS BLOB) AS bytes, count(*) AS rows
   FROM (SELECT ${line} AS line, r.id AS id FROM requests r
     WHERE ${['r.id > @after', 'r.id <= @upTo', ...conditions(filters, true)].join(' AND ')})`;

export interface Chunk {
  bytes: Uint8Array;
  rows: number;
}

/** Reads the chunk of ids (after, upTo]: its rows written by `line`, joined by `separator`, as UTF-8 bytes. */
export function chunkReader(db: Db, line: string, separator: string, filters: ExportFilters) {
  const statement = db.prepare(chunkSql(line, filters));
  const params = { ...paramsFor(filters), separator };
  return (after: number, upTo: number): Chunk => {
    const chunk = statement.get({ ...params, after, upTo }) as { bytes: Buffer | null; rows: number };
    return { bytes: chunk.bytes ?? new Uint8Array(0), rows: chunk.rows };
  };
}

/** The chunks of an id range, in order: [after, after + CHUNK_IDS], then the next… */
export function* chunkBounds(range: { after: number; upTo: number }): Generator<[number, number]> {
  for (let after = range.after; after < range.upTo; after += CHUNK_IDS) {
    yield [after, Math.min(after + CHUNK_IDS, range.upTo)];
  }
}

/** How many requests the filters match. */
export function exportCount(db: Db, filters: ExportFilters): number {
  const where = conditions(filters, false);
  const sql = `SELECT COUNT(*) FROM requests r ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  return db.prepare(sql).pluck().get(paramsFor(filters)) as number;
}

/** The columns the `requests` table has in this database (desk columns arrive with their migration). */
export function requestColumns(db: Db): Set<string> {
  const rows = db.prepare(`SELECT name FROM pragma_table_info('requests')`).pluck().all() as string[];
  return new Set(rows);
}
