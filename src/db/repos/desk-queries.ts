// The desk queue's reads. The WHERE clause is assembled from fixed fragments for the filters actually set
// (SQLite uses no index through "(? IS NULL OR col = ?)"), each shape prepared once; no user text enters
// the SQL. Pages are keyset pages, each walking one index in queue order: a search walks the full-text
// index with the filters' terms in its query. See docs/internals.md#desk-queue.
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
  /** With a requester's message the desk has not answered, written at or before this instant. */
  unansweredBefore?: string;
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
  unanswered_since: string | null;
}

const QUEUE_COLUMNS = [
  'id',
  'reference',
  'status',
  'created_at',
  'last_action_at',
  'requester_name',
  'requester_email',
  'org_name',
  'org_country',
  'medium',
  'territory',
  'countries',
  'quote_total_minor',
  'final_fee_minor',
  'currency',
  'refer_to_desk',
  'first_title',
  'article_count',
  'unanswered_since',
] as const satisfies readonly (keyof QueueRow)[];

// Every field of QueueRow is selected: a column missing from the list above is a compile error here.
type Unselected = Exclude<keyof QueueRow, (typeof QUEUE_COLUMNS)[number]>;
const allSelected: [Unselected] extends [never] ? true : never = true;
void allSelected;

/** A page's row from its values in QUEUE_COLUMNS order: raw arrays are cheaper (docs/internals.md#desk-queue). */
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
  unansweredBefore: 'r.unanswered_since IS NOT NULL AND r.unanswered_since <= @unansweredBefore',
};
const KEYS = Object.keys(FRAGMENTS) as (keyof QueueFilter)[];

/** Letters SQLite's tokenizer treats as separators: they split words here too (docs/internals.md#search-words). */
export const TOKENIZER_SEPARATORS = /[\u19b0-\u19c0\u19c8\u19c9\u1cf2\u1cf3]/gu;

/**
 * The user's search words as an FTS5 query of required prefix terms: "ada@exam" → "ada"* "exam"*.
 * No word starts with "^", so none reaches a filter's term (docs/internals.md#search-words).
 */
export function searchQuery(input: string): string | undefined {
  const words = (input.replace(TOKENIZER_SEPARATORS, ' ').match(/[\p{L}\p{N}^]+/gu) ?? [])
    .map((word) => word.replace(/^\^+/, ''))
    .filter(Boolean)
    .slice(0, 8);
  return words.length ? words.map((word) => `"${word}"*`).join(' ') : undefined;
}

/**
 * The filters set in `filter` as the search index's terms, as the view request_search_facets writes them
 * (a test holds the two together). See docs/internals.md#search-facets.
 */
export function facetTerms(filter: Pick<QueueFilter, 'status' | 'medium' | 'territory' | 'country'>): string {
  // Values come from the desk's option lists; a quote is doubled all the same, as FTS5 strings want.
  const term = (kind: string, value: string | undefined) =>
    value ? [`"^${kind}${value.replaceAll('_', '').replaceAll('"', '""')}"`] : [];
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
  const date = new Date(Date.UTC(2000, month, day));
  date.setUTCFullYear(year, month, day);
  return date.getTime();
}
/** Past this many terms a range of days is left to the SQL alone (16 years take at most 98). */
const MAX_DAY_TERMS = 100;

/**
 * The index's terms for the UTC days `first` to `last` (both included): a whole year is the prefix
 * "^dYYYY"*, a whole month "^dYYYYMM"*, any other day "^dYYYYMMDD". Undefined past MAX_DAY_TERMS.
 */
