// Picks the page language (footer ?lang=, the user's choice, Accept-Language, English)
// and puts it in res.locals for the views and the error handler.
import type { RequestHandler } from 'express';
import { parseCookie } from 'cookie';
import type { Locale } from '../../../domain/request.js';
import { localeFromAcceptLanguage, negotiateLocale } from '../../../i18n/index.js';
import { remember } from '../../../memo/bounded-memo.js';

export const LANG_COOKIE = 'reprise_lang';

/** Accept-Language → locale, kept, bounded in entries and header length (docs/internals.md#memos). */
const remembered = new Map<string, Locale>();
const MAX_REMEMBERED = 500;
const MAX_REMEMBERED_LENGTH = 256;

function rememberedLocale(header: string | undefined): Locale {
  if (!header) return 'en';
  if (header.length > MAX_REMEMBERED_LENGTH) return localeFromAcceptLanguage(header);
  return remember(remembered, header, MAX_REMEMBERED, () => localeFromAcceptLanguage(header));
}

export const localeMiddleware: RequestHandler = (req, res, next) => {
  // Neither the query nor the cookies are parsed when they cannot hold a choice.
  const cookie = req.headers.cookie;
  const chosen = cookie?.includes(LANG_COOKIE) ? parseCookie(cookie)[LANG_COOKIE] : undefined;
  const query = req.url.includes('lang=') ? req.query.lang : undefined;
  res.locals.locale = negotiateLocale(query, chosen, req.headers['accept-language'], rememberedLocale);
  res.vary('Accept-Language');
  next();
};
