// Liveness for load balancers and monitors: 200 only when the database answers
// and every migration shipped with this build has been applied.
import { Router } from 'express';
import type { Container } from '../container.js';
import { appliedVersions } from '../db/migrate.js';

export function healthRoutes(c: Container): Router {
  const router = Router();
  const ping = c.db.prepare('SELECT 1 AS ok');
  router.get('/healthz', (_req, res) => {
    try {
      ping.get();
      const applied = appliedVersions(c.db);
      const pending = c.migrations.filter((m) => !applied.has(m.version)).map((m) => m.name);
      if (pending.length) return res.status(503).json({ status: 'error', database: 'ok', pendingMigrations: pending });
      res.set('Cache-Control', 'no-store').json({ status: 'ok', database: 'ok' });
    } catch {
      res.status(503).json({ status: 'error', database: 'unreachable' });
    }
  });
  return router;
}
