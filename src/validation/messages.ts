// ValidationIssues → messages a person understands, in their language, keyed by JSON Pointer. The form shows
// them beside each field; the API returns them as problem+json `errors`.
import type { FieldError } from '../errors.js';
import type { Locale } from '../domain/request.js';
import { translate } from '../i18n/index.js';
import en from '../i18n/en.js';
import type { ValidationIssue } from './issues.js';

const BOOLEAN_FIELDS = new Set([
  'organisation.nonProfit',
  'usage.translation',
  'usage.exclusive',
  'usage.commercial',
  'usage.images',
]);
const hasKey = (key: string) => key in en;

/** "/articles/2/url" → "articles.url" (the catalog's field key). */
function fieldKey(path: string): string {
  return path
    .split('/')
    .filter((segment) => segment && !/^\d+$/.test(segment))
    .join('.');
}

function label(locale: Locale, path: string): string {
  const key = fieldKey(path);
  const text = translate(locale, `field.${key}`);
  const index = /^\/articles\/(\d+)\//.exec(path);
  // "field.x" coming back means the path is not a field of ours (an unknown key).
  const name = text === `field.${key}` ? key || translate(locale, 'field.form') : text;
  return index ? `${name} (${translate(locale, 'form.article.legend', { n: Number(index[1]) + 1 })})` : name;
}

function messageKey(issue: ValidationIssue): string {
  const key = fieldKey(issue.path);
  if (issue.key === 'required' && hasKey(`error.required.${key}`)) return `error.required.${key}`;
  if (key === 'usage.countries' && issue.key === 'minItems') {
    return issue.params.limit === 1 ? 'error.countries.single' : 'error.countries.region';
  }
  if (key === 'usage.countries' && issue.key === 'maxItems' && issue.params.limit === 1) {
    return 'error.countries.single';
  }
  if (key === 'articles' && issue.key === 'maxItems') return 'error.articles.maxItems';
  if (issue.key === 'pattern') {
    if (key.endsWith('phone')) return 'error.pattern.phone';
    if (key.endsWith('url') || key.endsWith('website')) return 'error.pattern.url';
  }
  if (issue.key === 'type.boolean' || (issue.key === 'enum' && BOOLEAN_FIELDS.has(key))) return 'error.type.boolean';
  return `error.${issue.key}`;
}

export function describeIssues(issues: ValidationIssue[], locale: Locale): FieldError[] {
  return issues.map((issue) => ({
    path: issue.path,
    message: translate(locale, messageKey(issue), { ...issue.params, field: label(locale, issue.path) }),
  }));
}
