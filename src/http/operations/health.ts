// Liveness for load balancers and monitors: 200 only when the database answers,
// every migration shipped with this build has been applied, and neither the database
// nor the mail folder is refusing writes for lack of space (then 503, naming the store).
import { Router } from 'express';
import type { Container } from '../../container.js';
import { appliedVersions } from '../../db/migrate.js';
import { STORES, type FullStore } from '../../storage-condition.js';

export function healthRoutes(c: Container): Router {
  const router = Router();
  const ping = c.db.prepare('SELECT 1 AS ok');
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    try {
      ping.get();
      const applied = appliedVersions(c.db);
      const pending = c.migrations.filter((m) => !applied.has(m.version)).map((m) => m.name);
      if (pending.length) return res.status(503).json({ status: 'error', database: 'ok', pendingMigrations: pending });
    } catch {
      return res.status(503).json({ status: 'error', database: 'unreachable' });
    }
    const full: Partial<Record<(typeof STORES)[number], FullStore>> = {};
    for (const store of STORES) {
      const state = c.storage.full(store);
      if (state) full[store] = state;
    }
    const stores = { database: full.database ? 'full' : 'ok', mail: full.mail ? 'full' : 'ok' };
    if (!full.database && !full.mail) return res.json({ status: 'ok', ...stores });
    const storageFull = Object.fromEntries(
      Object.entries(full).map(([store, s]) => [store, { since: s.since.toISOString(), refusedWrites: s.refused, code: s.code }]),
    );
    const names = Object.keys(full).map((s) => (s === 'mail' ? 'the mail folder' : 'the database'));
    res.status(503).json({
      status: 'error',
      ...stores,
      storageFull,
      message: `Out of storage space: ${names.join(' and ')} cannot be written to. Free some space; the service recovers by itself.`,
    });
  });
  return router;
}
