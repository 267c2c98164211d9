// The desk's routes, all behind requireStaff: sign-in (./staff-auth.ts), the
// request queue, one request's page and its workflow actions.
import { Router } from 'express';
import type { Container } from '../../container.js';
import { requireStaff } from '../core/middleware/auth.js';
import { staffAuthRoutes } from './sign-in.js';
import { queueHandler } from './queue.js';
import { staffRequestRoutes } from './request-page.js';
import { staffMailRoutes } from './mail.js';
import { staffErrors } from './render.js';
import { notFound } from '../../errors.js';

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
