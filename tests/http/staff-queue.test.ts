// The queue against a seeded database: newest first, counts per status, every
// filter, keyset pagination both ways, the overdue flag, and a query plan that
// uses an index for every filter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { addUser, signIn, DESK_ENV, type Agent } from '../helpers/desk.js';
import { seedRequests } from '../helpers/desk-seed.js';
import { deskQueries, facetTerms, searchQuery } from '../../src/db/repos/desk-queries.js';
import { plansOf } from '../helpers/query-plans.js';

const N = 300;
const ORGS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];
const START = new Date('2026-01-05T08:00:00Z');
let t: TestApp;
let agent: Agent;

before(async () => {
  t = await buildTestApp(DESK_ENV, { now: new Date('2026-03-02T12:00:00Z') });
  await addUser(t, 'staff@reprise.test');
  seedRequests(t.container, N, {
    start: START,
    stepMs: 3_600_000,
    vary(i, r) {
      r.requester.name = `Requester ${i}`;
      r.requester.email = `person${i}@example.org`;
      r.organisation.name = `Organisation ${ORGS[i % 10]}`;
      r.organisation.country = i % 5 === 0 ? 'FR' : 'GB';
      r.articles[0] = { url: `https://news.example/story-${i}`, title: `Story number ${i}`, portion: 'full' };
      if (i % 6 === 2)
        r.articles.push({ url: `https://news.example/extra-${i}`, title: `Second piece ${i}`, portion: 'full' });
      r.usage.medium = (['online', 'print', 'broadcast'] as const)[i % 3];
      if (i % 4 === 0) {
        r.usage.territory = 'worldwide';
        delete r.usage.countries;
      }
      if (i % 4 === 1) {
        r.usage.territory = 'region';
        r.usage.countries = ['DE', 'IT'];
      }
    },
  });
  // A few statuses as the desk would have left them.
  t.db
    .prepare(`UPDATE requests SET status = 'quoted', last_action_at = ? WHERE id % 10 = 3`)
    .run('2026-03-01T00:00:00Z');
  t.db
    .prepare(`UPDATE requests SET status = 'in_review', last_action_at = ? WHERE id % 10 = 4`)
    .run('2026-03-02T11:00:00Z');
  agent = await signIn(t, 'staff@reprise.test');
});
after(() => t.close());

const refs = (html: string) =>
  [...html.matchAll(/class="reference" href="\/staff\/requests\/(REP-\d{4}-\d{6})"/g)].map((m) => m[1]);
const link = (html: string, rel: string) =>
  [...html.matchAll(/<a href="([^"]+)" rel="(\w+)">/g)].find((m) => m[2] === rel)?.[1].replace(/&amp;/g, '&');

async function all(query: string): Promise<string[]> {
  const out: string[] = [];
  let url: string | undefined = `/staff/requests${query}`;
  while (url) {
    const res = await agent.get(url).expect(200);
    const page = refs(res.text);
    assert.ok(page.length <= 50);
    out.push(...page);
    url = link(res.text, 'next');
  }
  return out;
}
const refOf = (i: number) => `REP-2026-${String(i + 1).padStart(6, '0')}`;
const expected = (pred: (i: number) => boolean) =>
  Array.from({ length: N }, (_, i) => i)
    .filter(pred)
    .reverse()
    .map(refOf);

test('the queue lists every request newest first, 50 a page, with counts per status', async () => {
  const res = await agent.get('/staff/requests').expect(200);
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.equal(refs(res.text).length, 50);
  assert.equal(refs(res.text)[0], refOf(N - 1));
  assert.match(res.text, /Quoted <span class="count">30<\/span>/);
  assert.match(res.text, /In review <span class="count">30<\/span>/);
  assert.match(res.text, /New <span class="count">240<\/span>/);
  assert.match(res.text, /All <span class="count">300<\/span>/);
  assert.match(res.text, /Overdue <span class="count">240<\/span>/);
  assert.doesNotMatch(res.text, /<script|style=/);
  const every = await all('');
  assert.deepEqual(
    every,
    expected(() => true),
  );
});

