// Admin data pages, all behind requireAdmin, mounted at /admin:
//   GET  /admin/export            filters, format, how many requests match, retention status
//   GET  /admin/export/download   the export itself, streamed; named from the checked filters only
//   GET  /admin/erase             erasure form (by email address)
//   POST /admin/erase             step=review: what would be erased; step=erase: erase; step=subject: JSON download
import { Router, type Request, type Response } from 'express';
import type { Container } from '../../container.js';
import { openDatabase } from '../../db/connection.js';
import { exportCount } from '../../db/repos/export-queries.js';
import { retentionRepo } from '../../db/repos/retention.js';
import { AppError } from '../../errors.js';
import { auditedExport } from '../../export/audited-export.js';
import { exportFileName, parseFilters, parseFormat, STATUSES, type ExportFilters } from '../../export/filters.js';
import { FORMATS, MEDIA_TYPES, type ExportFormat } from '../../export/formatter.js';
import { ExportAborted } from '../../export/stream.js';
import { checkEmail, erasePerson } from '../../services/erasure.js';
import { retentionCutoff } from '../../services/retention.js';
import { subjectExport } from '../../services/subject-export.js';
import { actorOf, requireAdmin } from '../core/middleware/auth.js';
import { staffForm } from '../core/middleware/csrf.js';
import { renderStaff } from '../desk/render.js';
import { one } from '../core/posted.js';

/** Names here are built by the server from checked values ([a-z0-9_.-] only), so they need no escaping. */
const attachment = (name: string) => `attachment; filename="${name}"`;


/** The raw query as the form sent it, kept for re-display (escaped by the view). */
function rawQuery(req: Request) {
  const q = req.query as Record<string, unknown>;
  const status = q.status === undefined ? [] : [q.status].flat().map(String);
  return { from: String(one(q.from) ?? ''), to: String(one(q.to) ?? ''), status, format: String(one(q.format) ?? 'csv') };
}

function parse(req: Request): { format: ExportFormat; filters: ExportFilters } {
  const q = rawQuery(req);
  return { format: parseFormat(q.format), filters: parseFilters({ from: q.from, to: q.to, status: q.status }) };
}

function retentionStatus(c: Container) {
  const months = c.config.retentionMonths;
  if (months <= 0) return { months, cutoff: null, due: 0 };
  const cutoff = retentionCutoff(c.clock(), months);
  const due = Object.values(retentionRepo(c.db).countDue(cutoff)).reduce((a, b) => a + b, 0);
  return { months, cutoff: cutoff.slice(0, 10), due };
}

function exportPage(c: Container, req: Request, res: Response) {
  const values = rawQuery(req);
  let error: string | null = null;
  let matching: number | null = null;
  try {
    const { filters } = parse(req);
    const ro = openDatabase(c.config.databasePath, { readonly: true });
    try {
      matching = exportCount(ro, filters);
    } finally {
      ro.close();
    }
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    error = err.message;
  }
  renderStaff(req, res, error ? 400 : 200, 'admin/export', {
    nav: 'export', values, error, matching, statuses: STATUSES, formats: FORMATS, retention: retentionStatus(c),
  });
}

async function download(c: Container, req: Request, res: Response) {
  let parsed;
  try {
    parsed = parse(req);
  } catch (err) {
    if (err instanceof AppError) return exportPage(c, req, res);
    throw err;
  }
  const { format, filters } = parsed;
  res.status(200);
  res.set('Content-Type', MEDIA_TYPES[format]);
  res.set('Content-Disposition', attachment(exportFileName(filters, format)));
  res.set('X-Content-Type-Options', 'nosniff');
  try {
    await auditedExport(
      { db: c.db, databasePath: c.config.databasePath, format, filters, service: true, actor: actorOf(res), clock: c.clock, destination: 'download' },
      res,
    );
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

export function adminExportRoutes(c: Container): Router {
  const router = Router();
  router.use(['/export', '/erase'], requireAdmin);
  router.get('/export', (req, res) => exportPage(c, req, res));
  // A download writes to the audit log: only from our own pages (or typed in), never a link on another site.
  router.get('/export/download', (req, res) => {
    const site = req.get('sec-fetch-site');
    if (site && site !== 'same-origin' && site !== 'none') {
      throw new AppError(403, 'cross_site', 'Start exports from the export page.');
    }
    return download(c, req, res);
  });

  router.get('/erase', (req, res) => renderStaff(req, res, 200, 'admin/erase', { nav: 'erase', email: '', matches: null }));
  router.post('/erase', ...staffForm, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const step = body.step;
    let email: string;
    try {
      email = checkEmail(body.email);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return renderStaff(req, res, 400, 'admin/erase', {
        nav: 'erase', email: typeof body.email === 'string' ? body.email : '', matches: null, error: err.message,
      });
    }
    if (step === 'subject') {
      const doc = subjectExport(c.db, email, { actor: actorOf(res), now: c.clock() });
      res.set('Content-Disposition', attachment('reprise-subject-access-export.json'));
      return res.type('application/json').send(`${JSON.stringify(doc, null, 2)}\n`);
    }
    if (step === 'erase') {
      if (body.confirm !== 'yes') {
        return renderStaff(req, res, 400, 'admin/erase', {
          nav: 'erase', email, matches: retentionRepo(c.db).byEmail(email),
          error: 'Tick the box to confirm: erasure cannot be undone.',
        });
      }
      const result = erasePerson(c.db, email, { actor: actorOf(res), now: c.clock() });
      if (!result.walCheckpointed) c.logger.info('erasure: WAL checkpoint deferred by a reader (Litestream checkpoints within about a minute)');
      return renderStaff(req, res, 200, 'admin/erase-done', { nav: 'erase', result });
    }
    if (step !== 'review') throw new AppError(400, 'bad_step', 'Unknown step; start again from the erasure page.');
    return renderStaff(req, res, 200, 'admin/erase', { nav: 'erase', email, matches: retentionRepo(c.db).byEmail(email) });
  });
  return router;
}
