// GET /staff/requests: the queue. Query parameters are the filter form's fields; the service checks them
// (an invalid value is ignored and said so, never a 500). Paging is by cursor (after= older, before= newer),
// carried in the links with the filters.
import type { Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import type { QueueQuery, QueueRow } from '../../services/desk-queue.js';
import { OVERDUE_CAP } from '../../services/desk-queue.js';
import { STATUSES, STATUS_LABELS } from '../../domain/workflow.js';
import { ageLabel, isOverdue } from '../../domain/overdue.js';
import { i18nFor, type I18n } from '../../i18n/index.js';
import { optionTags } from '../public/form-view.js';
import { renderDesk } from './render.js';

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** The query string of a queue link: the filters as typed, with `extra` on top. */
function queueLink(
  query: QueueQuery,
  extra: Record<string, string> = {},
  without: keyof QueueQuery | null = null,
): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (name === without || ['after', 'before', 'overdue', 'unanswered'].includes(name)) continue;
    if (typeof value === 'string' && value) params.set(name, value);
  }
  if (query.overdue && without !== 'overdue') params.set('overdue', '1');
  if (query.unanswered && without !== 'unanswered') params.set('unanswered', '1');
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  const search = params.toString();
  return `/staff/requests${search ? `?${search}` : ''}`;
}

export function queuePage(services: Services, overdueWorkingDays: number) {
  const en = i18nFor('en');
  const options = services.formOptions('en');

  return (req: Request, res: Response) => {
    const raw = req.query;
    const query: QueueQuery = {
      status: text(raw.status),
      from: text(raw.from),
      to: text(raw.to),
      medium: text(raw.medium),
      territory: text(raw.territory),
      country: text(raw.country).toUpperCase(),
      q: text(raw.q).slice(0, 200),
      overdue: text(raw.overdue) === '1',
      unanswered: text(raw.unanswered) === '1',
      after: raw.after,
      before: raw.before,
    };
    const page = services.deskQueue.page(query);
    const now = services.clock();
    renderDesk(req, res, 200, 'staff/queue', {
      nav: 'requests',
      values: { ...query, after: undefined, before: undefined },
      ignored: page.ignored,
      options,
      // The option lists as HTML built once per list, with the chosen one marked (../public/form-view.ts).
      optionTags,
      statuses: STATUSES.map((status) => ({
        value: status,
        label: STATUS_LABELS[status],
        count: page.counts[status] ?? 0,
        href: queueLink(query, status ? { status } : {}, 'status'),
      })),
      allHref: queueLink(query, {}, 'status'),
      overdueCount: page.overdueCount,
      overdueCap: OVERDUE_CAP,
      overdueHref: '/staff/requests?overdue=1',
      unansweredCount: page.unansweredCount,
      unansweredHref: '/staff/requests?unanswered=1',
      total: Object.values(page.counts).reduce((sum, count) => sum + count, 0),
      rows: page.rows.map((row) => rowView(row, now, overdueWorkingDays, en)),
      newerHref: page.newerCursor ? queueLink(query, { before: page.newerCursor }) : null,
      olderHref: page.olderCursor ? queueLink(query, { after: page.olderCursor }) : null,
      newestHref: page.paged ? queueLink(query) : null,
      overdueDays: overdueWorkingDays,
      filtered: !!(
        query.status ||
        query.from ||
        query.to ||
        query.medium ||
        query.territory ||
        query.country ||
        query.overdue ||
        query.unanswered ||
        page.ignored.length
      ),
    });
  };
}

function rowView(row: QueueRow, now: Date, overdueWorkingDays: number, en: I18n) {
  const fee = row.final_fee_minor ?? row.quote_total_minor;
  return {
    reference: row.reference,
    href: `/staff/requests/${row.reference}`,
    status: row.status,
    statusLabel: STATUS_LABELS[row.status],
    received: en.dateTime(row.created_at),
    createdAt: row.created_at,
    unanswered: row.unanswered_since !== null,
    age: ageLabel(row.created_at, now),
    overdue: isOverdue(row.status, row.last_action_at ?? row.created_at, now, overdueWorkingDays),
    requester: row.requester_name,
    email: row.requester_email,
    organisation: row.org_name,
    country: row.org_country,
    title: row.first_title ?? '',
    moreArticles: Math.max(0, row.article_count - 1),
    medium: en.t(`enum.medium.${row.medium}`),
    territory: row.territory === 'worldwide' ? en.t('enum.territory.worldwide') : row.countries.split(' ').join(', '),
    fee: fee === null ? (row.refer_to_desk ? 'To price' : '—') : en.money(fee, row.currency),
    feeIsFinal: row.final_fee_minor !== null,
  };
}