for (const query of ['', '?q=story', '?country=GB'])
  test(`keyset pages go back to newer rows with before= (${query || 'no filter'})`, async () => {
    const p1 = await agent.get(`/staff/requests${query}`).expect(200);
    const p2 = await agent.get(link(p1.text, 'next')!).expect(200);
    const p3 = await agent.get(link(p2.text, 'next')!).expect(200);
    const back = await agent.get(link(p3.text, 'prev')!).expect(200);
    assert.deepEqual(refs(back.text), refs(p2.text));
    const back1 = await agent.get(link(back.text, 'prev')!).expect(200);
    assert.deepEqual(refs(back1.text), refs(p1.text));
    assert.equal(link(p1.text, 'prev'), undefined);
  });

test('filters: status, medium, territory, country, date range', async () => {
  assert.deepEqual(
    await all('?status=quoted'),
    expected((i) => (i + 1) % 10 === 3),
  );
  assert.deepEqual(
    await all('?medium=print'),
    expected((i) => i % 3 === 1),
  );
  assert.deepEqual(
    await all('?territory=worldwide'),
    expected((i) => i % 4 === 0),
  );
  assert.deepEqual(
    await all('?country=FR'),
    expected((i) => i % 5 === 0),
  );
  assert.deepEqual(
    await all('?country=IT'),
    expected((i) => i % 4 === 1),
  );
  assert.deepEqual(
    await all('?from=2026-01-06&to=2026-01-06'),
    expected((i) => i >= 16 && i < 40),
  );
  assert.deepEqual(
    await all('?medium=online&territory=region&status=new'),
    expected((i) => i % 3 === 0 && i % 4 === 1 && ![3, 4].includes((i + 1) % 10)),
  );
});

test('the filter form shows the filters in use as chosen, and only those', async () => {
  const html = (
    await agent.get('/staff/requests?medium=print&territory=worldwide&country=FR&status=quoted').expect(200)
  ).text;
  const chosen = [...html.matchAll(/<option value="([^"]*)" selected>/g)].map((m) => m[1]).sort();
  assert.deepEqual(chosen, ['FR', 'print', 'quoted', 'worldwide']);
  assert.match(
    html,
    /<select id="country" name="country">\s*<option value="">Any<\/option>\s*<option value="AF">Afghanistan<\/option>/,
  );
  const plain = (await agent.get('/staff/requests').expect(200)).text;
  assert.equal([...plain.matchAll(/<option [^>]*selected/g)].length, 0);
});

test('search: reference, email, name, organisation, article title and URL', async () => {
  assert.deepEqual(await all(`?q=${refOf(41)}`), [refOf(41)]);
  assert.deepEqual(await all(`?q=${refOf(41).slice(-6)}`), [refOf(41)]);
  assert.deepEqual(await all('?q=person41%40example.org'), [refOf(41)]);
  assert.deepEqual(await all('?q=Requester+41'), [refOf(41)]);
  assert.deepEqual(await all('?q=story-41'), [refOf(41)]);
  assert.deepEqual(await all('?q=number+41'), [refOf(41)]);
  assert.deepEqual(
    await all('?q=organisation+hot&medium=online'),
    expected((i) => i % 10 === 7 && i % 3 === 0),
  );
  assert.deepEqual(await all('?q=nobody-at-all'), []);
  assert.deepEqual(
    await all('?q=story'),
    expected(() => true),
  );
  assert.deepEqual(
    await all('?q=story&country=FR&medium=online'),
    expected((i) => i % 5 === 0 && i % 3 === 0),
  );
  assert.deepEqual(await all(`?q=${refOf(41).toLowerCase()}`), [refOf(41)]);
  assert.deepEqual(
    await all('?q=%22%29%28*'),
    expected(() => true),
  );
});

