// GET /healthz for load balancers and monitors: 200 when the service can do its work, else 503
// saying why (the database, a pending migration, a store out of space).
import type { Request, Response } from 'express';
import type { Services } from '../../services/services.js';

export const healthCheck = (services: Services) => (_req: Request, res: Response) => {
  const report = services.health.check();
  res.set('Cache-Control', 'no-store');
  res.status(report.healthy ? 200 : 503).json(report.body);
};
