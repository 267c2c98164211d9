// The desk's routes, all behind requireStaff: sign-in (./staff-auth.ts), the
// request queue, one request's page and its workflow actions.
import { Router } from 'express';
import type { Container } from '../container.js';
import { requireStaff } from './middleware/auth.js';
import { staffAuthRoutes } from './staff-auth.js';
import { renderStaff } from './staff-render.js';

export function staffRoutes(c: Container): Router {
  const router = Router();
  router.use(staffAuthRoutes(c));
  router.use('/staff', requireStaff);
  router.get('/staff', (_req, res) => res.redirect(303, '/staff/requests'));
  router.get('/staff/requests', (req, res) => renderStaff(req, res, 200, 'staff/queue', { nav: 'requests' }));
  return router;
}
