// The Express app, readable top to bottom: logging, security headers, static
// assets, locale, routes, then 404 and the one error handler. Building it does no
// I/O of its own (the container is passed in), so tests can build many.
import crypto from 'node:crypto';
import fs from 'node:fs';
import express from 'express';
import type { Container } from './container.js';
import { projectPath } from './paths.js';
import { notFound } from './errors.js';
import { securityHeaders } from './http/core/middleware/security.js';
import { localeMiddleware } from './http/core/middleware/locale.js';
import { useRequestLog } from './http/core/middleware/request-log.js';
import { perIpLimit } from './http/core/middleware/rate-limits.js';
import { healthRoutes } from './http/operations/health.js';
import { metricsRoutes } from './services/metrics.js';
import { publicRoutes } from './http/public/form.js';
import { apiRoutes } from './http/api/requests.js';
import { deskMiddleware } from './http/core/middleware/session.js';
import { staffRoutes } from './http/desk/routes-old.js';
import { adminRoutes } from './http/admin/users.js';
import { adminExportRoutes } from './http/admin/export.js';
import { errorHandler } from './http/core/error-handler.js';

/** A short hash of the public/ folder: asset URLs change when their content does, so they can be cached for long. */
function assetVersion(dir: string): string {
  const hash = crypto.createHash('sha256');
  for (const f of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (f.isFile()) hash.update(f.name).update(fs.readFileSync(`${f.parentPath}/${f.name}`));
  }
  return hash.digest('hex').slice(0, 10);
}

export function createApp(c: Container) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', c.config.trustProxy);
  app.set('query parser', 'simple');
  // No ETags: the form and desk pages are no-store (a fresh token on every view) and the API answers
  // POSTs, so hashing every body bought nothing but CPU. The three small static pages (conditions,
  // privacy, received) lose their 304s; assets keep theirs (express.static).
  app.set('etag', false);
  app.locals.views = c.views;
  app.locals.assetVersion = assetVersion(projectPath('public'));

  useRequestLog(app, c.logger);
  app.use(c.metrics.timing);
  app.use(securityHeaders(c.config.env === 'production'));
  app.use('/assets', express.static(projectPath('public'), { maxAge: '365d', immutable: true, index: false }));
  app.use(healthRoutes(c));
  app.use(metricsRoutes(c.metrics, c.config.metricsToken));
  app.use(localeMiddleware);

  const submitLimit = perIpLimit(c.config.rateLimitSubmitPerHour, 60 * 60_000);
  const quoteLimit = perIpLimit(c.config.rateLimitQuotePerMinute, 60_000);
  app.use('/api/v1', apiRoutes(c, { submit: submitLimit, quote: quoteLimit }));
  // The public pages before the desk's routers, so a reader's request is not matched against each of them.
  app.use(publicRoutes(c, submitLimit));
  // The desk: session, sign-in and no-store on /staff and /admin only (the public pages set no cookie).
  app.use(['/staff', '/admin'], ...deskMiddleware(c));
  app.use(staffRoutes(c));
  app.use('/admin', adminExportRoutes(c));
  app.use('/admin', adminRoutes(c));

  app.use((_req, _res, next) => next(notFound()));
  app.use(errorHandler(c.storage));
  return app;
}
