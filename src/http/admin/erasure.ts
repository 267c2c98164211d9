// /admin/erase: find what is held about one email address, download a subject-access export,
// or erase it (after ticking that it cannot be undone).
import type { Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import { AppError } from '../../errors.js';
import { actorOf } from '../core/middleware/auth.js';
import { renderDesk } from '../desk/render.js';

export function erasurePages(services: Services) {
  const data = services.personalData;
  return {
    show: (req: Request, res: Response) =>
      renderDesk(req, res, 200, 'admin/erase', { nav: 'erase', email: '', matches: null }),

    /** step=review: what would be erased; step=erase: erase; step=subject: the JSON download. */
    submit(req: Request, res: Response) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      let email: string;
      try {
        email = data.checkEmail(body.email);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return renderDesk(req, res, 400, 'admin/erase', {
          nav: 'erase',
          email: typeof body.email === 'string' ? body.email : '',
          matches: null,
          error: err.message,
        });
      }
      switch (body.step) {
        case 'subject': {
          const document = data.subjectExport(email, actorOf(res));
          res.set('Content-Disposition', 'attachment; filename="reprise-subject-access-export.json"');
          return res.type('application/json').send(`${JSON.stringify(document, null, 2)}\n`);
        }
        case 'erase':
          if (body.confirm !== 'yes') {
            return renderDesk(req, res, 400, 'admin/erase', {
              nav: 'erase',
              email,
              matches: data.requestsOf(email),
              error: 'Tick the box to confirm: erasure cannot be undone.',
            });
          }
          return renderDesk(req, res, 200, 'admin/erase-done', {
            nav: 'erase',
            result: data.erase(email, actorOf(res)),
          });
        case 'review':
          return renderDesk(req, res, 200, 'admin/erase', { nav: 'erase', email, matches: data.requestsOf(email) });
        default:
          throw new AppError(400, 'bad_step', 'Unknown step; start again from the erasure page.');
      }
    },
  };
}
