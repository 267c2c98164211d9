// reprise seed --count N: fills the database with realistic, varied licensing requests (for the bench, demos
// and trying the desk at scale), spread over the last years with statuses that fit their age. Rows go through
// the requests repository (so references, articles and the desk's lookup tables are right) in large
// transactions; no emails are queued.
import crypto from 'node:crypto';
import { writeTransaction } from '../../db/connection.js';
import { requestsRepo } from '../../db/repos/requests.js';
import { computeQuote } from '../../domain/quote.js';
import { loadRateCard } from '../../validation/rate-card-file.js';
import type { Article, LicensingRequest, Locale, Medium, OrganisationType, Territory } from '../../domain/request.js';
import { CLOSED, type Status } from '../../domain/workflow.js';
import { CliUsageError, info, openConfigured, parseOptions, progress, type Command } from '../command.js';

const DAY = 86_400_000;
const BATCH = 5_000;

type Org = [name: string, type: OrganisationType, country: string, locale: Locale, nonProfit: boolean];
const ORGS: Org[] = [
  ['Daily Planet', 'newspaper', 'GB', 'en', false],
  ['The Northern Echo Review', 'magazine', 'GB', 'en', false],
  ['Harbour City Gazette', 'newspaper', 'US', 'en', false],
  ['Prairie Public Radio', 'broadcaster', 'US', 'en', true],
  ['Cape Coast Chronicle', 'newspaper', 'GH', 'en', false],
  ['Lagos Morning Post', 'online_publication', 'NG', 'en', false],
  ['University of Leeds Journalism School', 'academic', 'GB', 'en', true],
  ['Open Health Alliance', 'ngo', 'CH', 'en', true],
  ['Nordic Business Weekly', 'magazine', 'SE', 'en', false],
  ['Pacific Wire Service', 'news_agency', 'AU', 'en', false],
  ['Le Matin du Sud', 'newspaper', 'FR', 'fr', false],
  ['Radio Lac Léman', 'broadcaster', 'CH', 'fr', false],
  ['L’Écho de Québec', 'newspaper', 'CA', 'fr', false],
  ['Dakar Actu', 'online_publication', 'SN', 'fr', false],
  ['Revue des Deux Rives', 'magazine', 'BE', 'fr', false],
  ['Médecins pour Tous', 'ngo', 'FR', 'fr', true],
  ['Université de Montréal', 'academic', 'CA', 'fr', true],
  ['Abidjan Soir', 'newspaper', 'CI', 'fr', false],
  ['Al-Nahar Daily', 'newspaper', 'LB', 'ar', false],
  ['قناة الشرق', 'broadcaster', 'QA', 'ar', false],
  ['Cairo Review of Affairs', 'magazine', 'EG', 'ar', false],
  ['صحيفة المساء', 'newspaper', 'MA', 'ar', false],
  ['Gulf News Agency', 'news_agency', 'AE', 'ar', false],
  ['منظمة الإغاثة', 'ngo', 'JO', 'ar', true],
  ['Tunis Hebdo', 'magazine', 'TN', 'fr', false],
  ['Acme Corporate Comms', 'corporate', 'DE', 'en', false],
];
const FIRST = [
  'Ada',
  'Amina',
  'Chloé',
  'David',
  'Fatima',
  'Hugo',
  'Ines',
  'Jamal',
  'Kofi',
  'Léa',
  'Maria',
  'Omar',
  'Priya',
  'Sam',
  'Yasmine',
  'Zoé',
];
const LAST = [
  'Lovelace',
  'Benali',
  'Dubois',
  'Okafor',
  'Haddad',
  'Martin',
  'Nguyen',
  'Rossi',
  'Mensah',
  'Khalil',
  'Smith',
  'Tremblay',
];
const TITLES: Record<Locale, string[]> = {
  en: [
    'The river that ran dry',
    'Inside the vaccine race',
    'How the election was won',
    'A city built on sand',
    'The last ferry home',
    'Counting the cost of the floods',
  ],
  fr: [
    'La rivière asséchée',
    'Dans la course au vaccin',
    'Comment l’élection a été gagnée',
    'Une ville bâtie sur le sable',
    'Le dernier bac',
  ],
  ar: ['النهر الذي جف', 'داخل سباق اللقاح', 'كيف فازت الانتخابات', 'مدينة مبنية على الرمال', 'آخر عبارة إلى الوطن'],
};
const MEDIA: Medium[] = [
  'online',
  'online',
  'online',
  'print',
  'print_and_online',
  'broadcast',
  'newsletter',
  'social_media',
  'intranet',
  'book',
];
const REGION = ['FR', 'BE', 'CH', 'DE', 'GB', 'US', 'CA', 'MA', 'EG', 'AE'];

/** A small seeded generator (mulberry32), so `--seed` gives the same data again. */
function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (low: number, high: number) => low + Math.floor(next() * (high - low + 1)),
    pick: <T>(items: T[]) => items[Math.floor(next() * items.length)]!,
  };
}
type Random = ReturnType<typeof seededRandom>;

const ascii = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^a-z]+/g, '');

/** Old requests are mostly settled; this week's are mostly waiting on the desk. */
function statusFor(ageDays: number, roll: number): Status {
  const table: [Status, number][] =
    ageDays < 7
      ? [
          ['new', 0.5],
          ['in_review', 0.8],
          ['quoted', 0.95],
          ['spam', 1],
        ]
      : ageDays < 60
        ? [
            ['new', 0.05],
            ['in_review', 0.2],
            ['quoted', 0.5],
            ['licensed', 0.8],
            ['declined', 0.9],
            ['withdrawn', 0.95],
            ['spam', 1],
          ]
        : [
            ['licensed', 0.55],
            ['declined', 0.75],
            ['withdrawn', 0.9],
            ['spam', 1],
          ];
  return table.find(([, upTo]) => roll < upTo)![0];
}

