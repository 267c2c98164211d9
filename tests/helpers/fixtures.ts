// Valid requests to start from; tests change one thing at a time.
export function futureDate(days = 30, from = new Date()): string {
  return new Date(from.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

export function validRequest(overrides: Record<string, unknown> = {}) {
  return {
    locale: 'en',
    requester: { name: 'Ada Lovelace', email: 'ada@example.org', phone: '+44 20 7946 0000', jobTitle: 'Editor' },
    organisation: {
      name: 'Daily Planet',
      type: 'newspaper',
      country: 'GB',
      website: 'https://planet.example',
      nonProfit: false,
    },
    articles: [{ url: 'https://news.example/2026/story', title: 'A story worth telling', portion: 'full' }],
    usage: {
      medium: 'online',
      territory: 'single_country',
      countries: ['GB'],
      language: 'en',
      translation: false,
      audience: 50000,
      startDate: futureDate(),
      durationMonths: 12,
      exclusive: false,
      commercial: false,
      images: false,
    },
    message: 'We would like to run this next week.',
    consent: true,
    ...overrides,
  };
}

/** The same request as the HTML form posts it: flat bracket names, strings only. */
export function validFormFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    locale: 'en',
    'requester[name]': 'Ada Lovelace',
    'requester[email]': 'ada@example.org',
    'requester[phone]': '',
    'requester[jobTitle]': '',
    'organisation[name]': 'Daily Planet',
    'organisation[type]': 'newspaper',
    'organisation[country]': 'GB',
    'organisation[website]': '',
    'organisation[nonProfit]': 'false',
    'articles[0][url]': 'https://news.example/2026/story',
    'articles[0][title]': 'A story worth telling',
    'articles[0][portion]': 'full',
    'articles[0][extractWords]': '',
    'usage[medium]': 'online',
    'usage[territory]': 'single_country',
    'usage[countries]': 'GB',
    'usage[language]': 'en',
    'usage[translation]': 'false',
    'usage[audience]': '50 000',
    'usage[startDate]': futureDate(),
    'usage[durationMonths]': '12',
    'usage[exclusive]': 'false',
    'usage[commercial]': 'false',
    'usage[images]': 'false',
    message: '',
    consent: 'true',
    action: 'submit',
    ...overrides,
  };
}