test('each submission wrote its one search row, with all its articles, and the full-text index is sound', () => {
  const rows = t.db.prepare('SELECT COUNT(*) FROM requests').pluck().get() as number;
  assert.equal(t.db.prepare('SELECT COUNT(*) FROM request_search').pluck().get(), rows);
  const mismatched = t.db.prepare(`SELECT COUNT(*) FROM requests r JOIN request_search s ON s.rowid = r.id
    WHERE s.reference <> r.reference OR s.requester <> r.requester_name || ' ' || r.requester_email OR s.organisation <> r.org_name
      OR s.articles <> (SELECT group_concat(a.title || ' ' || a.url, ' ' ORDER BY a.position) FROM request_articles a WHERE a.request_id = r.id)`);
  assert.equal(mismatched.pluck().get(), 0);
  t.db.exec(`INSERT INTO request_search (request_search) VALUES ('integrity-check')`);
});

test("a search with filters lists what the filters list, for every value and range of days: the index's filter terms agree with the columns", async () => {
  // "story" is in every request, so the search with a filter must list exactly what the filter alone lists.
  const filters = [
    'status=new',
    'status=in_review',
    'status=quoted',
    'status=licensed',
    'medium=online',
    'medium=print',
    'medium=broadcast',
    'medium=print_and_online',
    'territory=worldwide',
    'territory=region',
    'territory=single_country',
    'country=FR',
    'country=GB',
    'country=DE',
    'country=IT',
    'country=US',
    'status=new&medium=print&territory=region&country=IT',
    'status=quoted&country=FR',
    'from=2026-01-06&to=2026-01-08',
    'from=2026-01-10',
    'to=2026-01-06',
    'from=2025-12-31&to=2026-02-01',
    'from=2026-01-01&to=2026-12-31',
    'status=new&medium=online&from=2026-01-07&to=2026-01-09',
    'from=2026-01-09&to=2026-01-08',
  ];
  for (const f of filters) {
    const alone = await all(`?${f}`);
    assert.deepEqual(await all(`?q=story&${f}`), alone, f);
  }
  // The terms themselves, as the index holds them after inserts and the status updates in before().
  const byTerms = (filter: Parameters<typeof facetTerms>[0]) =>
    t.db
      .prepare('SELECT rowid FROM request_search WHERE request_search MATCH ? ORDER BY rowid')
      .pluck()
      .all(facetTerms(filter));
  const ids = (where: string) => t.db.prepare(`SELECT id FROM requests WHERE ${where} ORDER BY id`).pluck().all();
  assert.deepEqual(byTerms({ status: 'in_review' }), ids(`status = 'in_review'`));
  assert.deepEqual(
    byTerms({ medium: 'broadcast', territory: 'single_country' }),
    ids(`medium = 'broadcast' AND territory = 'single_country'`),
  );
  assert.deepEqual(byTerms({ country: 'DE' }), ids(`org_country = 'DE' OR ' ' || countries || ' ' LIKE '% DE %'`));
  // A typed word never reaches a filter term: none of these is in any request's text.
  for (const q of ['sinreview', 'snew', 'cfr', 'mprint', 'tworldwide', '^snew'])
    assert.deepEqual(await all(`?q=${encodeURIComponent(q)}`), [], q);
});

