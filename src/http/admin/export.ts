// /admin/export: filters, format, how many requests match, the state of retention, and the
// export itself, streamed and named from the checked filters only.
import type { Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import { ExportAborted, type ExportRequest } from '../../services/exports.js';
import { STATUSES } from '../../domain/workflow.js';
import { LICENCE_STATE_LABELS } from '../desk/licences.js';
import { AppError } from '../../errors.js';
import { actorOf } from '../core/middleware/auth.js';
import { one } from '../core/posted.js';
import { renderDesk } from '../desk/render.js';

/** The raw query as the form sent it, kept for re-display (escaped by the view). */
function exportQuery(req: Request) {
  const query = req.query as Record<string, unknown>;
  const list = (raw: unknown) => (raw === undefined ? [] : [raw].flat().map(String));
  return {
    from: String(one(query.from) ?? ''),
    to: String(one(query.to) ?? ''),
    status: list(query.status),
    licence: list(query.licence),
    format: String(one(query.format) ?? 'csv'),
  };
}

export function exportPages(services: Services) {
  function page(req: Request, res: Response) {
    const values = exportQuery(req);
    let error: string | null = null;
    let matching: number | null = null;
    try {
      matching = services.exports.count(services.exports.check(values).filters);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      error = err.message;
    }
    renderDesk(req, res, error ? 400 : 200, 'admin/export', {
      nav: 'export',
      values,
      error,
      matching,
      statuses: STATUSES,
      licenceStates: LICENCE_STATE_LABELS,
      formats: services.exports.formats,
      retention: services.personalData.retention(),
    });
  }

  async function download(req: Request, res: Response) {
    let exportRequest: ExportRequest;
    try {
      exportRequest = services.exports.check(exportQuery(req));
    } catch (err) {
      if (err instanceof AppError) return page(req, res);
      throw err;
    }
    res.status(200);
    res.set('Content-Type', exportRequest.mediaType);
    // Names are built by the server from checked values ([a-z0-9_.-] only), so they need no escaping.
    res.set('Content-Disposition', `attachment; filename="${exportRequest.fileName}"`);
    res.set('X-Content-Type-Options', 'nosniff');
    // Not compressed: the export waits on the socket's buffer (src/export/stream.ts), which a compressor in between
    // would hide, holding a slow reader's whole download in memory.
    res.set('Cache-Control', 'no-store, no-transform');
    try {
      await services.exports.download(exportRequest, actorOf(res), res);
      res.end();
    } catch (err) {
      if (!res.headersSent) {
        res.removeHeader('Content-Disposition');
        throw err;
      }
      // Headers are gone: the only honest signal left is a cut connection.
      if (!(err instanceof ExportAborted)) req.log?.error({ err }, 'export failed mid-stream');
      res.destroy();
    }
  }

  return { page, download };
}
