// Messages, locale choice and Intl formatting for the three locales a requester may read.
import type { Locale } from '../domain/request.js';
import { remember } from '../memo/bounded-memo.js';
import en, { type Catalog, type MessageKey } from './en.js';
import fr from './fr.js';
import ar from './ar.js';
import { readableLink } from './readable-link.js';

export type { MessageKey };
const LOCALES: readonly Locale[] = ['en', 'fr', 'ar'];
const RTL_LOCALES: ReadonlySet<Locale> = new Set(['ar']);

const catalogs: Readonly<Record<Locale, Catalog>> = { en, fr, ar };

export const isLocale = (value: unknown): value is Locale =>
  typeof value === 'string' && (LOCALES as string[]).includes(value);

/**
 * Messages with placeholders, cut once: even pieces are text, odd ones names ("Article {index}: {title}" →
 * ["Article ", "index", ": ", "title", ""]). Keyed by the message itself, so bounded by the catalogs.
 */
const cutTemplates = new Map<string, string[]>();

function cutTemplate(template: string, fromCatalog: boolean): string[] {
  let pieces = cutTemplates.get(template);
  if (!pieces) {
    pieces = template.split(/\{(\w+)\}/);
    // Only catalog messages are kept: a key with no message comes back as itself, and some keys hold what a
    // client sent (an unknown field's name), which would let anyone fill memory.
    if (fromCatalog) cutTemplates.set(template, pieces);
  }
  return pieces;
}

export function translate(locale: Locale, key: MessageKey | string, params: Record<string, unknown> = {}): string {
  const message = (catalogs[locale] as Record<string, string>)[key] ?? (en as Record<string, string>)[key];
  const template = message ?? key;
  // Most messages have no placeholder (labels, enum names): nothing to fill in.
  if (!template.includes('{')) return template;
  const pieces = cutTemplate(template, message !== undefined);
  let out = pieces[0]!;
  for (let i = 1; i < pieces.length; i += 2) {
    const name = pieces[i]!;
    out += (name in params ? String(params[name]) : `{${name}}`) + pieces[i + 1]!;
  }
  return out;
}

/** The locale from the footer link's ?lang=, the user's own choice (cookie), Accept-Language, else English. */
export function negotiateLocale(
  query: unknown,
  chosen: unknown,
  acceptLanguage: string | undefined,
  fromHeader: (acceptLanguage: string | undefined) => Locale = localeFromAcceptLanguage,
): Locale {
  if (isLocale(query)) return query;
  if (isLocale(chosen)) return chosen;
  return fromHeader(acceptLanguage);
}

/** The best-ranked of our locales in an Accept-Language header, else English. */
export function localeFromAcceptLanguage(acceptLanguage: string | undefined): Locale {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...rest] = part.trim().split(';');
      const weight = rest.find((parameter) => parameter.trim().startsWith('q='));
      return { lang: tag.trim().toLowerCase().split('-')[0], q: weight ? Number(weight.trim().slice(2)) || 0 : 1 };
    })
    .filter((language) => language.q > 0)
    .sort((a, b) => b.q - a.q);
  return (ranked.find((language) => isLocale(language.lang))?.lang as Locale | undefined) ?? 'en';
}

const helpers = new Map<Locale, ReturnType<typeof buildHelpers>>();

/** A bag of helpers for one locale, handed to views and email builders (built once per locale). */
export function i18nFor(locale: Locale) {
  let localeHelpers = helpers.get(locale);
  if (!localeHelpers) helpers.set(locale, (localeHelpers = buildHelpers(locale)));
  return localeHelpers;
}

/** The publisher is British: English dates read "1 March 2027", not "March 1, 2027". */
const INTL_TAG: Record<Locale, string> = { en: 'en-GB', fr: 'fr-FR', ar: 'ar' };

/** Formatted numbers and amounts, kept per locale up to a bound (docs/internals.md#memos). */
const MAX_REMEMBERED = 2_000;
function remembered<K>(cache: Map<K, string>, key: K, value: number, format: () => string): string {
  // -0 formats as "-0" but is the same Map key (and the same text in a key) as 0: not kept.
  return Object.is(value, -0) ? format() : remember(cache, key, MAX_REMEMBERED, format);
}

function buildHelpers(locale: Locale) {
  const tag = INTL_TAG[locale];
  const numbers = new Map<number, string>();
  const amounts = new Map<string, string>();
  const numberFormat = new Intl.NumberFormat(tag);
  const regionNames = new Intl.DisplayNames([tag], { type: 'region' });
  const languageNames = new Intl.DisplayNames([tag], { type: 'language' });
  const dateFormat = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone: 'UTC' });
  const dateTimeFormat = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
  // One formatter per currency (from the rate card), kept: building one costs more than a whole quote.
  const moneyFormats = new Map<string, { format: Intl.NumberFormat; scale: number }>();
  const moneyFormat = (currency: string) => {
    let money = moneyFormats.get(currency);
    if (!money) {
      const format = new Intl.NumberFormat(tag, { style: 'currency', currency });
      money = { format, scale: 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2) };
      moneyFormats.set(currency, money);
    }
    return money;
  };
  return {
    locale,
    dir: RTL_LOCALES.has(locale) ? 'rtl' : 'ltr',
    t: (key: MessageKey | string, params?: Record<string, unknown>) => translate(locale, key, params),
    number: (value: number) => remembered(numbers, value, value, () => numberFormat.format(value)),
    money: (minor: number, currency: string) =>
      remembered(amounts, `${currency} ${minor}`, minor, () => {
        const { format, scale } = moneyFormat(currency);
        if (!RTL_LOCALES.has(locale)) return format.format(minor / scale);
        // A symbol like "UK£" is Latin letters and a neutral sign: in a right-to-left line the sign
        // would move to the wrong side ("£UK"), so the symbol is isolated as left-to-right text.
        return format
          .formatToParts(minor / scale)
          .map((part) => (part.type === 'currency' ? `\u2066${part.value}\u2069` : part.value))
          .join('');
      }),
    /** A YYYY-MM-DD date (or ISO timestamp) in words, e.g. "1 March 2027". */
    date: (iso: string) => dateFormat.format(new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso)),
    /** An ISO timestamp as a date and time, in UTC and saying so: "3 Dec 2026, 17:49 UTC". */
    dateTime: (iso: string) => `${dateTimeFormat.format(new Date(iso))} UTC`,
    country: (code: string) => regionNames.of(code) ?? code,
    /** Between a label and its value: French puts a narrow no-break space before the colon. */
    colon: locale === 'fr' ? '\u202f: ' : ': ',
    /** Latin text (a credit line, an address) inside a right-to-left line keeps its order: isolated in Arabic. */
    isolate: (text: string) => (RTL_LOCALES.has(locale) ? `\u2068${text}\u2069` : text),
    /** A stored link as a person reads it: its letters, not their %XX codes (an href keeps the stored form). */
    link: readableLink,
    /** Items of a list, with the comma the language writes (Arabic's is "،"). */
    list: (items: readonly string[]) => items.join(locale === 'ar' ? '، ' : ', '),
    language: (code: string) => languageNames.of(code) ?? code,
  };
}

export type I18n = ReturnType<typeof buildHelpers>;
