// The desk's queue: the filters as typed, checked (a value that is not valid is ignored and said so), one
// keyset page of requests, and the counts above the queue.
import type { Db } from '../db/connection.js';
import {
  deskQueries,
  decodeCursor,
  encodeCursor,
  searchQuery,
  type QueueFilter,
  type QueueRow,
} from '../db/repos/desk-queries.js';
import { isIsoDate, addDaysIso, startOfDayIso } from '../domain/dates.js';
import { isStatus, type Status } from '../domain/workflow.js';
import { workingDaysBefore } from '../domain/overdue.js';
import { REFERENCE_PATTERN } from '../domain/request.js';
import type { FormOptions } from './form-options.js';

export type { QueueRow };

const PAGE_SIZE = 50;
/** The overdue count above the queue stops counting here ("999+"). */
export const OVERDUE_CAP = 999;

/** The filter form's fields, trimmed, as typed. */
export interface QueueQuery {
  status: string;
  from: string;
  to: string;
  medium: string;
  territory: string;
  country: string;
  q: string;
  overdue: boolean;
  unanswered: boolean;
  /** Cursors of the Older / Newer links. */
  after?: unknown;
  before?: unknown;
}

export interface QueuePage {
  rows: QueueRow[];
  /** Labels of the filters whose values were not valid and were left out. */
  ignored: string[];
  counts: Record<string, number>;
  overdueCount: number;
  unansweredCount: number;
  newerCursor: string | null;
  olderCursor: string | null;
  paged: boolean;
}

export interface DeskQueueDeps {
  db: Db;
  clock: () => Date;
  overdueWorkingDays: number;
  options: FormOptions;
}

export function deskQueueService(deps: DeskQueueDeps) {
  const queries = deskQueries(deps.db);
  const known = (list: { value: string }[], value: string) => list.some((option) => option.value === value);

  function filterFor(query: QueueQuery, overdueBefore: string): { filter: QueueFilter; ignored: string[] } {
    const filter: QueueFilter = {};
    const ignored: string[] = [];
    const take = (ok: boolean, label: string, set: () => void) => (ok ? set() : ignored.push(label));
    const { options } = deps;
    if (query.status) take(isStatus(query.status), 'status', () => (filter.status = query.status as Status));
    if (query.from) take(isIsoDate(query.from), 'received from', () => (filter.from = startOfDayIso(query.from)));
    if (query.to) take(isIsoDate(query.to), 'received to', () => (filter.to = startOfDayIso(addDaysIso(query.to, 1))));
    if (query.medium) take(known(options.media, query.medium), 'medium', () => (filter.medium = query.medium));
    if (query.territory) {
      take(known(options.territories, query.territory), 'territory', () => (filter.territory = query.territory));
    }
    if (query.country) take(known(options.countries, query.country), 'country', () => (filter.country = query.country));
    // A whole reference is looked up directly; anything else goes to the full-text index.
    const typed = query.q.toUpperCase();
    if (REFERENCE_PATTERN.test(typed)) filter.reference = typed;
    else if (query.q) filter.match = searchQuery(query.q);
    if (query.overdue) filter.overdueBefore = overdueBefore;
    if (query.unanswered) filter.unansweredBefore = deps.clock().toISOString();
    return { filter, ignored };
  }

  return {
    page(query: QueueQuery): QueuePage {
      const overdueBefore = workingDaysBefore(deps.clock(), deps.overdueWorkingDays).toISOString();
      const { filter, ignored } = filterFor(query, overdueBefore);
      const after = decodeCursor(query.after);
      const before = after ? undefined : decodeCursor(query.before);
      const page = queries.page(filter, { after, before }, PAGE_SIZE);
      const first = page.rows[0];
      const last = page.rows[page.rows.length - 1];
      return {
        rows: page.rows,
        ignored,
        counts: queries.statusCounts(),
        overdueCount: queries.overdueCount(overdueBefore, OVERDUE_CAP + 1),
        unansweredCount: queries.unansweredCount(),
        newerCursor: page.hasNewer && first ? encodeCursor({ at: first.created_at, id: first.id }) : null,
        olderCursor: page.hasOlder && last ? encodeCursor({ at: last.created_at, id: last.id }) : null,
        paged: !!(after || before),
      };
    },
  };
}
