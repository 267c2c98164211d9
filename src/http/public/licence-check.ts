// /licences/verify: anyone holding a licence (or shown one) checks it with its number and verification code. The
// printed address and the QR code fill both in. A wrong code and an unknown number get the same answer (404),
// and only those count towards the per-IP limit on guesses.
import type { Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import { one } from '../core/posted.js';
import { renderPage } from '../core/render.js';

export function licenceCheckPage(services: Services) {
  return (req: Request, res: Response) => {
    const number = (one(req.query.number) ?? '').slice(0, 40);
    const code = (one(req.query.code) ?? '').slice(0, 60);
    const asked = number !== '' || code !== '';
    const licence = asked ? services.licenceCheck.check(number, code) : undefined;
    res.set('X-Robots-Tag', 'noindex');
    renderPage(res, asked && !licence ? 404 : 200, 'public/licence-check', { number, code, asked, licence });
  };
}
