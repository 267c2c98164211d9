// Request bodies for the bench: valid licensing requests with a start date in the
// future, varied a little (organisation, locale, articles) so the service does the
// same work it does for real traffic rather than one cached shape.
const ORGS = [
  { name: 'Daily Planet', type: 'newspaper', country: 'GB' },
  { name: 'Le Matin du Sud', type: 'newspaper', country: 'FR' },
  { name: 'Radio Al-Nahar', type: 'broadcaster', country: 'LB' },
  { name: 'Open Health Alliance', type: 'ngo', country: 'CH' },
] as const;
const LOCALES = ['en', 'fr', 'ar'] as const;

export function futureDate(days = 30): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export function licensingRequest(i: number) {
  const org = ORGS[i % ORGS.length]!;
  const articles = Array.from({ length: 1 + (i % 3) }, (_, a) => ({
    url: `https://news.example/2026/story-${i % 500}-${a}`,
    title: `A story worth telling, part ${a + 1}`,
    portion: a === 2 ? 'extract' : 'full',
    ...(a === 2 ? { extractWords: 300 } : {}),
  }));
  return {
    locale: LOCALES[i % LOCALES.length],
    requester: { name: 'Ada Lovelace', email: `desk${i % 97}@${org.name.toLowerCase().replace(/\W+/g, '')}.example` },
    organisation: { name: org.name, type: org.type, country: org.country, nonProfit: org.type === 'ngo' },
    articles,
    usage: {
      medium: 'online',
      territory: 'single_country',
      countries: [org.country],
      language: 'en',
      translation: false,
      audience: 50_000 + i,
      startDate: futureDate(),
      durationMonths: 12,
      exclusive: false,
      commercial: false,
      images: false,
    },
    message: 'We would like to run this next week.',
    consent: true,
  };
}

/** The HTML form's fields (flat bracket names, strings only) with the given form token. */
export function formBody(token: string, i: number): string {
  return new URLSearchParams({
    locale: LOCALES[i % LOCALES.length]!,
    form_token: token,
    'requester[name]': 'Ada Lovelace',
    'requester[email]': `form${i % 97}@planet.example`,
    'organisation[name]': 'Daily Planet',
    'organisation[type]': 'newspaper',
    'organisation[country]': 'GB',
    'organisation[nonProfit]': 'false',
    'articles[0][url]': 'https://news.example/2026/story',
    'articles[0][title]': 'A story worth telling',
    'articles[0][portion]': 'full',
    'usage[medium]': 'online',
    'usage[territory]': 'single_country',
    'usage[countries]': 'GB',
    'usage[language]': 'en',
    'usage[translation]': 'false',
    'usage[audience]': '50000',
    'usage[startDate]': futureDate(),
    'usage[durationMonths]': '12',
    'usage[exclusive]': 'false',
    'usage[commercial]': 'false',
    'usage[images]': 'false',
    consent: 'true',
    action: 'submit',
  }).toString();
}