export function dayRangeTerms(first: string, last: string): string[] | undefined {
  const terms: string[] = [];
  const end = Date.parse(`${last}T00:00:00Z`);
  let next = new Date(`${first}T00:00:00Z`);
  while (next.getTime() <= end) {
    const [year, month, day] = [next.getUTCFullYear(), next.getUTCMonth(), next.getUTCDate()];
    const ymd = next.toISOString().slice(0, 10).replaceAll('-', '');
    if (month === 0 && day === 1 && utc(year, 11, 31) <= end) {
      terms.push(`"^d${ymd.slice(0, 4)}"*`);
      next = new Date(utc(year + 1, 0, 1));
    } else if (day === 1 && utc(year, month + 1, 0) <= end) {
      terms.push(`"^d${ymd.slice(0, 6)}"*`);
      next = new Date(utc(year, month + 1, 1));
    } else {
      terms.push(`"^d${ymd}"`);
      next = new Date(next.getTime() + DAY_MS);
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

  /** The search words and the filters' terms as one query: the index yields only rows that can pass. */
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
  const unansweredCount = db
    .prepare('SELECT COUNT(*) FROM requests INDEXED BY requests_unanswered WHERE unanswered_since IS NOT NULL')
    .pluck();
  // Capped, so a desk far behind does not pay for counting every late request on each page view. INDEXED BY:
  // without statistics the planner prefers the status index, which must read every row (migrations/0020).
  const overdueCount = db.prepare(
    `SELECT COUNT(*) AS n FROM (SELECT 1 FROM requests r INDEXED BY requests_waiting
      WHERE ${FRAGMENTS.overdueBefore} LIMIT @cap)`,
  );
  const countryExists = `EXISTS (SELECT 1 FROM request_countries rc
    WHERE rc.country = @country AND rc.created_at = r.created_at AND rc.request_id = r.id)`;

  function statement(keys: (keyof QueueFilter)[], direction: 'older' | 'newer' | 'first'): Statement {
    const cacheKey = `${direction}:${keys.join(',')}`;
    let prepared = cache.get(cacheKey);
    if (!prepared) {
      const driver = keys.includes('match')
        ? 'search'
        : keys.includes('country')
          ? 'country'
          : keys.includes('unansweredBefore')
            ? 'unanswered'
            : 'requests';
      const where = keys.map((key) => (key === 'country' && driver !== 'country' ? countryExists : FRAGMENTS[key]));
      // CROSS JOIN keeps SQLite from reordering the join: the driving index gives the order.
      const from = {
        search: 'request_search CROSS JOIN requests r ON r.id = request_search.rowid',
        country: 'request_countries rc CROSS JOIN requests r ON r.id = rc.request_id',
        requests: 'requests r',
        // Few requests wait for an answer: read them by their own index and sort them.
        unanswered: 'requests r INDEXED BY requests_unanswered',
      }[driver];
      const orderColumns = {
        search: ['request_search.rowid'],
        country: ['rc.created_at', 'rc.request_id'],
        requests: ['r.created_at', 'r.id'],
        unanswered: ['r.created_at', 'r.id'],
      }[driver];
      const cursor = orderColumns.length === 1 ? '@cursorId' : '(@cursorAt, @cursorId)';
      const tuple = orderColumns.length === 1 ? orderColumns[0] : `(${orderColumns.join(', ')})`;
      if (direction === 'older') where.push(`${tuple} < ${cursor}`);
      if (direction === 'newer') where.push(`${tuple} > ${cursor}`);
      const order = orderColumns.map((column) => `${column} ${direction === 'newer' ? 'ASC' : 'DESC'}`).join(', ');
      prepared = db
        .prepare(
          `SELECT ${QUEUE_COLUMNS.map((column) => `r.${column}`).join(', ')}
        FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${order} LIMIT @limit`,
        )
        .raw(true);
      cache.set(cacheKey, prepared);
    }
    return prepared;
  }

  return {
    /** One page, newest first: `after` continues to older rows, `before` goes back to newer ones. */
    page(filter: QueueFilter, at: { after?: Cursor; before?: Cursor }, limit: number) {
      const keys = KEYS.filter((key) => filter[key] !== undefined);
      const cursor = at.after ?? at.before;
      const direction = at.after ? 'older' : at.before ? 'newer' : 'first';
      const params: Record<string, unknown> = { limit: limit + 1 };
      for (const key of keys) params[key] = filter[key];
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
      for (const row of statusCounts.all() as { status: string; n: number }[]) out[row.status] = row.n;
      return out;
    },
    /** How many requests have a requester's message waiting for the desk's answer. */
    unansweredCount: () => unansweredCount.get() as number,
    /** How many requests are overdue, counting up to `cap`. */
    overdueCount: (before: string, cap: number) =>
      (overdueCount.get({ overdueBefore: before, cap }) as { n: number }).n,
  };
}

export const encodeCursor = (cursor: Cursor) => Buffer.from(`${cursor.at}|${cursor.id}`).toString('base64url');

export function decodeCursor(raw: unknown): Cursor | undefined {
  if (typeof raw !== 'string' || raw.length > 100) return undefined;
  const match = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)\|(\d{1,15})$/.exec(Buffer.from(raw, 'base64url').toString());
  return match ? { at: match[1], id: Number(match[2]) } : undefined;
}
