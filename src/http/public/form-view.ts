// What the licensing form template needs: the user's values (or the footer link's prefill), errors keyed by
// field, and option lists in the page language.
import type { FieldError } from '../../errors.js';
import type { FormOptions } from '../../services/form-options.js';
import { MAX_ARTICLE_ROWS } from './form-to-request.js';
import { readableLink } from '../../i18n/readable-link.js';

/** The honeypot: hidden from people (CSS, aria-hidden, tabindex -1); bots fill it in. */
export const HONEYPOT_FIELD = 'nickname';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => ENTITIES[character]!);
const optionHtml = new WeakMap<object, string>();

/** A select's <option>s, the chosen marked; only enum codes are looked up, so no value adds markup. */
export function optionTags(options: { value: string; label: string }[], value: unknown): string {
  let html = optionHtml.get(options);
  if (html === undefined) {
    html = options
      .map((option) => `<option value="${escapeHtml(option.value)}">${escapeHtml(option.label)}</option>`)
      .join('\n');
    optionHtml.set(options, html);
  }
  for (const chosen of ([] as unknown[]).concat(value ?? []).map(String)) {
    if (/^[A-Za-z_]{1,40}$/.test(chosen)) {
      html = html.replace(`<option value="${chosen}">`, `<option value="${chosen}" selected>`);
    }
  }
  return html;
}

/** The error summary lists problems in the order the fields appear on the page. */
const FIELD_ORDER = [
  '/form',
  '/requester',
  '/organisation',
  '/articles',
  '/usage/medium',
  '/usage/territory',
  '/usage/countries',
  '/usage/language',
  '/usage/translation',
  '/usage/audience',
  '/usage/startDate',
  '/usage/durationMonths',
  '/usage/exclusive',
  '/usage/commercial',
  '/usage/images',
  '/usage',
  '/message',
  '/consent',
];
const rank = (path: string) => {
  const position = FIELD_ORDER.findIndex((field) => path === field || path.startsWith(`${field}/`));
  return position === -1 ? FIELD_ORDER.length : position;
};

/** JSON Pointer → the HTML id of its control ("/articles/0/url" → "f-articles-0-url"). */
const fieldId = (path: string) => `f${path.replace(/\//g, '-')}`;

function errorsView(errors: FieldError[]) {
  const sorted = errors.map((error, i) => ({ ...error, i })).sort((a, b) => rank(a.path) - rank(b.path) || a.i - b.i);
  const byPath: Record<string, string> = {};
  for (const error of sorted) byPath[error.path] ??= error.message;
  return { list: sorted.map((error) => ({ ...error, id: fieldId(error.path) })), byPath };
}

/** Footer-link prefill: only a well-formed http(s) URL and a plain one-line title are taken. */
export function prefillFromQuery(query: Record<string, unknown>) {
  const url = typeof query.url === 'string' ? query.url.trim() : '';
  const title = typeof query.title === 'string' ? query.title.normalize('NFC').trim() : '';
  // URL.parse answers null, not an exception, for a missing or malformed link: a throw is costly per view.
  const parsed = url && url.length <= 2048 ? URL.parse(url) : null;
  // Shown as a person reads it (an article in French or Arabic with its letters); the form stores it as sent.
  const safeUrl =
    parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:') ? readableLink(parsed.href) : undefined;
  const controls = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
  const safeTitle = title.length <= 300 && !controls.test(title) ? title : '';
  return { articles: [{ url: safeUrl, title: safeTitle || undefined, portion: 'full' }] };
}

/** Everything the form template needs besides the common page data. */
export function formViewData(
  options: FormOptions,
  values: Record<string, unknown>,
  errors: FieldError[],
  token: string,
) {
  return {
    values,
    errors: errorsView(errors),
    options,
    token,
    fieldId,
    optionTags,
    honeypot: HONEYPOT_FIELD,
    maxArticles: MAX_ARTICLE_ROWS,
  };
}
