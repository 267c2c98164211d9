// GET /metrics (Prometheus); with METRICS_TOKEN set, only for `Authorization: Bearer <token>`.
import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import type { Metrics } from '../../services/metrics.js';

/** Constant-time comparison, so response timing does not reveal how much of a token was right. */
function sameSecret(given: string, expected: string): boolean {
  const givenHash = crypto.createHash('sha256').update(given).digest();
  const expectedHash = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(givenHash, expectedHash);
}

export function metricsEndpoint(metrics: Metrics, token: string | null) {
  return async (req: Request, res: Response) => {
    if (token && !sameSecret(req.get('authorization') ?? '', `Bearer ${token}`)) {
      res.status(401).set('WWW-Authenticate', 'Bearer').type('text').send('Unauthorized');
      return;
    }
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}
