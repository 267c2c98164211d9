// /staff/licences: every licence by state — current (in force or starting later), ending within 30 days, ended,
// revoked — searched by licence
// number, organisation or article title. Each row leads to its request; the export of licences is the request
// export filtered on "licensed" (all licence columns are in it).
import type { Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import { i18nFor } from '../../i18n/index.js';
import { one } from '../core/posted.js';
import { renderDesk } from './render.js';

const STATES = ['active', 'ending', 'ended', 'revoked'] as const;
type State = (typeof STATES)[number];
const LABELS: Record<State, string> = {
  active: 'Current',
  ending: 'Ending within 30 days',
  ended: 'Ended',
  revoked: 'Revoked',
};

export function licencesPage(services: Services) {
  const en = i18nFor('en');
  return (req: Request, res: Response) => {
    const asked = one(req.query.state) ?? 'active';
    const state: State = (STATES as readonly string[]).includes(asked) ? (asked as State) : 'active';
    const q = (one(req.query.q) ?? '').slice(0, 200);
    const page = services.licenceList.page(state, q);
    const query = (name: State) => `/staff/licences?${new URLSearchParams({ state: name, ...(q ? { q } : {}) })}`;
    renderDesk(req, res, 200, 'staff/licences', {
      nav: 'licences',
      title: 'Licences',
      state,
      q,
      tabs: STATES.map((name) => ({ name, label: LABELS[name], count: page.counts[name], href: query(name) })),
      rows: page.rows.map((row) => ({
        ...row,
        period: `${en.date(row.licence_start)} to ${en.date(row.licence_end)}`,
        revoked: row.licence_revoked_at ? en.date(row.licence_revoked_at) : null,
        more: row.article_count > 1 ? row.article_count - 1 : 0,
      })),
    });
  };
}
