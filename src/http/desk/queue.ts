// GET /staff/requests: the queue. Query parameters are the filter form's fields;
// a value that is not valid is ignored and said so, never a 500. Pagination is by
// cursor (after= older, before= newer), carried in the links with the filters.
import type { Request, Response } from 'express';
import type { Container } from '../../container.js';
import { deskQueries, decodeCursor, encodeCursor, searchQuery, type QueueFilter, type QueueRow } from '../../db/repos/desk-queries.js';
import { STATUSES, STATUS_LABELS, isStatus } from '../../domain/workflow.js';
import { ageLabel, isOverdue, workingDaysBefore } from '../../domain/overdue.js';
import { i18nFor } from '../../i18n/index.js';
import { formOptions, optionTags } from '../public/form-view.js';
import { renderStaff } from './render.js';
import { parseIsoDate } from '../../domain/dates.js';
import { REFERENCE_PATTERN } from '../../domain/request.js';

export const PAGE_SIZE = 50;
const OVERDUE_CAP = 999;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
/** A real calendar date: 2026-02-31 is refused (and listed as ignored), not rolled over into March. */
const validDate = (v: string) => {
  if (!DATE.test(v)) return false;
  try {
    parseIsoDate(v);
    return true;
  } catch {
    return false;
  }
};
const nextDay = (v: string) => new Date(Date.parse(`${v}T00:00:00Z`) + 86_400_000).toISOString();

export function queueHandler(c: Container) {
  const queries = deskQueries(c.db);
  const en = i18nFor('en');
  const options = formOptions(c.validators, 'en');
  const known = (list: { value: string }[], v: string) => list.some((o) => o.value === v);

  return (req: Request, res: Response) => {
    const q = req.query;
    const values = {
      status: str(q.status), from: str(q.from), to: str(q.to), medium: str(q.medium), territory: str(q.territory),
      country: str(q.country).toUpperCase(), q: str(q.q).slice(0, 200), overdue: str(q.overdue) === '1',
    };
    const ignored: string[] = [];
    const filter: QueueFilter = {};
    const take = (ok: boolean, label: string, set: () => void) => (ok ? set() : ignored.push(label));
    if (values.status) take(isStatus(values.status), 'status', () => (filter.status = values.status as QueueFilter['status']));
    if (values.from) take(validDate(values.from), 'received from', () => (filter.from = `${values.from}T00:00:00.000Z`));
    if (values.to) take(validDate(values.to), 'received to', () => (filter.to = nextDay(values.to)));
    if (values.medium) take(known(options.media, values.medium), 'medium', () => (filter.medium = values.medium));
    if (values.territory) take(known(options.territories, values.territory), 'territory', () => (filter.territory = values.territory));
    if (values.country) take(known(options.countries, values.country), 'country', () => (filter.country = values.country));
    // A whole reference is looked up directly; anything else goes to the full-text index.
    if (REFERENCE_PATTERN.test(values.q.toUpperCase())) filter.reference = values.q.toUpperCase();
    else if (values.q) filter.match = searchQuery(values.q);
    const now = c.clock();
    const overdueBefore = workingDaysBefore(now, c.config.overdueWorkingDays).toISOString();
    if (values.overdue) filter.overdueBefore = overdueBefore;

    const after = decodeCursor(q.after);
    const before = after ? undefined : decodeCursor(q.before);
    const page = queries.page(filter, { after, before }, PAGE_SIZE);
    const counts = queries.statusCounts();

    const link = (extra: Record<string, string>) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(values)) if (v && v !== true) params.set(k, String(v));
      if (values.overdue) params.set('overdue', '1');
      for (const [k, v] of Object.entries(extra)) params.set(k, v);
      const s = params.toString();
      return `/staff/requests${s ? `?${s}` : ''}`;
    };
    const first = page.rows[0];
    const last = page.rows[page.rows.length - 1];
    const { status: _s, ...withoutStatus } = values;
    const statusLink = (s: string) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(withoutStatus)) if (v && v !== true) params.set(k, String(v));
      if (values.overdue) params.set('overdue', '1');
      if (s) params.set('status', s);
      const qs = params.toString();
      return `/staff/requests${qs ? `?${qs}` : ''}`;
    };

    renderStaff(req, res, 200, 'staff/queue', {
      nav: 'requests',
      values,
      ignored,
      options,
      // The option lists as HTML built once per list, with the chosen one marked (src/http/form-view.ts).
      optionTags,
      statuses: STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s], count: counts[s] ?? 0, href: statusLink(s) })),
      allHref: statusLink(''),
      overdueCount: queries.overdueCount(overdueBefore, OVERDUE_CAP + 1),
      overdueCap: OVERDUE_CAP,
      overdueHref: '/staff/requests?overdue=1',
      total: Object.values(counts).reduce((a, b) => a + b, 0),
      rows: page.rows.map((r) => rowView(r, now, c.config.overdueWorkingDays, en)),
      newerHref: page.hasNewer && first ? link({ before: encodeCursor({ at: first.created_at, id: first.id }) }) : null,
      olderHref: page.hasOlder && last ? link({ after: encodeCursor({ at: last.created_at, id: last.id }) }) : null,
      newestHref: after || before ? link({}) : null,
      overdueDays: c.config.overdueWorkingDays,
      filtered: !!(values.status || values.from || values.to || values.medium || values.territory || values.country || values.overdue || ignored.length),
    });
  };
}

function rowView(r: QueueRow, now: Date, overdueDays: number, en: ReturnType<typeof i18nFor>) {
  const fee = r.final_fee_minor ?? r.quote_total_minor;
  return {
    reference: r.reference,
    href: `/staff/requests/${r.reference}`,
    status: r.status,
    statusLabel: STATUS_LABELS[r.status],
    received: r.created_at.slice(0, 16).replace('T', ' '),
    age: ageLabel(r.created_at, now),
    overdue: isOverdue(r.status, r.last_action_at ?? r.created_at, now, overdueDays),
    requester: r.requester_name,
    email: r.requester_email,
    organisation: r.org_name,
    country: r.org_country,
    title: r.first_title ?? '',
    moreArticles: Math.max(0, r.article_count - 1),
    medium: en.t(`enum.medium.${r.medium}`),
    territory: r.territory === 'worldwide' ? en.t('enum.territory.worldwide') : r.countries.split(' ').join(', '),
    fee: fee === null ? (r.refer_to_desk ? 'To price' : '—') : en.money(fee, r.currency),
    feeIsFinal: r.final_fee_minor !== null,
  };
}
