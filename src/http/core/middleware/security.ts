// Security headers: a strict CSP (no inline script or style at all), no framing, HSTS in production only
// (it would pin localhost to https during development).
import helmet from 'helmet';
import type { RequestHandler } from 'express';
import { AppError } from '../../../errors.js';

export function securityHeaders(production: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
}

/** Pages that show personal data or the desk's state must never be stored by a cache. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

/** For a GET that writes to the audit log (an export): from our own pages or typed in, never another site's link. */
export const sameSiteOnly: RequestHandler = (req, _res, next) => {
  const site = req.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') {
    throw new AppError(403, 'cross_site', 'Start exports from the export page.');
  }
  next();
};
