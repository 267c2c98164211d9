// The blank licensing form (GET /licensing) is the same page for every reader of a
// language except in three places: the form token and the footer link's article URL
// and title. It is rendered once per language with a marker in each of those places,
// and a page view only fills them in, escaped exactly as the template escapes. Going
// through the template for every view (a 42 kB page, ~40 partials) took most of the
// CPU of a form page (bench/RESULTS.md). A test checks that the filled-in page is the
// page the template renders.
import type { Eta } from 'eta';
import type { Locale } from '../../domain/request.js';

/** Private-use characters: the template never escapes them, and no translation contains them. */
const marker = (name: string) => `\uE000${name}\uE001`;
const SLOTS = ['token', 'url', 'title'] as const;
type Slot = (typeof SLOTS)[number];
export type Fill = Record<Slot, string>;

interface Shell {
  /**
   * The page cut at each marker: parts[i], then the value of slots[i], then parts[i + 1]…
   * Kept as UTF-8 bytes: encoding the 42 kB page for every response was the next largest cost.
   */
  parts: Buffer[];
  slots: Slot[];
}

const shells = new WeakMap<Eta, Map<Locale, Shell>>();

/** The values to put where the markers are, for rendering the shell through the template. */
export const MARKERS: Fill = { token: marker('token'), url: marker('url'), title: marker('title') };

function cut(html: string): Shell {
  const pattern = new RegExp(SLOTS.map((s) => MARKERS[s]).join('|'), 'g');
  const parts: string[] = [];
  const slots: Slot[] = [];
  let last = 0;
  for (const m of html.matchAll(pattern)) {
    parts.push(html.slice(last, m.index));
    slots.push(SLOTS.find((s) => MARKERS[s] === m[0])!);
    last = m.index + m[0].length;
  }
  parts.push(html.slice(last));
  for (const s of SLOTS) {
    if (slots.filter((x) => x === s).length !== 1) throw new Error(`The form page has the "${s}" marker ${slots.filter((x) => x === s).length} times, not once`);
  }
  return { parts: parts.map((p) => Buffer.from(p, 'utf8')), slots };
}

/**
 * The form page for `locale` with `fill` in place, as the pieces to send one after another
 * (joining them would copy the whole page for every view). `render` renders the page with MARKERS
 * as its values; it runs once per language when the engine caches templates, and on every
 * call otherwise (development, where templates may change).
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
  for (let i = 0; i < shell.slots.length; i++) pieces.push(Buffer.from(escape(fill[shell.slots[i]]), 'utf8'), shell.parts[i + 1]);
  return pieces;
}
