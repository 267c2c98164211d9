// What the licensing form template needs: the user's values (or the footer
// link's prefill), errors keyed by field, and option lists in the page language.
import type { FieldError } from '../../errors.js';
import type { FormOptions } from '../../services/form-options.js';
import { MAX_ARTICLE_ROWS } from './form-to-request.js';

/** The honeypot: hidden from people (CSS, aria-hidden, tabindex -1); bots fill it in. */
export const HONEYPOT_FIELD = 'nickname';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const optionHtml = new WeakMap<object, string>();

/**
 * The <option>s of a select, the chosen ones marked. The lists are fixed per locale,
 * so their HTML is built once: rendering ~700 countries and languages option by option
 * through the template was the largest cost of a form page. Only enum codes are ever
 * looked up, so a submitted value can select an option but never add markup.
 */
export function optionTags(options: { value: string; label: string }[], value: unknown): string {
  let html = optionHtml.get(options);
  if (html === undefined) {
    html = options.map((o) => `<option value="${escapeHtml(o.value)}">${escapeHtml(o.label)}</option>`).join('\n');
    optionHtml.set(options, html);
  }
  for (const v of ([] as unknown[]).concat(value ?? []).map(String)) {
    if (/^[A-Za-z_]{1,40}$/.test(v)) html = html.replace(`<option value="${v}">`, `<option value="${v}" selected>`);
  }
  return html;
}

/** The error summary lists problems in the order the fields appear on the page. */
const FIELD_ORDER = [
  '/form', '/requester', '/organisation', '/articles', '/usage/medium', '/usage/territory', '/usage/countries',
  '/usage/language', '/usage/translation', '/usage/audience', '/usage/startDate', '/usage/durationMonths',
  '/usage/exclusive', '/usage/commercial', '/usage/images', '/usage', '/message', '/consent',
];
const rank = (path: string) => {
  const i = FIELD_ORDER.findIndex((p) => path === p || path.startsWith(`${p}/`));
  return i === -1 ? FIELD_ORDER.length : i;
};

/** JSON Pointer → the HTML id of its control ("/articles/0/url" → "f-articles-0-url"). */
const fieldId = (path: string) => `f${path.replace(/\//g, '-')}`;

function errorsView(errors: FieldError[]) {
  const sorted = errors.map((e, i) => ({ ...e, i })).sort((a, b) => rank(a.path) - rank(b.path) || a.i - b.i);
  const byPath: Record<string, string> = {};
  for (const e of sorted) byPath[e.path] ??= e.message;
  return { list: sorted.map((e) => ({ ...e, id: fieldId(e.path) })), byPath };
}

/** Footer-link prefill: only a well-formed http(s) URL and a plain one-line title are taken. */
export function prefillFromQuery(query: Record<string, unknown>) {
  const url = typeof query.url === 'string' ? query.url.trim() : '';
  const title = typeof query.title === 'string' ? query.title.normalize('NFC').trim() : '';
  // URL.parse is null, not an exception, for a missing or malformed link (throwing cost a page view ~5 %).
  const u = url && url.length <= 2048 ? URL.parse(url) : null;
  const safeUrl = u && (u.protocol === 'http:' || u.protocol === 'https:') ? u.href : undefined;
  const safeTitle = title.length <= 300 && !/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/.test(title) ? title : '';
  return { articles: [{ url: safeUrl, title: safeTitle || undefined, portion: 'full' }] };
}

/** Everything the form template needs besides the common page data. */
export function formViewData(options: FormOptions, values: Record<string, unknown>, errors: FieldError[], token: string) {
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
