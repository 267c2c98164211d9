// The quote engine against the shipped rate card: a table of hand-computed quotes,
// properties that must hold for any request, and the loader's refusal of broken cards.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { computeQuote, roundDiv } from '../../src/domain/quote.js';
import { addDaysIso } from '../../src/domain/dates.js';
import { DEFAULT_RATE_CARD_PATH, loadRateCard } from '../../src/validation/rate-card-file.js';
import type { ComputedQuote, RateCard } from '../../src/domain/quote-types.js';
import type { Article, Medium, QuoteInput, Usage } from '../../src/domain/request.js';

const card = loadRateCard(DEFAULT_RATE_CARD_PATH);
const TODAY = '2026-11-15';
const usage = (over: Partial<Usage> = {}): Usage => ({
  medium: 'online',
  territory: 'single_country',
  countries: ['GB'],
  language: 'en',
  translation: false,
  audience: 5000,
  startDate: '2026-12-01',
  durationMonths: 12,
  exclusive: false,
  commercial: false,
  images: false,
  ...over,
});
const full = (n: number): Article[] =>
  Array.from({ length: n }, (_, i) => ({
    url: `https://news.example/${i + 1}`,
    title: `Story ${i + 1}`,
    portion: 'full',
  }));
const extract = (i: number, words: number): Article => ({
  url: `https://news.example/${i}`,
  title: `Story ${i}`,
  portion: 'extract',
  extractWords: words,
});
const input = (u: Partial<Usage> = {}, articles = full(1), nonProfit = false): QuoteInput => ({
  organisation: { nonProfit },
  articles,
  usage: usage(u),
});

type Line = [code: string, amountMinor: number, params: Record<string, string | number>];
const art = (i: number, amount: number): Line => ['article_full', amount, { index: i, title: `Story ${i}` }];
const ext = (i: number, amount: number, words: number, percent: number): Line => [
  'article_extract',
  amount,
  { index: i, title: `Story ${i}`, words, percent },
];
const arts = (n: number, amount: number): Line[] => Array.from({ length: n }, (_, i) => art(i + 1, amount));

