// /staff/licences: every licence by state — current (in force or starting later), ending soon, ended, revoked —
// searched by number, organisation or article title. Each row leads to its request; admins export a state's
// licences through the request export (/admin/export?licence=<state>), with every licence column.
import type { Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import { i18nFor } from '../../i18n/index.js';
import { one } from '../core/posted.js';
import { renderDesk } from './render.js';
import { LICENCE_STATES, type LicenceState } from '../../domain/licence.js';

/** The desk's names for the states; "ending" is completed with its window ("within 30 days"). */
export const LICENCE_STATE_LABELS: Record<LicenceState, string> = {
  active: 'Current',
  ending: 'Ending soon',
  ended: 'Ended',
  revoked: 'Revoked',
};

export function licencesPage(services: Services) {
  const en = i18nFor('en');
  return (req: Request, res: Response) => {
    const asked = one(req.query.state) ?? 'active';
    const state: LicenceState = (LICENCE_STATES as readonly string[]).includes(asked)
      ? (asked as LicenceState)
      : 'active';
    const q = (one(req.query.q) ?? '').slice(0, 200);
    const page = services.licenceList.page(state, q);
    const query = (name: LicenceState) =>
      `/staff/licences?${new URLSearchParams({ state: name, ...(q ? { q } : {}) })}`;
    renderDesk(req, res, 200, 'staff/licences', {
      nav: 'licences',
      title: 'Licences',
      state,
      q,
      tabs: LICENCE_STATES.map((name) => ({
        name,
        label: name === 'ending' ? `Ending within ${page.endingDays} days` : LICENCE_STATE_LABELS[name],
        count: page.counts[name],
        href: query(name),
      })),
      exportHref: `/admin/export?licence=${state}`,
      rows: page.rows.map((row) => ({
        ...row,
        period: `${en.date(row.licence_start)} to ${en.date(row.licence_end)}`,
        revoked: row.licence_revoked_at ? en.date(row.licence_revoked_at) : null,
        more: row.article_count > 1 ? row.article_count - 1 : 0,
      })),
    });
  };
}
