// The desk queue's reads. Filters combine freely, and SQLite cannot use an index
// through "(? IS NULL OR col = ?)", so the WHERE clause is assembled from fixed
// fragments for the filters actually set and each such shape is prepared once and
// cached (at most 2^9 shapes; no user text ever enters the SQL). Pages are keyset
// pages: no OFFSET, so page 1,000 costs what page 1 costs.
//
// Each shape walks one index in queue order and stops after a page: a search walks
// the full-text index by rowid (request ids grow with time), asking it for the words
// and the filters' terms together (withFacets), so it does not look up every request
// holding the words to check them; a country filter walks
// request_countries (country, created_at, id), anything else an index of requests.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../connection.js';
import type { Status } from '../../domain/workflow.js';

export interface QueueFilter {
  status?: Status;
  /** created_at >= from, < to (ISO instants). */
  from?: string;
  to?: string;
  medium?: string;
  territory?: string;
  /** ISO 3166 code: the organisation's country or one of the territory's listed countries. */
  country?: string;
  /** An FTS5 query built by searchQuery(). */
  match?: string;
  /** A whole reference typed into the search box: found by its unique index. */
  reference?: string;
  /** Awaiting the desk and untouched since before this instant. */
  overdueBefore?: string;
}

export interface Cursor {
  at: string;
  id: number;
}

export interface QueueRow {
  id: number;
  reference: string;
  status: Status;
  created_at: string;
  last_action_at: string | null;
  requester_name: string;
  requester_email: string;
  org_name: string;
  org_country: string;
  medium: string;
  territory: string;
  countries: string;
  quote_total_minor: number | null;
  final_fee_minor: number | null;
  currency: string;
  refer_to_desk: number;
  first_title: string | null;
  article_count: number;
}

const QUEUE_COLUMNS = [
  'id', 'reference', 'status', 'created_at', 'last_action_at', 'requester_name', 'requester_email', 'org_name', 'org_country',
  'medium', 'territory', 'countries', 'quote_total_minor', 'final_fee_minor', 'currency', 'refer_to_desk', 'first_title',
  'article_count',
] as const satisfies readonly (keyof QueueRow)[];

// Every field of QueueRow is selected: a column missing from the list above is a compile error here.
type Unselected = Exclude<keyof QueueRow, (typeof QUEUE_COLUMNS)[number]>;
const allSelected: [Unselected] extends [never] ? true : never = true;
void allSelected;

/**
 * A page's row from its values in QUEUE_COLUMNS order. The statements return arrays (raw mode):
 * better-sqlite3 building an object per row, a property at a time, cost more than SQLite's whole
 * query (51 rows × 18 columns: ~270 µs against ~150 µs as arrays made into objects here).
 */
function queueRow(values: unknown[]): QueueRow {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < QUEUE_COLUMNS.length; i++) row[QUEUE_COLUMNS[i]] = values[i];
  return row as unknown as QueueRow;
}

const FRAGMENTS: Record<keyof QueueFilter, string> = {
  status: 'r.status = @status',
  from: 'r.created_at >= @from',
  to: 'r.created_at < @to',
  medium: 'r.medium = @medium',
  territory: 'r.territory = @territory',
  country: 'rc.country = @country',
  match: 'request_search MATCH @match',
  reference: 'r.reference = @reference',
  overdueBefore: `r.status IN ('new', 'in_review') AND r.created_at < @overdueBefore
    AND COALESCE(r.last_action_at, r.created_at) < @overdueBefore`,
};
const KEYS = Object.keys(FRAGMENTS) as (keyof QueueFilter)[];

/**
 * Letters that SQLite's unicode61 tokenizer, built on older Unicode tables, treats as
 * separators. A word holding one would be two tokens, i.e. a phrase, which the index
 * (detail=none, migrations/0021 and 0024) cannot search, so they split words here too.
 * tests/unit/search-query.test.ts checks every letter and digit against the tokenizer.
 */
export const TOKENIZER_SEPARATORS = /[\u19b0-\u19c0\u19c8\u19c9\u1cf2\u1cf3]/gu;

/**
 * The user's search words as an FTS5 query: each word a quoted prefix term, all
 * required. Words are letters, digits and "^", so the query cannot be malformed.
 * The index keeps "^" inside words (it marks the filters' terms, migrations/0024),
 * so "jo^doe@example.org" is found by "jo^doe"; a word never starts with one, so no
 * typed word reaches a filter's term. The tokenizer folds case itself (JavaScript's
 * lower case would turn "İ" into two characters).
 * "ada@exam" → "ada"* "exam"*; "REP-2026-000042" → "REP"* "2026"* "000042"*.
 */