const priced: { name: string; input: QuoteInput; lines: Line[]; total: number; card?: RateCard }[] = [
  {
    name: 'one online article, small audience, one country, a year',
    input: input(),
    lines: [art(1, 15000)],
    total: 15000,
  },
  {
    name: 'audience exactly 10,000 stays in the first band',
    input: input({ audience: 10_000 }),
    lines: [art(1, 15000)],
    total: 15000,
  },
  // 15000 × 1.25 = 18750 (+3750); rounded up to the next 500: +250 → 19000
  {
    name: 'audience 10,001 enters the ×1.25 band',
    input: input({ audience: 10_001 }),
    total: 19000,
    lines: [art(1, 15000), ['audience', 3750, { audience: 10_001, percent: 125 }], ['rounding', 250, { toMinor: 500 }]],
  },
  {
    name: 'audience 100,001 → ×1.6',
    input: input({ audience: 100_001 }),
    total: 24000,
    lines: [art(1, 15000), ['audience', 9000, { audience: 100_001, percent: 160 }]],
  },
  {
    name: 'audience exactly 10,000,000 → ×2.2, still priced',
    input: input({ audience: 10_000_000 }),
    total: 33000,
    lines: [art(1, 15000), ['audience', 18000, { audience: 10_000_000, percent: 220 }]],
  },
  {
    name: 'region → ×1.4',
    input: input({ territory: 'region', countries: ['FR', 'BE'] }),
    total: 21000,
    lines: [art(1, 15000), ['territory', 6000, { territory: 'region', percent: 140 }]],
  },
  // 15000 → ×1.25 = 18750 (+3750) → ×2 = 37500 (+18750) → ×1.15 = 43125 (+5625) → up to 43500 (+375)
  {
    name: 'worldwide, translated, 50,000 readers',
    total: 43500,
    input: input({ territory: 'worldwide', countries: undefined, translation: true, audience: 50_000 }),
    lines: [
      art(1, 15000),
      ['audience', 3750, { audience: 50_000, percent: 125 }],
      ['territory', 18750, { territory: 'worldwide', percent: 200 }],
      ['translation', 5625, { percent: 115 }],
      ['rounding', 375, { toMinor: 500 }],
    ],
  },
  {
    name: 'duration 3 months → ×0.8',
    input: input({ durationMonths: 3 }),
    total: 12000,
    lines: [art(1, 15000), ['duration', -3000, { months: 3, percent: 80 }]],
  },
  {
    name: 'duration 4 months → ×1, no line',
    input: input({ durationMonths: 4 }),
    lines: [art(1, 15000)],
    total: 15000,
  },
  {
    name: 'duration 13 months → ×1.5',
    input: input({ durationMonths: 13 }),
    total: 22500,
    lines: [art(1, 15000), ['duration', 7500, { months: 13, percent: 150 }]],
  },
  {
    name: 'duration 60 months → ×2, still priced',
    input: input({ durationMonths: 60 }),
    total: 30000,
    lines: [art(1, 15000), ['duration', 15000, { months: 60, percent: 200 }]],
  },
  // print 12000 × 40% = 4800, below the 5000 minimum: +200
  {
    name: 'short print extract is topped up to the minimum fee',
    input: input({ medium: 'print' }, [extract(1, 300)]),
    total: 5000,
    lines: [ext(1, 4800, 300, 40), ['minimum_fee', 200, { minimumMinor: 5000 }]],
  },
  {
    name: 'extract of 301 words → 60%',
    input: input({ medium: 'print' }, [extract(1, 301)]),
    total: 7500,
    lines: [ext(1, 7200, 301, 60), ['rounding', 300, { toMinor: 500 }]],
  },
  {
    name: 'extract of 801 words → 80%',
    input: input({}, [extract(1, 801)]),
    lines: [ext(1, 12000, 801, 80)],
    total: 12000,
  },
  { name: 'two articles: no volume discount', input: input({}, full(2)), lines: arts(2, 15000), total: 30000 },
  {
    name: 'three articles: 10% off',
    input: input({}, full(3)),
    total: 40500,
    lines: [...arts(3, 15000), ['volume_discount', -4500, { articles: 3, percent: 10 }]],
  },
  {
    name: 'five newsletter articles: still 10%',
    input: input({ medium: 'newsletter' }, full(5)),
    total: 27000,
    lines: [...arts(5, 6000), ['volume_discount', -3000, { articles: 5, percent: 10 }]],
  },
  // 6 × 6000 = 36000, −20% = −7200 → 28800, up to 29000
  {
    name: 'six newsletter articles: 20% off',
    input: input({ medium: 'newsletter' }, full(6)),
    total: 29000,
    lines: [
      ...arts(6, 6000),
      ['volume_discount', -7200, { articles: 6, percent: 20 }],
      ['rounding', 200, { toMinor: 500 }],
    ],
  },
  {
    name: 'eleven intranet articles: 30% off',
    input: input({ medium: 'intranet' }, full(11)),
    total: 46500,
    lines: [
      ...arts(11, 6000),
      ['volume_discount', -19800, { articles: 11, percent: 30 }],
      ['rounding', 300, { toMinor: 500 }],
    ],
  },
  {
    name: 'twenty articles: the most the card prices',
    input: input({}, full(20)),
    total: 210000,
    lines: [...arts(20, 15000), ['volume_discount', -90000, { articles: 20, percent: 30 }]],
  },
  {
    name: 'non-profit: half price',
    input: input({}, full(1), true),
    total: 7500,
    lines: [art(1, 15000), ['non_profit_discount', -7500, { percent: 50 }]],
  },
  {
    name: 'non-profit discount, then the minimum',
    input: input({ medium: 'newsletter' }, [extract(1, 200)], true),
    total: 5000,
    lines: [
      ext(1, 2400, 200, 40),
      ['non_profit_discount', -1200, { percent: 50 }],
      ['minimum_fee', 3800, { minimumMinor: 5000 }],
    ],
  },
  // 22000 + 13200 + 8800 = 44000 → ×1.6 = 70400 → ×1.4 = 98560 → ×1.15 = 113344 → ×1.5 = 170016
  // → −10% (17001.6 rounds to 17002) = 153014 → −50% (76507) = 76507 → up to 77000 (+493)
  {
    name: 'everything at once',
    total: 77000,
    input: input(
      {
        medium: 'print_and_online',
        audience: 250_000,
        territory: 'region',
        countries: ['FR', 'DE'],
        translation: true,
        durationMonths: 24,
      },
      [full(1)[0]!, extract(2, 500), extract(3, 100)],
      true,
    ),
    lines: [
      art(1, 22000),
      ext(2, 13200, 500, 60),
      ext(3, 8800, 100, 40),
      ['audience', 26400, { audience: 250_000, percent: 160 }],
      ['territory', 28160, { territory: 'region', percent: 140 }],
      ['translation', 14784, { percent: 115 }],
      ['duration', 56672, { months: 24, percent: 150 }],
      ['volume_discount', -17002, { articles: 3, percent: 10 }],
      ['non_profit_discount', -76507, { percent: 50 }],
      ['rounding', 493, { toMinor: 500 }],
    ],
  },
  {
    name: 'exclusivity is priced when the card does not refer it',
    input: input({ exclusive: true }),
    total: 30000,
    card: { ...card, referToDesk: { ...card.referToDesk, exclusive: false } },
    lines: [art(1, 15000), ['exclusivity', 15000, { percent: 200 }]],
  },
  {
    name: 'a free article keeps its line; no rounding when roundingMinor is 0',
    input: input({ audience: 10_001 }),
    card: { ...card, roundingMinor: 0, baseFeeMinor: { ...card.baseFeeMinor, online: 0 } },
    total: 5000,
    lines: [art(1, 0), ['minimum_fee', 5000, { minimumMinor: 5000 }]],
  },
];