function seedRequest(random: Random, i: number): LicensingRequest & { locale: Locale } {
  const [name, type, country, orgLocale, nonProfit] = random.pick(ORGS);
  const locale: Locale = random.next() < 0.8 ? orgLocale : random.pick(['en', 'fr', 'ar'] as Locale[]);
  const first = random.pick(FIRST);
  const last = random.pick(LAST);
  const domain = ascii(name) || `org${ORGS.findIndex((org) => org[0] === name)}`;
  const articles: Article[] = Array.from({ length: random.int(1, 5) }, (_, index) => {
    const extract = random.next() < 0.25;
    return {
      url: `https://news.example/${2020 + (i % 7)}/${random.int(1, 12)}/story-${random.int(1, 40_000)}`,
      title: `${random.pick(TITLES[locale])}${index ? ` (${index + 1})` : ''}`,
      portion: extract ? 'extract' : 'full',
      ...(extract ? { extractWords: random.int(100, 1500) } : {}),
    };
  });
  const territory: Territory = random.pick(['single_country', 'single_country', 'region', 'worldwide']);
  const others = REGION.filter((code) => code !== country);
  const countries =
    territory === 'single_country' ? [country] : territory === 'region' ? [country, random.pick(others)] : undefined;
  const email = `${ascii(first)}.${ascii(last)}${random.int(1, 99)}@${domain}.example`;
  return {
    locale,
    requester: { name: `${first} ${last}`, email },
    organisation: { name, type, country, nonProfit, website: `https://${domain}.example` },
    articles,
    usage: {
      medium: random.pick(MEDIA),
      territory,
      ...(countries ? { countries } : {}),
      language: locale,
      translation: random.next() < 0.2,
      audience: Math.round(10 ** (2 + random.next() * 5.5)),
      startDate: '',
      durationMonths: random.pick([1, 3, 6, 12, 12, 24]),
      exclusive: random.next() < 0.05,
      commercial: random.next() < 0.1,
      images: random.next() < 0.3,
    },
    message: random.next() < 0.4 ? 'We would like to republish this with credit to the author.' : undefined,
    consent: true,
  };
}

export const seedCommand: Command = {
  name: 'seed',
  summary: 'Fill the database with realistic sample requests (for benchmarks and demos)',
  help: [
    'Usage: reprise seed --count N [--days D] [--seed S]',
    '',
    'Adds N varied licensing requests (organisations in several countries, locales en/fr/ar,',
    '1 to 5 articles, statuses that fit their age) created over the last D days (default 1095).',
    'No emails are queued. The same --seed (default 1) gives the same requests.',
    'Never run this against a production database: the requests are invented.',
  ].join('\n'),
  async run(args) {
    const options = parseOptions(args, {
      count: { type: 'string' },
      days: { type: 'string' },
      seed: { type: 'string' },
    });
    const whole = (value: string | undefined, name: string, fallback: number | undefined, max: number) => {
      if (value === undefined && fallback !== undefined) return fallback;
      if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
        throw new CliUsageError(`--${name} must be a whole number from 1 to ${max.toLocaleString('en')}`);
      }
      return Number(value);
    };
    const count = whole(options.count, 'count', undefined, 10_000_000);
    const days = whole(options.days, 'days', 1095, 36_500);
    const random = seededRandom(whole(options.seed, 'seed', 1, 2 ** 31));

    const { config, db } = openConfigured();
    try {
      // A big page cache keeps a batch's index pages in memory until COMMIT (with 2 MB they spill, and seeding crawls).
      db.pragma('cache_size = -262144');
      const rateCard = loadRateCard(config.rateCardPath);
      const requests = requestsRepo(db);
      const settle = db.prepare(`UPDATE requests SET status = @status, updated_at = @at, last_action_at = @at,
        quote_sent_at = CASE WHEN @status IN ('quoted', 'licensed') THEN @at END,
        licensed_at = CASE WHEN @status = 'licensed' THEN @at END,
        declined_at = CASE WHEN @status = 'declined' THEN @at END,
        closed_at = CASE WHEN @closed THEN @at END
        WHERE id = @id`);
      const end = Date.now();
      const start = end - days * DAY;
      const bar = progress('Seeding requests');
      const began = performance.now();
      for (let done = 0; done < count;) {
        const size = Math.min(BATCH, count - done);
        writeTransaction(db, () => {
          for (let offset = 0; offset < size; offset++) {
            const i = done + offset;
            const created = new Date(start + ((i + random.next()) * (end - start)) / count);
            const request = seedRequest(random, i);
            request.usage.startDate = new Date(created.getTime() + random.int(3, 60) * DAY).toISOString().slice(0, 10);
            const now = created.toISOString();
            const quote = computeQuote(rateCard, request, now.slice(0, 10));
            const accessToken = crypto.randomBytes(24).toString('base64url');
            const { id } = requests.insert({ request, locale: request.locale, quote, accessToken, now });
            const status = statusFor((end - created.getTime()) / DAY, random.next());
            if (status !== 'new') {
              const at = new Date(Math.min(end, created.getTime() + random.int(1, 20) * 3_600_000)).toISOString();
              settle.run({ status, at, id, closed: CLOSED.includes(status) ? 1 : 0 });
            }
          }
        });
        done += size;
        bar.update(done, count);
      }
      bar.done();
      const seconds = (performance.now() - began) / 1000;
      const rate = Math.round(count / seconds).toLocaleString('en');
      const seeded = `Seeded ${count.toLocaleString('en')} requests in ${seconds.toFixed(1)} s (${rate}/s)`;
      info(`${seeded} into ${config.databasePath}`);
      return 0;
    } finally {
      db.close();
    }
  },
};