export function searchQuery(input: string): string | undefined {
  const words = (input.replace(TOKENIZER_SEPARATORS, ' ').match(/[\p{L}\p{N}^]+/gu) ?? [])
    .map((w) => w.replace(/^\^+/, ''))
    .filter(Boolean)
    .slice(0, 8);
  return words.length ? words.map((w) => `"${w}"*`).join(' ') : undefined;
}

/**
 * The filters set in `filter` as the search index's terms for them (migrations/0024),
 * to be required alongside the search words: the index then yields only rows that
 * match both, instead of every row holding the words. The view request_search_facets
 * writes the same terms; tests/unit/search-facets.test.ts checks the two agree.
 */
export function facetTerms(filter: Pick<QueueFilter, 'status' | 'medium' | 'territory' | 'country'>): string {
  // Values come from the desk's option lists; a quote is doubled all the same, as FTS5 strings want.
  const term = (kind: string, value: string | undefined) =>
    (value ? [`"^${kind}${value.replaceAll('_', '').replaceAll('"', '""')}"`] : []);
  return [
    ...term('s', filter.status),
    ...term('m', filter.medium),
    ...term('t', filter.territory),
    ...term('c', filter.country),
  ].join(' ');
}

const DAY_MS = 86_400_000;
/** Date.UTC, for every year: Date.UTC reads years 0–99 as 1900–1999. */
function utc(year: number, month: number, day: number): number {
  const d = new Date(Date.UTC(2000, month, day));
  d.setUTCFullYear(year, month, day);
  return d.getTime();
}
/**
 * Past this many terms a range of days is left to the SQL alone: a span of many years, each
 * year a term. Any range within 16 years takes at most 30 + 11 + 16 + 11 + 30 terms.
 */
const MAX_DAY_TERMS = 100;

/**
 * The index's terms for the UTC days `first` to `last` (YYYY-MM-DD, both included), any one
 * of which a row must hold: each request has the term ^dYYYYMMDD (migrations/0024), so a
 * whole year is the prefix "^dYYYY"*, a whole month "^dYYYYMM"* and any other day itself.
 * Undefined when there would be more than MAX_DAY_TERMS of them.
 */
export function dayRangeTerms(first: string, last: string): string[] | undefined {
  const terms: string[] = [];
  const end = Date.parse(`${last}T00:00:00Z`);
  let d = new Date(`${first}T00:00:00Z`);
  while (d.getTime() <= end) {
    const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
    const ymd = d.toISOString().slice(0, 10).replaceAll('-', '');
    if (m === 0 && day === 1 && utc(y, 11, 31) <= end) {
      terms.push(`"^d${ymd.slice(0, 4)}"*`);
      d = new Date(utc(y + 1, 0, 1));
    } else if (day === 1 && utc(y, m + 1, 0) <= end) {
      terms.push(`"^d${ymd.slice(0, 6)}"*`);
      d = new Date(utc(y, m + 1, 1));
    } else {
      terms.push(`"^d${ymd}"`);
      d = new Date(d.getTime() + DAY_MS);
    }
    if (terms.length > MAX_DAY_TERMS) return undefined;
  }
  return terms;
}

/** The UTC day (YYYY-MM-DD) just before an instant: `to` is exclusive. */
function dayBefore(instant: string): string | undefined {
  const ms = Date.parse(instant);
  return Number.isNaN(ms) ? undefined : new Date(ms - 1).toISOString().slice(0, 10);
}

