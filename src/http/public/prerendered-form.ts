// The blank licensing form (GET /licensing) is the same page for every reader of a language except for the
// form token and the footer link's article URL and title. It is rendered once per language with a marker in
// those places, which a page view fills in, escaped as the template escapes. See docs/internals.md#prerendered-form.
import type { Eta } from 'eta';
import type { Locale } from '../../domain/request.js';

/** Private-use characters: the template never escapes them, and no translation contains them. */
const marker = (name: string) => `\uE000${name}\uE001`;
const SLOTS = ['token', 'url', 'title'] as const;
type Slot = (typeof SLOTS)[number];
export type Fill = Record<Slot, string>;

interface Shell {
  /** The page cut at each marker: parts[i], then the value of slots[i], then parts[i + 1]…, as UTF-8 bytes. */
  parts: Buffer[];
  slots: Slot[];
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
  return { parts: parts.map((part) => Buffer.from(part, 'utf8')), slots };
}

/**
 * The form page for `locale` with `fill` in place, as pieces to send in turn. `render` renders it with MARKERS
 * as values: once per language when the engine caches templates, else on every call (development).
 */
export function prerenderedForm(engine: Eta, locale: Locale, fill: Fill, render: () => string): Buffer[] {
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
  return pieces;
}
