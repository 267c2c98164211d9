// The sign-in page as every way into the desk shows it: the password form (unless single sign-on is required),
// "Sign in with <provider>" when one is configured, and "Sign in with a passkey" where the browser can.
import type { Request, Response } from 'express';
import type { Config } from '../../config.js';
import { renderDesk } from './render.js';

export const PASSKEY_SCRIPTS = ['/assets/vendor/simplewebauthn-browser.js', '/assets/js/passkeys.js'];

export type LoginPage = (req: Request, res: Response, status: number, data?: Record<string, unknown>) => void;

export function loginPage(config: Pick<Readonly<Config>, 'oidc' | 'ssoRequired'>): LoginPage {
  return (req, res, status, data = {}) =>
    renderDesk(req, res, status, 'staff/login', {
      email: '',
      next: '',
      error: null,
      notice: null,
      sso: config.oidc ? { name: config.oidc.name } : null,
      ssoOnly: config.ssoRequired,
      scripts: config.ssoRequired ? [] : PASSKEY_SCRIPTS,
      ...data,
    });
}
