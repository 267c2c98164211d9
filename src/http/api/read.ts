// The read API: GET /api/v1/requests (pages, filtered by status and last change, behind a cursor) and
// GET /api/v1/requests/{reference}, each with a read-only token as `Authorization: Bearer rep_…`.
import type { Request, RequestHandler, Response } from 'express';
import type { Services } from '../../services/services.js';
import type { ApiToken } from '../../services/read-api.js';
import { AppError, notFound } from '../../errors.js';
import { one } from '../core/posted.js';

const unauthorised = () =>
  new AppError(401, 'unauthorised', 'Send a read API token as Authorization: Bearer <token>; admins make them.');

export function readApi(services: Services) {
  const tokenOf = (res: Response) => res.locals.apiToken as ApiToken;
  const bearer: RequestHandler = (req, res, next) => {
    const sent = /^Bearer ([\x21-\x7e]{1,200})$/.exec(req.get('authorization') ?? '')?.[1];
    const token = sent ? services.readApi.authenticate(sent) : undefined;
    if (!token) {
      res.set('WWW-Authenticate', 'Bearer realm="reprise"');
      return next(unauthorised());
    }
    res.locals.apiToken = token;
    next();
  };
  return {
    bearer,
    async list(req: Request, res: Response) {
      const query = {
        status: one(req.query.status),
        updatedSince: one(req.query.updatedSince),
        cursor: one(req.query.cursor),
        limit: one(req.query.limit),
      };
      const page = await services.readApi.page(tokenOf(res), query);
      res.set('Cache-Control', 'no-store').type('application/json').send(page);
    },
    async one(req: Request, res: Response) {
      const record = await services.readApi.one(tokenOf(res), String(req.params.reference));
      if (!record) throw notFound('There is no request with this reference.');
      res.set('Cache-Control', 'no-store').type('application/json').send(record);
    },
  };
}
