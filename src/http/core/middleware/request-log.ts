// One log line per request (id, method, path, status, time) and `req.log`, a child logger carrying the
// request's id, made only when something logs through it (docs/internals.md#request-log). Never logged:
// cookies, bodies, query strings (tokens live there); token path segments are masked.
import crypto from 'node:crypto';
import type { Express, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';

declare module 'http' {
  interface IncomingMessage {
    id?: string;
    log?: Logger;
  }
}

/** The path without its query, and with capability tokens (long random segments) masked. */
const loggablePath = (url: string) => url.split('?')[0].replace(/\/[A-Za-z0-9_-]{24,}/g, '/[token]');

/** Paths whose every hit would drown the log (load balancers poll them). */
const QUIET = new Set(['/healthz']);
const CHILD = Symbol('request logger');

const about = (req: Request) => ({ id: req.id, method: req.method, path: loggablePath(req.originalUrl) });

export function useRequestLog(app: Express, logger: Logger) {
  // On the prototype, not on each request: defining a property per object is what made it slow.
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: Request & { [CHILD]?: Logger }) {
      return (this[CHILD] ??= logger.child({ req: about(this) }));
    },
  });
  const middleware: RequestHandler = (req, res, next) => {
    const id = crypto.randomUUID();
    const started = performance.now();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    if (!QUIET.has(req.url)) {
      res.once('close', () => {
        const completed = res.writableFinished;
        const level = !completed ? 'warn' : res.statusCode >= 500 ? 'error' : 'info';
        if (!logger.isLevelEnabled(level)) return;
        const responseTime = Math.round(performance.now() - started);
        const line = { req: about(req), res: { statusCode: res.statusCode }, responseTime };
        logger[level](line, completed ? 'request completed' : 'request aborted');
      });
    }
    next();
  };
  app.use(middleware);
}
