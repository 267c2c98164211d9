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
 * address from a footer link are one link, for the schema's `uri` format and for duplicates. */
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
      const text = (ASCII.test(node) ? node : node.normalize('NFC')).trim();
      // Checked as typed: a control character percent-encoded in a link would pass unseen.
      if (CONTROL.test(text) || (!MULTILINE.has(path) && LINE_BREAK.test(text))) {
        issues.push({ path, key: MULTILINE.has(path) ? 'controlChars' : 'controlCharsSingleLine', params: {} });
        return text;
      }
      return LINK.test(path) ? browserLink(text) : text;
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

/** An http(s) address as a browser writes it (path and query percent-encoded in UTF-8 with capital escapes, the host
 * in punycode and lower case); one with a user or password, or that does not parse, as it came, for the schema. */
function browserLink(text: string): string {
  if (!/^https?:\/\/\S+$/i.test(text)) return text;
  const parsed = URL.parse(text);
  if (!parsed || parsed.username || parsed.password) return text;
  return parsed.href.replace(/%[0-9a-f]{2}/g, (escape) => escape.toUpperCase());
}
