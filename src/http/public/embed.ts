// GET /licensing/embed.js: the footer snippet's script, loaded by article pages on the publisher's own sites, so it
// is the one response other origins may use (Cross-Origin-Resource-Policy), cached for an hour. The form's address
// is written into it here, once.
import fs from 'node:fs';
import type { RequestHandler } from 'express';
import { projectPath } from '../../paths.js';

export function embedScript(publicBaseUrl: string): RequestHandler {
  const script = fs
    .readFileSync(projectPath('public/js/embed.js'), 'utf8')
    .replace("'__REPRISE_FORM__'", JSON.stringify(`${publicBaseUrl}/licensing`));
  return (_req, res) => {
    res.set({ 'Cross-Origin-Resource-Policy': 'cross-origin', 'Cache-Control': 'public, max-age=3600' });
    res.type('text/javascript').send(script);
  };
}
