// Picks the page language (footer ?lang=, the user's choice, Accept-Language, English)
// and puts it in res.locals for the views and the error handler.
import type { RequestHandler } from 'express';
import { parse as parseCookie } from 'cookie';
import { negotiateLocale } from '../../i18n/index.js';

export const LANG_COOKIE = 'reprise_lang';

export const localeMiddleware: RequestHandler = (req, res, next) => {
  const cookies = parseCookie(req.headers.cookie ?? '');
  res.locals.locale = negotiateLocale(req.query.lang, cookies[LANG_COOKIE], req.headers['accept-language']);
  res.vary('Accept-Language');
  next();
};
