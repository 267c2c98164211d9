// Every request's latency in the metrics, labelled by its route pattern, never the raw path: tokens and
// references must not become labels.
import type { RequestHandler } from 'express';
import type { Metrics } from '../../../services/metrics.js';

export const requestTiming =
  (metrics: Metrics): RequestHandler =>
  (req, res, next) => {
    const end = metrics.timeRequest();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