export function deskQueries(db: Db) {
  const cache = new Map<string, Statement>();
  // The days of the oldest and newest requests: a date range open at one end is closed there.
  const oldest = db.prepare('SELECT created_at FROM requests ORDER BY created_at ASC, id ASC LIMIT 1').pluck();
  const newest = db.prepare('SELECT created_at FROM requests ORDER BY created_at DESC, id DESC LIMIT 1').pluck();

  /**
   * The search words with the filters' terms (facetTerms, dayRangeTerms), as one query for the
   * index: it then yields only the rows that can pass the filters, newest first, instead of
   * every row holding the words. The SQL's own conditions still decide.
   */
  function withFacets(filter: QueueFilter): string {
    const parts = [filter.match, facetTerms(filter)];
    if (filter.from !== undefined || filter.to !== undefined) {
      // Within the days that hold requests: an open end is closed there, and no term is spent on empty years.
      const oldestDay = (oldest.get() as string | undefined)?.slice(0, 10);
      const newestDay = (newest.get() as string | undefined)?.slice(0, 10);
      const from = filter.from?.slice(0, 10);
      const to = filter.to === undefined ? undefined : dayBefore(filter.to);
      const first = from && oldestDay && from > oldestDay ? from : oldestDay;
      const last = to && newestDay && to < newestDay ? to : newestDay;
      const days = first && last && first <= last ? dayRangeTerms(first, last) : undefined;
      if (days?.length) parts.push(`(${days.join(' OR ')})`);
    }
    // An explicit AND: FTS5 reads a bracketed group after a term without one as a syntax error.
    return parts.filter(Boolean).join(' AND ');
  }
  const statusCounts = db.prepare('SELECT status, n FROM request_status_counts');
  // Capped, so a desk far behind does not pay for counting every late request on each page view.
  // INDEXED BY: the planner, without statistics, prefers the status index, which must read every row (migrations/0020).
  const overdueCount = db.prepare(
    `SELECT COUNT(*) AS n FROM (SELECT 1 FROM requests r INDEXED BY requests_waiting WHERE ${FRAGMENTS.overdueBefore} LIMIT @cap)`,
  );

  function statement(keys: (keyof QueueFilter)[], direction: 'older' | 'newer' | 'first'): Statement {
    const cacheKey = `${direction}:${keys.join(',')}`;
    let stmt = cache.get(cacheKey);
    if (!stmt) {
      const driver = keys.includes('match') ? 'search' : keys.includes('country') ? 'country' : 'requests';
      const where = keys.map((k) =>
        k === 'country' && driver !== 'country'
          ? 'EXISTS (SELECT 1 FROM request_countries rc WHERE rc.country = @country AND rc.created_at = r.created_at AND rc.request_id = r.id)'
          : FRAGMENTS[k]);
      // CROSS JOIN keeps SQLite from reordering the join: the driving index gives the order.
      const from = {
        search: 'request_search CROSS JOIN requests r ON r.id = request_search.rowid',
        country: 'request_countries rc CROSS JOIN requests r ON r.id = rc.request_id',
        requests: 'requests r',
      }[driver];
      const key = { search: ['request_search.rowid'], country: ['rc.created_at', 'rc.request_id'], requests: ['r.created_at', 'r.id'] }[driver];
      const cursor = key.length === 1 ? '@cursorId' : '(@cursorAt, @cursorId)';
      const tuple = key.length === 1 ? key[0] : `(${key.join(', ')})`;
      if (direction === 'older') where.push(`${tuple} < ${cursor}`);
      if (direction === 'newer') where.push(`${tuple} > ${cursor}`);
      const order = key.map((k) => `${k} ${direction === 'newer' ? 'ASC' : 'DESC'}`).join(', ');
      stmt = db.prepare(`SELECT ${QUEUE_COLUMNS.map((c) => `r.${c}`).join(', ')}
        FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${order} LIMIT @limit`).raw(true);
      cache.set(cacheKey, stmt);
    }
    return stmt;
  }

  return {
    /**
     * One page of the queue, newest first. `after` continues to older rows,
     * `before` goes back to newer ones; one extra row tells whether more exist.
     */
    page(filter: QueueFilter, at: { after?: Cursor; before?: Cursor }, limit: number) {
      const keys = KEYS.filter((k) => filter[k] !== undefined);
      const cursor = at.after ?? at.before;
      const direction = at.after ? 'older' : at.before ? 'newer' : 'first';
      const params: Record<string, unknown> = { limit: limit + 1 };
      for (const k of keys) params[k] = filter[k];
      if (cursor) Object.assign(params, { cursorAt: cursor.at, cursorId: cursor.id });
      const read = () => {
        if (filter.match) params.match = withFacets(filter);
        return statement(keys, direction).all(params) as unknown[][];
      };
      // A search's day terms and its page from one snapshot: a request the writer commits in between
      // (on a new day, past the newest one read) would pass the SQL but miss the terms.
      const dated = filter.match && (filter.from !== undefined || filter.to !== undefined);
      const rows = (dated ? db.transaction(read).deferred() : read()).map(queueRow);
      const more = rows.length > limit;
      if (more) rows.pop();
      if (direction === 'newer') rows.reverse();
      return {
        rows,
        // Is there a page of older rows after this one, and of newer rows before it?
        hasOlder: direction === 'newer' ? true : more,
        hasNewer: direction === 'first' ? false : direction === 'older' ? true : more,
      };
    },
    statusCounts(): Record<string, number> {
      const out: Record<string, number> = {};
      for (const r of statusCounts.all() as { status: string; n: number }[]) out[r.status] = r.n;
      return out;
    },
    /** How many requests are overdue, counting up to `cap`. */
    overdueCount: (before: string, cap: number) => (overdueCount.get({ overdueBefore: before, cap }) as { n: number }).n,
  };
}

export const encodeCursor = (c: Cursor) => Buffer.from(`${c.at}|${c.id}`).toString('base64url');

export function decodeCursor(raw: unknown): Cursor | undefined {
  if (typeof raw !== 'string' || raw.length > 100) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)\|(\d{1,15})$/.exec(Buffer.from(raw, 'base64url').toString());
  return m ? { at: m[1], id: Number(m[2]) } : undefined;
}