test("the filter terms follow a request's status, and a term typed into a field does not put a request under a filter", async () => {
  const [forged] = seedRequests(t.container, 1, {
    start: new Date('2026-03-02T09:00:00Z'),
    stepMs: 0,
    vary(_i, r) {
      r.requester.name = 'Mallory ^squoted ^mbook';
      r.requester.email = 'mal^lory@example.org';
      r.usage.medium = 'online';
    },
  });
  try {
    assert.deepEqual(await all('?q=mallory'), [forged.reference]);
    assert.deepEqual(
      await all(`?q=${encodeURIComponent('mal^lory@example.org')}`),
      [forged.reference],
      'a "^" inside a word is part of it',
    );
    assert.deepEqual(await all('?q=squoted'), [], 'a word typed after a "^" does not reach the term');
    assert.deepEqual(await all('?q=mallory&status=quoted'), [], 'the status column decides, not the term');
    assert.deepEqual(await all('?q=mallory&medium=book'), []);
    t.db.prepare(`UPDATE requests SET status = 'quoted' WHERE id = ?`).run(forged.id);
    assert.deepEqual(await all('?q=mallory&status=quoted'), [forged.reference]);
    assert.deepEqual(await all('?q=mallory&status=new'), [], 'the trigger took the old status term away');
  } finally {
    t.db.prepare('DELETE FROM requests WHERE id = ?').run(forged.id);
  }
});

test('search finds a request by its second article', async () => {
  // Words are prefixes: "14" also finds 140–149.
  const prefixed = (n: number) => expected((i) => i % 6 === 2 && String(i).startsWith(String(n)));
  assert.deepEqual(await all('?q=extra-14'), prefixed(14));
  assert.deepEqual(await all('?q=second+piece+8'), prefixed(8));
  assert.ok(prefixed(8).includes(refOf(8)));
});

test('age and overdue: untouched new and in-review requests after 2 working days', async () => {
  const res = await agent.get('/staff/requests?status=in_review').expect(200);
  assert.doesNotMatch(res.text, /class="overdue"/);
  const overdue = await all('?overdue=1');
  assert.deepEqual(
    overdue,
    expected((i) => ![3, 4].includes((i + 1) % 10)),
  );
  const page = await agent.get('/staff/requests?status=new').expect(200);
  assert.match(page.text, /<tr class="overdue">/);
  assert.match(page.text, /days ago/);
});

test('invalid filter values are ignored and said so', async () => {
  const res = await agent.get('/staff/requests?status=bogus&from=2026-13-45&country=XX&after=garbage').expect(200);
  assert.match(res.text, /Ignored a filter value that is not valid: status, received from, country/);
  assert.equal(refs(res.text).length, 50);
  const feb31 = await agent.get('/staff/requests?to=2026-02-31').expect(200);
  assert.match(
    feb31.text,
    /Ignored a filter value that is not valid: received to/,
    '31 February is not rolled into March',
  );
});

test('every filter shape is served by an index, never a full scan of requests', () => {
  const shapes = [
    {},
    { status: 'new' as const },
    { medium: 'print' },
    { territory: 'region' },
    { country: 'FR' },
    { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' },
    { match: searchQuery('ada') },
    { overdueBefore: '2026-03-01T00:00:00Z' },
    { status: 'new' as const, medium: 'print', match: searchQuery('x') },
    { match: searchQuery('story'), country: 'FR' },
    { reference: 'REP-2026-000001' },
    { country: 'FR', medium: 'print' },
  ];
  for (const shape of shapes) {
    const plans = plansOf(t.config.databasePath, (db) => {
      deskQueries(db).page(shape, { after: { at: '2026-01-10T00:00:00.000Z', id: 100 } }, 50);
    });
    // The page's own query is the last one it runs (a dated search first reads the oldest and newest days).
    const plan = plans.at(-1) ?? '';
    assert.match(
      plan,
      /USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY|VIRTUAL TABLE/,
      `${JSON.stringify(shape)}: ${plan}`,
    );
    assert.doesNotMatch(plan, /\bSCAN r\b(?! USING)/, `${JSON.stringify(shape)}: ${plan}`);
    // "Overdue" reads two status ranges (new, in review) and sorts their union; every other shape reads one
    // index in queue order and stops after a page.
    if (!('overdueBefore' in shape))
      assert.doesNotMatch(plan, /USE TEMP B-TREE FOR ORDER BY/, `${JSON.stringify(shape)}: ${plan}`);
  }
});
