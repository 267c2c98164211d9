// The three catalogs must hold exactly the same keys, and every key must be used
// somewhere in src/ or views/. Most keys appear literally; a few families are built
// at run time (`enum.medium.${v}`, `quote.line.${code}`, `error.required.${field}`…):
// for those, the family's prefix must be built in code and each suffix must be a
// value the schema or the quote engine can really produce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import en from '../../src/i18n/en.js';
import fr from '../../src/i18n/fr.js';
import ar from '../../src/i18n/ar.js';
import { i18nFor, translate } from '../../src/i18n/index.js';
import { ACTIONS, REQUESTER_ACTIONS, STATUSES } from '../../src/domain/workflow.js';

const root = path.resolve(import.meta.dirname, '../..');
const catalogs: Record<string, Record<string, string>> = { en, fr, ar };
const CATALOG_FILES = new Set(['en.ts', 'fr.ts', 'ar.ts'].map((f) => path.join(root, 'src/i18n', f)));

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return filesUnder(p);
    return /\.(ts|eta|js)$/.test(d.name) && !CATALOG_FILES.has(p) ? [p] : [];
  });
}
const code = [...filesUnder(path.join(root, 'src')), ...filesUnder(path.join(root, 'views'))]
  .map((f) => fs.readFileSync(f, 'utf8'))
  .join('\n');

type Schema = Record<string, unknown>;
const readJson = (f: string) => JSON.parse(fs.readFileSync(path.join(root, 'schemas', f), 'utf8')) as Schema;
const defs = readJson('defs.schema.json').$defs as Record<string, Schema>;
const enumOf = (name: string) => (defs[name]?.enum as string[] | undefined) ?? [];

/** Every dotted property path of the licensing request ("usage.audience", "articles.url"…). */
function propertyPaths(schema: Schema, prefix: string, out: Set<string>, depth = 0): Set<string> {
  if (depth > 12) return out;
  const ref = schema.$ref as string | undefined;
  if (ref) return propertyPaths(defs[ref.split('/').pop() as string] ?? {}, prefix, out, depth + 1);
  for (const [name, sub] of Object.entries((schema.properties as Record<string, Schema> | undefined) ?? {})) {
    const p = prefix ? `${prefix}.${name}` : name;
    out.add(p);
    propertyPaths(sub, p, out, depth + 1);
  }
  for (const k of ['allOf', 'anyOf', 'oneOf'])
    for (const s of (schema[k] as Schema[] | undefined) ?? []) propertyPaths(s, prefix, out, depth + 1);
  for (const k of ['items', 'if', 'then', 'else'])
    if (schema[k]) propertyPaths(schema[k] as Schema, prefix, out, depth + 1);
  return out;
}
const fields = propertyPaths(readJson('licensing-request.schema.json'), '', new Set());

const quoteSource = fs.readFileSync(path.join(root, 'src/domain/quote.ts'), 'utf8');
const quoteCodes = new Set(
  [...quoteSource.matchAll(/code: '(\w+)'|(?:add|multiply)\('(\w+)'/g)].map((m) => m[1] ?? m[2]),
);
const schemaText = fs
  .readdirSync(path.join(root, 'schemas'))
  .map((f) => fs.readFileSync(path.join(root, 'schemas', f), 'utf8'))
  .join('\n');
const formats = [...schemaText.matchAll(/"format": "([\w-]+)"/g)].map((m) => m[1]);
const issueKeys = [
  // `key: 'x'` or `key: cond ? 'x' : 'y'` where an issue is made.
  ...[...code.matchAll(/key: ([^,}]+)/g)].flatMap((m) => [...m[1].matchAll(/'([\w.]+)'/g)].map((q) => q[1])),
  ...[...fs.readFileSync(path.join(root, 'src/validation/ajv.ts'), 'utf8').matchAll(/case '(\w+)':/g)].map((m) => m[1]),
  ...['string', 'boolean', 'integer', 'number', 'object', 'array'].map((t) => `type.${t}`),
  ...formats.map((f) => `format.${f}`),
];
const pages = [...code.matchAll(/page: '(\w+)'|legalPage\([^)]*'(\w+)'\)/g)].map((m) => m[1] ?? m[2]);