const referred: { name: string; input: QuoteInput; reasons: [string, Record<string, string | number>][] }[] = [
  { name: 'commercial use', input: input({ commercial: true }), reasons: [['commercial_use', {}]] },
  { name: 'images', input: input({ images: true }), reasons: [['images', {}]] },
  { name: 'exclusive', input: input({ exclusive: true }), reasons: [['exclusive', {}]] },
  { name: 'a book', input: input({ medium: 'book' }), reasons: [['medium_needs_desk', { medium: 'book' }]] },
  { name: 'other medium', input: input({ medium: 'other' }), reasons: [['medium_needs_desk', { medium: 'other' }]] },
  {
    name: 'audience 10,000,001',
    input: input({ audience: 10_000_001 }),
    reasons: [['large_audience', { audience: 10_000_001, limit: 10_000_000 }]],
  },
  {
    name: 'duration 61 months',
    input: input({ durationMonths: 61 }),
    reasons: [['long_duration', { months: 61, limit: 60 }]],
  },
  { name: '21 articles', input: input({}, full(21)), reasons: [['many_articles', { articles: 21, limit: 20 }]] },
  {
    name: 'every reason at once, in order',
    input: input(
      { medium: 'book', commercial: true, images: true, exclusive: true, audience: 20_000_000, durationMonths: 120 },
      full(21),
    ),
    reasons: [
      ['medium_needs_desk', { medium: 'book' }],
      ['commercial_use', {}],
      ['images', {}],
      ['exclusive', {}],
      ['large_audience', { audience: 20_000_000, limit: 10_000_000 }],
      ['long_duration', { months: 120, limit: 60 }],
      ['many_articles', { articles: 21, limit: 20 }],
    ],
  },
];

const sum = (q: ComputedQuote): number => q.lines.reduce((s, l) => s + l.amountMinor, 0);

describe('computeQuote: priced requests', () => {
  for (const c of priced) {
    test(c.name, () => {
      const q = computeQuote(c.card ?? card, c.input, TODAY);
      assert.deepEqual(
        q.lines.map((l) => [l.code, l.amountMinor, l.params]),
        c.lines,
      );
      assert.equal(q.totalMinor, c.total);
      assert.equal(sum(q), q.totalMinor, 'the total is the sum of the lines');
      assert.deepEqual(
        [q.referToDesk, q.reasons, q.currency, q.rateCardVersion, q.validUntil],
        [false, [], 'GBP', '2026-11', '2026-12-15'],
      );
    });
  }
});

describe('computeQuote: referred to the desk', () => {
  for (const c of referred) {
    test(c.name, () => {
      const q = computeQuote(card, c.input, TODAY);
      assert.deepEqual(
        q.reasons.map((r) => [r.code, r.params]),
        c.reasons,
      );
      assert.deepEqual([q.referToDesk, q.totalMinor, q.lines, q.validUntil], [true, null, [], '2026-12-15']);
    });
  }
});

describe('arithmetic helpers', () => {
  test('roundDiv rounds halves away from zero', () => {
    assert.deepEqual(
      [250, 249, 251, -250, -249, -251, 0].map((n) => roundDiv(n, 100)),
      [3, 2, 3, -3, -2, -3, 0],
    );
  });
  test('addDaysIso works in UTC calendar days and refuses impossible dates', () => {
    assert.equal(addDaysIso('2026-01-31', 30), '2026-03-02');
    assert.equal(addDaysIso('2028-02-15', 30), '2028-03-16');
    assert.equal(addDaysIso('2026-12-15', 30), '2027-01-14');
    assert.throws(() => addDaysIso('2026-02-30', 1), RangeError);
    assert.throws(() => computeQuote(card, input(), '15/11/2026'), RangeError);
  });
});

