// /licensing/conditions and /licensing/privacy: the publisher's documents from config/documents, in the reader's
// language. The conditions page shows the version now in force; the privacy notice names the controller, its
// contact and how long personal data is kept, from the configuration.
import type { Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import type { Config } from '../../config.js';
import { i18nFor } from '../../i18n/index.js';
import { renderPage } from '../core/render.js';

export function legalPage(services: Services, config: Readonly<Config>, page: 'conditions' | 'privacy') {
  return (_req: Request, res: Response) => {
    const locale = res.locals.locale;
    const i18n = i18nFor(locale);
    const months = config.retentionMonths;
    const sections =
      page === 'conditions'
        ? services.legal.conditions(null, locale)
        : services.legal.privacy(locale, {
            controller: config.publisher.name,
            contact: config.publisher.contact,
            retention: months ? i18n.t('page.privacy.retention', { months }) : i18n.t('page.privacy.retentionOff'),
          });
    const version = page === 'conditions' ? services.legal.conditionsVersion : null;
    renderPage(res, 200, 'public/page', { page, sections, version });
  };
}
