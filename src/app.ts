// The Express app, readable top to bottom: logging, metrics, security headers, compression, static assets, locale,
// the route table (src/http/routes.ts), then 404 and the one error handler. Building it does no I/O of its own
// (the container is passed in), so tests can build many.
import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import compression from 'compression';
import express from 'express';
import type { Container } from './container.js';
import { projectPath } from './paths.js';
import { notFound } from './errors.js';
import { securityHeaders } from './http/core/middleware/security.js';
import { localeMiddleware } from './http/core/middleware/locale.js';
import { useRequestLog } from './http/core/middleware/request-log.js';
import { requestTiming } from './http/core/middleware/request-timing.js';
import { errorHandler } from './http/core/error-handler.js';
import { mountRoutes } from './http/routes.js';

/** A short hash of the public/ folder: asset URLs change when their content does, so they can be cached for long. */
function assetVersion(dir: string): string {
  const hash = crypto.createHash('sha256');
  for (const file of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (file.isFile()) hash.update(file.name).update(fs.readFileSync(`${file.parentPath}/${file.name}`));
  }
  return hash.digest('hex').slice(0, 10);
}

export function createApp(container: Container) {
  const { config, services, metrics } = container;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');
  // No ETags: the form and desk pages are no-store (a fresh token on every view) and the API
  // answers POSTs, so hashing every body bought nothing. Assets keep theirs (express.static).
  app.set('etag', false);
  app.locals.views = container.views;
  app.locals.assetVersion = assetVersion(projectPath('public'));

  useRequestLog(app, container.logger);
  app.use(requestTiming(metrics));
  app.use(securityHeaders(config.env === 'production'));
  // Brotli or gzip, as the browser asks (`Vary: Accept-Encoding`): the form page shrinks from ~40 kB to ~7 kB.
  // Brotli's window is 256 kB instead of 4 MB: the pages are far smaller, and setting up 4 MB for every answer
  // halved the form pages served a second (bench/RESULTS.md). A response marked `no-transform` (the streamed
  // export, which paces itself on the socket) is sent as it is.
  app.use(compression({ brotli: { params: { [zlib.constants.BROTLI_PARAM_LGWIN]: 18 } } }));
  app.use('/assets', express.static(projectPath('public'), { maxAge: '365d', immutable: true, index: false }));
  // Browsers ask for /favicon.ico whatever the page says; pages link the SVG (views/layout.eta).
  app.get('/favicon.ico', (_req, res, next) =>
    res.sendFile(projectPath('public/icons/favicon.ico'), { maxAge: '7d' }, (error) => error && next(error)),
  );
  // The browser half of passkeys, as its package ships it (a plain script: no build step for the desk's pages).
  app.get('/assets/vendor/simplewebauthn-browser.js', (_req, res, next) =>
    res.sendFile(
      projectPath('node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js'),
      { maxAge: '1d' },
      (error) => error && next(error),
    ),
  );
  app.use(localeMiddleware);
  mountRoutes(app, services, metrics, config);

  app.use((_req, _res, next) => next(notFound()));
  app.use(errorHandler(services.storage));
  return app;
}