const media: Medium[] = ['online', 'print', 'print_and_online', 'broadcast', 'newsletter', 'intranet', 'social_media'];
const articleArb: fc.Arbitrary<Article> = fc.oneof(
  fc.constant<Article>({ url: 'https://news.example/a', title: 'A story', portion: 'full' }),
  fc
    .integer({ min: 1, max: 100_000 })
    .map((w): Article => ({ url: 'https://news.example/b', title: 'B', portion: 'extract', extractWords: w })),
);
// Mostly false, so that most generated requests are priced rather than referred.
const rare = fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 });
const inputArb = (audience: fc.Arbitrary<number>) =>
  fc
    .record({
      articles: fc.array(articleArb, { minLength: 1, maxLength: 22 }),
      nonProfit: fc.boolean(),
      u: fc.record({
        medium: fc.oneof(fc.constantFrom(...media), fc.constantFrom<Medium>('book', 'other')),
        territory: fc.constantFrom('single_country', 'region', 'worldwide' as const),
        translation: fc.boolean(),
        audience,
        durationMonths: fc.integer({ min: 1, max: 120 }),
        exclusive: rare,
        commercial: rare,
        images: rare,
      }),
    })
    .map(({ articles, nonProfit, u }) => input(u, articles, nonProfit));

describe('computeQuote: properties', () => {
  test('deterministic, integer amounts, total = sum of lines, never below the minimum, a multiple of the rounding', () => {
    fc.assert(
      fc.property(inputArb(fc.integer({ min: 0, max: 10_000_000_000 })), (i) => {
        const q = computeQuote(card, i, TODAY);
        assert.deepEqual(computeQuote(card, structuredClone(i), TODAY), q);
        assert.ok(q.lines.every((l) => Number.isSafeInteger(l.amountMinor)));
        assert.equal(q.referToDesk, q.reasons.length > 0);
        if (q.totalMinor === null) return assert.deepEqual(q.lines, []);
        assert.equal(q.totalMinor, sum(q));
        assert.ok(q.totalMinor >= card.minimumFeeMinor);
        assert.equal(q.totalMinor % card.roundingMinor, 0);
      }),
      { numRuns: 500 },
    );
  });
  test('a larger audience never costs less', () => {
    const audience = fc.integer({ min: 0, max: 10_000_000 });
    fc.assert(
      fc.property(inputArb(fc.constant(0)), audience, audience, (i, a, b) => {
        const [low, high] = [Math.min(a, b), Math.max(a, b)];
        const ql = computeQuote(card, { ...i, usage: { ...i.usage, audience: low } }, TODAY);
        const qh = computeQuote(card, { ...i, usage: { ...i.usage, audience: high } }, TODAY);
        assert.equal(ql.referToDesk, qh.referToDesk);
        if (ql.totalMinor !== null && qh.totalMinor !== null) assert.ok(qh.totalMinor >= ql.totalMinor);
      }),
      { numRuns: 500 },
    );
  });
});

describe('loadRateCard', () => {
  test('the shipped card loads and is frozen', () => {
    assert.match(DEFAULT_RATE_CARD_PATH, /config[/\\]rate-card\.json$/);
    assert.deepEqual([card.version, card.currency, card.validityDays], ['2026-11', 'GBP', 30]);
    assert.ok(Object.isFrozen(card) && Object.isFrozen(card.audienceBands[0]));
  });
  test('a broken card is refused with every problem named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprise-card-'));
    try {
      const raw = JSON.parse(readFileSync(DEFAULT_RATE_CARD_PATH, 'utf8'));
      const fees = { ...raw.baseFeeMinor, print: -100 };
      delete fees.broadcast;
      const broken = {
        ...raw,
        baseFeeMinor: fees,
        colour: 'red',
        durationBands: [
          { maxMonths: 12, percent: 100 },
          { maxMonths: 3, percent: 80 },
          { maxMonths: 60, percent: 200 },
        ],
      };
      const path = join(dir, 'broken-card.json');
      writeFileSync(path, JSON.stringify(broken));
      assert.throws(
        () => loadRateCard(path),
        (e: Error) => {
          const lines = e.message.split('\n');
          assert.match(lines[0]!, /broken-card\.json.*4 problems/);
          for (const expected of [
            /\/baseFeeMinor\/print: must be >= 0/,
            /unknown property "colour"/,
            /no base fee for medium "broadcast"/,
            /\/durationBands\/1\/maxMonths: .*ascending.*\(3 follows 12\)/,
          ]) {
            assert.equal(lines.filter((l) => expected.test(l)).length, 1, `${expected} in\n${e.message}`);
          }
          return true;
        },
      );
      writeFileSync(path, '{ not json');
      assert.throws(() => loadRateCard(path), /broken-card\.json cannot be read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
