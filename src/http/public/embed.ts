// GET /licensing/embed.js: the footer snippet's script, loaded by article pages on the publisher's own sites, so it
// is the one response other origins may use (Cross-Origin-Resource-Policy), cached for an hour.
import type { RequestHandler } from 'express';
import { projectPath } from '../../paths.js';

export const embedScript: RequestHandler = (_req, res, next) => {
  res.set({ 'Cross-Origin-Resource-Policy': 'cross-origin', 'Cache-Control': 'public, max-age=3600' });
  res.type('text/javascript').sendFile(projectPath('public/js/embed.js'), (error) => error && next(error));
};
