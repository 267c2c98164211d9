// Text is normalised (Unicode NFC, trimmed) before validation, and characters
// that have no business in a form field are refused: C0/C1 controls (NUL, ESC…)
// and the bidi embedding/override/isolate controls that can disguise text.
// Line breaks and tabs are allowed only where a field is multi-line.
import type { ValidationIssue } from './issues.js';

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFEFF]/;
const LINE_BREAK = /[\r\n\t\u2028\u2029]/;
/** JSON Pointers of fields where line breaks are welcome. */
const MULTILINE = new Set(['/message']);
const MAX_DEPTH = 16;

export interface NormaliseResult {
  value: unknown;
  issues: ValidationIssue[];
}

const escapePointer = (key: string) => (/[~/]/.test(key) ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key);
/** ASCII text is already in NFC; asking ICU to normalise it cost more than the rest of the walk. */
const ASCII = /^[\x00-\x7F]*$/;

export function normalise(input: unknown): NormaliseResult {
  const issues: ValidationIssue[] = [];
  const walk = (v: unknown, path: string, depth: number): unknown => {
    if (depth > MAX_DEPTH) {
      issues.push({ path, key: 'tooDeep', params: {} });
      return null;
    }
    if (typeof v === 'string') {
      const s = (ASCII.test(v) ? v : v.normalize('NFC')).trim();
      if (CONTROL.test(s) || (!MULTILINE.has(path) && LINE_BREAK.test(s))) {
        issues.push({ path, key: MULTILINE.has(path) ? 'controlChars' : 'controlCharsSingleLine', params: {} });
      }
      return s;
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${path}/${i}`, depth + 1));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        const value = walk(item, `${path}/${escapePointer(k)}`, depth + 1);
        // A "__proto__" key is defined as an own property: it stays a plain (and later
        // refused) field instead of changing the prototype, as assignment would.
        if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
        else out[k] = value;
      }
      return out;
    }
    return v;
  };
  const value = walk(input, '', 0);
  return { value, issues };
}
