// The desk's routes, all behind requireStaff: sign-in (./staff-auth.ts), the
// request queue, one request's page and its workflow actions.
import { Router } from 'express';
import type { Container } from '../container.js';
import { requireStaff } from './middleware/auth.js';
import { staffAuthRoutes } from './staff-auth.js';
import { queueHandler } from './staff-queue.js';
import { staffRequestRoutes } from './staff-request.js';
import { staffMailRoutes } from './staff-mail.js';
import { staffErrors } from './staff-render.js';
import { notFound } from '../errors.js';

export function staffRoutes(c: Container): Router {
  const router = Router();
  router.use(staffAuthRoutes(c));
  router.use('/staff', requireStaff);
  router.get('/staff', (_req, res) => res.redirect(303, '/staff/requests'));
  router.get('/staff/requests', queueHandler(c));
  router.use(staffRequestRoutes(c));
  router.use(staffMailRoutes(c));
  router.use('/staff', () => {
    throw notFound();
  });
  router.use(staffErrors);
  return router;
}
