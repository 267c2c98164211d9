// Admin pages (users, rate card), all behind requireAdmin; mounted at /admin.
import { Router } from 'express';
import type { Container } from '../container.js';
import { requireAdmin } from './middleware/auth.js';

export function adminRoutes(_c: Container): Router {
  const router = Router();
  router.use(requireAdmin);
  router.get('/', (_req, res) => res.redirect(303, '/admin/users'));
  return router;
}
