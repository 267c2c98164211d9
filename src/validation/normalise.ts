// Text is normalised (Unicode NFC, trimmed) before validation, and characters with no business in a form
// field are refused: C0/C1 controls and the bidi controls that can disguise text. Line breaks and tabs are
// allowed only where a field is multi-line.
import type { ValidationIssue } from './issues.js';

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFEFF]/;
const LINE_BREAK = /[\r\n\t\u2028\u2029]/;
/** JSON Pointers of fields where line breaks are welcome. */
const MULTILINE = new Set(['/message']);
const MAX_DEPTH = 16;
/** Links, kept as browsers write them: an article address typed with accents or Arabic letters and the same
 * address from a footer link (always ASCII) are one link, for the schema's `uri` format and for duplicates. */
const LINK = /^\/articles\/\d+\/url$|^\/organisation\/website$/;

export interface NormaliseResult {
  value: unknown;
  issues: ValidationIssue[];
}

const escapePointer = (key: string) => (/[~/]/.test(key) ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key);
/** ASCII text is already in NFC, and asking ICU to normalise it is costly (docs/internals.md#memos). */
const ASCII = /^[\x00-\x7F]*$/;

export function normalise(input: unknown): NormaliseResult {
  const issues: ValidationIssue[] = [];
  const walk = (node: unknown, path: string, depth: number): unknown => {
    if (depth > MAX_DEPTH) {
      issues.push({ path, key: 'tooDeep', params: {} });
      return null;
    }
    if (typeof node === 'string') {
      let text = (ASCII.test(node) ? node : node.normalize('NFC')).trim();
      if (!ASCII.test(text) && LINK.test(path)) text = asciiLink(text);
      if (CONTROL.test(text) || (!MULTILINE.has(path) && LINE_BREAK.test(text))) {
        issues.push({ path, key: MULTILINE.has(path) ? 'controlChars' : 'controlCharsSingleLine', params: {} });
      }
      return text;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${path}/${i}`, depth + 1));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) {
        const value = walk(item, `${path}/${escapePointer(key)}`, depth + 1);
        // A "__proto__" key is defined as an own property: it stays a plain (and later refused) field
        // instead of changing the prototype, as assignment would.
        if (key === '__proto__') {
          Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        } else out[key] = value;
      }
      return out;
    }
    return node;
  };
  const value = walk(input, '', 0);
  return { value, issues };
}

/** An http(s) address with letters beyond ASCII as its ASCII form (path and query percent-encoded in UTF-8, the
 * host in punycode); anything else as it came, for the schema to judge. */
function asciiLink(text: string): string {
  if (!/^https?:\/\/\S+$/i.test(text)) return text;
  return URL.parse(text)?.href ?? text;
}