/** Families of keys built at run time: where the code builds them, and which suffixes are real. */
const DYNAMIC: { prefix: string; builtBy: RegExp; suffixes: Iterable<string> }[] = [
  ...['organisationType', 'medium', 'territory', 'portion'].map((name) => ({
    prefix: `enum.${name}.`,
    builtBy: new RegExp(`enum\\.${name}\\.?(\\$\\{|' \\+|'\\))|labelled\\('${name}', 'enum\\.${name}'\\)`),
    suffixes: enumOf(name),
  })),
  { prefix: 'quote.line.', builtBy: /`quote\.line\.\$\{/, suffixes: quoteCodes },
  { prefix: 'quote.reason.', builtBy: /`quote\.reason\.\$\{/, suffixes: quoteCodes },
  { prefix: 'error.required.', builtBy: /`error\.required\.\$\{/, suffixes: fields },
  { prefix: 'field.', builtBy: /`field\.\$\{/, suffixes: fields },
  { prefix: 'error.', builtBy: /`error\.\$\{issue\.key\}`/, suffixes: issueKeys },
  { prefix: 'request.status.', builtBy: /`request\.status\.\$\{|'request\.status\.' \+/, suffixes: STATUSES },
  {
    prefix: 'request.event.',
    builtBy: /`request\.event\.\$\{/,
    suffixes: [
      ...ACTIONS,
      ...REQUESTER_ACTIONS,
      'revoke_licence',
      'reissue_licence',
      'message_requester',
      'message_desk',
    ],
  },
  {
    prefix: 'request.done.',
    builtBy: /'request\.done\.' \+/,
    suffixes: ['accepted', 'licensed', 'declined', 'withdrawn', 'message'],
  },
  {
    prefix: 'request.error.',
    builtBy: /`request\.error\.\$\{error\.code\}`/,
    suffixes: [
      'signature_name',
      'signature_agree',
      'quote_expired',
      'not_licensable_now',
      'form_token',
      'message_empty',
      'message_too_long',
      'message_too_many',
      'message_closed',
    ],
  },
  ...['decline', 'withdraw'].map((kind) => ({
    prefix: `request.${kind}.`,
    builtBy: /'request\.' \+ kind \+ '\./,
    suffixes: ['title', 'intro', 'reason', 'button'],
  })),
  ...pages.flatMap((p) =>
    ['title'].map((part) => ({
      prefix: `page.${p}.`,
      builtBy: /`page\.\$\{it\.page\}\./,
      suffixes: [part],
    })),
  ),
];

const usedLiterally = (key: string) => new RegExp(`['"\`]${key.replace(/\./g, '\\.')}['"\`]`).test(code);
const usedDynamically = (key: string) =>
  DYNAMIC.some(
    (d) => key.startsWith(d.prefix) && d.builtBy.test(code) && [...d.suffixes].includes(key.slice(d.prefix.length)),
  );

test('every catalog has exactly the keys of every other', () => {
  for (const [a, ca] of Object.entries(catalogs)) {
    for (const [b, cb] of Object.entries(catalogs)) {
      const missing = Object.keys(ca).filter((k) => !(k in cb));
      assert.deepEqual(missing, [], `${b} lacks keys that ${a} has`);
    }
  }
});

test('no catalog has a key that no code or view uses', () => {
  assert.ok(quoteCodes.size >= 10, 'the quote engine codes were found');
  assert.ok(fields.has('usage.audience') && fields.has('articles.url'), 'the schema fields were found');
  const unused = Object.keys(en).filter((k) => !usedLiterally(k) && !usedDynamically(k));
  assert.deepEqual(unused, []);
});

test('every key a view or module asks for literally exists', () => {
  const asked = [...code.matchAll(/\bt\(\s*'([a-zA-Z]+(?:\.[\w]+)+)'/g)].map((m) => m[1]);
  assert.ok(asked.length > 50, `found ${asked.length} literal t() calls`);
  assert.deepEqual([...new Set(asked.filter((k) => !(k in en)))], []);
});

test('translations are not left in English and keep their placeholders', () => {
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const [locale, catalog] of Object.entries({ fr, ar })) {
    for (const [key, text] of Object.entries(en)) {
      assert.deepEqual(
        placeholders(catalog[key as keyof typeof en]),
        placeholders(text),
        `${locale} ${key} placeholders`,
      );
    }
  }
  const sameAsEnglish = Object.keys(en).filter((k) => ar[k as keyof typeof en] === en[k as keyof typeof en]);
  assert.deepEqual(sameAsEnglish, ['site.name'], 'only the brand name stays the same in Arabic');
});

test('messages are picked in the reader’s language', () => {
  assert.equal(translate('fr', 'form.submit'), 'Envoyer la demande');
  assert.equal(translate('ar', 'form.submit'), 'إرسال الطلب');
  assert.equal(translate('ar', 'form.article.legend', { n: 2 }), 'المقال 2');
});

test('placeholders are filled as named, twice if need be; an unknown one is left as written; $ patterns stay literal', () => {
  // The messages are cut once and kept: the same message must fill alike on every call.
  for (let i = 0; i < 2; i++) {
    assert.equal(
      translate('en', 'Fee {a}, {b} and {a} again {missing}', { a: '£1', b: 2 }),
      'Fee £1, 2 and £1 again {missing}',
    );
    assert.equal(translate('en', '{a}{b}', { a: '$&', b: "$'" }), "$&$'");
    assert.equal(translate('en', 'no {placeholder here', {}), 'no {placeholder here');
  }
  // Every catalog message with placeholders, filled with its own names, against a plain replace.
  for (const catalog of Object.values(catalogs)) {
    for (const [key, text] of Object.entries(catalog)) {
      const names = [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const params = Object.fromEntries(names.slice(1).map((n, i) => [n, `<${n}${i}>`]));
      const expected = text.replace(/\{(\w+)\}/g, (m, n: string) => (n in params ? params[n]! : m));
      const locale = catalog === fr ? 'fr' : catalog === ar ? 'ar' : 'en';
      assert.equal(translate(locale, key, params), expected, `${locale} ${key}`);
    }
  }
});

test('a key with no message is not kept: whatever a client sends does not stay in memory', () => {
  // An unknown field's name reaches translate as part of a key (field.<name>); with a brace it looks like a template.
  // The garbage of the loop is collected before each reading, so only what is kept counts.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  const junk = 'x'.repeat(50_000);
  for (let i = 0; i < 2_000; i++)
    assert.equal(translate('en', `field.{a}${i}${junk}`, { a: 'A' }), `field.A${i}${junk}`);
  gc();
  // 2,000 kept keys of 50 kB would be ~100 MB.
  assert.ok(
    process.memoryUsage().heapUsed - before < 20_000_000,
    `heap grew by ${process.memoryUsage().heapUsed - before} bytes`,
  );
});

test('minus zero keeps its sign whichever of 0 and -0 is formatted first', () => {
  const fr = i18nFor('fr');
  assert.equal(fr.number(-0), '-0');
  assert.equal(fr.number(0), '0');
  assert.match(fr.money(-0, 'EUR'), /^-0,00\s€$/);
  assert.match(fr.money(0, 'EUR'), /^0,00\s€$/);
});

test('numbers and amounts read the same from the first call to the thousandth', () => {
  const en = i18nFor('en');
  const first = [
    en.number(1_234_567),
    en.money(150_000, 'GBP'),
    en.money(-2_500, 'EUR'),
    i18nFor('fr').number(1_234_567),
  ];
  for (let i = 0; i < 1_000; i++) en.number(i);
  assert.deepEqual(
    [en.number(1_234_567), en.money(150_000, 'GBP'), en.money(-2_500, 'EUR'), i18nFor('fr').number(1_234_567)],
    first,
  );
  assert.deepEqual(first.slice(0, 3), ['1,234,567', '£1,500.00', '-€25.00']);
  assert.match(first[3]!, /^1\s234\s567$/);
});

test('money is formatted for the locale, and an Arabic currency symbol is isolated left to right', () => {
  assert.equal(i18nFor('en').money(150_000, 'GBP'), '£1,500.00');
  assert.match(i18nFor('fr').money(150_000, 'GBP'), /^1\s500,00\s£GB$/);
  const ar = i18nFor('ar').money(150_000, 'GBP');
  assert.match(ar, /\u2066UK£\u2069/, JSON.stringify(ar));
  assert.match(i18nFor('ar').date('2027-03-01'), /2027/);
});
