// The blank licensing form (GET /licensing) is the same page for every reader of a language except for the
// form token and the footer link's article URL and title. It is rendered once per language with a marker in
// those places, which a page view fills in, escaped as the template escapes. See docs/internals.md#prerendered-form.
import type { Eta } from 'eta';
import type { Locale } from '../../domain/request.js';
import { remember } from '../../memo/bounded-memo.js';
import { deflateRaw, gzipMember } from './gzip-pieces.js';

/** Private-use characters: the template never escapes them, and no translation contains them. */
const marker = (name: string) => `\uE000${name}\uE001`;
const SLOTS = ['token', 'url', 'title'] as const;
type Slot = (typeof SLOTS)[number];
export type Fill = Record<Slot, string>;

interface Shell {
  /** The page cut at each marker: parts[i], then the value of slots[i], then parts[i + 1]…, as UTF-8 bytes. */
  parts: Buffer[];
  slots: Slot[];
  /** Compressed for gzip: what comes before the token, once; what follows it, once per article prefilled. */
  gzipHead?: Buffer;
  gzipRests: Map<string, Buffer>;
}

export interface FormPage {
  /** The page as pieces to send in turn. */
  pieces: Buffer[];
  /** The same page as one gzip member, in pieces: only the token is compressed on every view. */
  gzipped(): Buffer[];
}

const shells = new WeakMap<Eta, Map<Locale, Shell>>();

/** The values to put where the markers are, for rendering the shell through the template. */
export const MARKERS: Fill = { token: marker('token'), url: marker('url'), title: marker('title') };

function cut(html: string): Shell {
  const pattern = new RegExp(SLOTS.map((slot) => MARKERS[slot]).join('|'), 'g');
  const parts: string[] = [];
  const slots: Slot[] = [];
  let last = 0;
  for (const match of html.matchAll(pattern)) {
    parts.push(html.slice(last, match.index));
    slots.push(SLOTS.find((slot) => MARKERS[slot] === match[0])!);
    last = match.index + match[0].length;
  }
  parts.push(html.slice(last));
  for (const slot of SLOTS) {
    const count = slots.filter((found) => found === slot).length;
    if (count !== 1) throw new Error(`The form page has the "${slot}" marker ${count} times, not once`);
  }
  if (slots[0] !== 'token') throw new Error('The form token must come before the article in the form page');
  return { parts: parts.map((part) => Buffer.from(part, 'utf8')), slots, gzipRests: new Map() };
}

/**
 * The form page for `locale` with `fill` in place. `render` renders it with MARKERS as values: once per language
 * when the engine caches templates, else on every call (development).
 */
export function prerenderedForm(engine: Eta, locale: Locale, fill: Fill, render: () => string): FormPage {
  let perLocale = shells.get(engine);
  if (!perLocale) shells.set(engine, (perLocale = new Map()));
  let shell = perLocale.get(locale);
  if (!shell) {
    shell = cut(render());
    if (engine.config.cache) perLocale.set(locale, shell);
  }
  const escape = engine.config.escapeFunction;
  const pieces = [shell.parts[0]];
  for (let i = 0; i < shell.slots.length; i++) {
    pieces.push(Buffer.from(escape(fill[shell.slots[i]]), 'utf8'), shell.parts[i + 1]);
  }
  const fixed = shell;
  return {
    pieces,
    gzipped() {
      // The token, first (cut() checks), is the one value that changes on every view: what follows it changes only
      // with the article a footer link names, and is compressed once per article.
      fixed.gzipHead ??= deflateRaw(fixed.parts[0], 9);
      const rest = remember(fixed.gzipRests, `${fill.url}\n${fill.title}`, 256, () =>
        deflateRaw(Buffer.concat(pieces.slice(2)), 6),
      );
      return gzipMember([fixed.gzipHead, deflateRaw(pieces[1], 1), rest], pieces);
    },
  };
}
