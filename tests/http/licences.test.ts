// The licence as a document and its public check, through the real app: the licence email states the licence and
// links to both; the licence page names licensor, licensee, articles, use, period, fee, conditions and the check
// (as text and QR code); /licences/verify answers valid, expired or not found — never with personal data or the
// fee — and counts only wrong guesses towards its per-IP limit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { addUser, signIn, DESK_ENV, type Agent } from '../helpers/desk.js';
import { acceptAsRequester, post, submit } from '../helpers/desk-flow.js';
import { licensedRequest, mailWithSubject as mailWithSubjectFrom, requestRow } from '../helpers/licence-flow.js';
import { validRequest } from '../helpers/fixtures.js';

const validOrganisation = validRequest().organisation;

let smtp: TestSmtp;
let t: TestApp;
let desk: Agent;

before(async () => {
  smtp = await startSmtp();
  t = await buildTestApp({
    ...DESK_ENV,
    SMTP_URL: smtp.url,
    PUBLISHER_NAME: 'Le Quotidien Exemple SA',
    PUBLISHER_ADDRESS: '12 rue de l’Exemple, 75002 Paris, France',
    PUBLISHER_CONTACT: 'licences@quotidien.example',
  });
  await addUser(t, 'staff@reprise.test');
  desk = await signIn(t, 'staff@reprise.test');
  t.container.worker.start();
});
after(async () => {
  await t.close();
  await smtp.close();
});

const row = (reference: string) => requestRow(t, reference);
const licensed = (overrides: Record<string, unknown> = {}) => licensedRequest(t, desk, smtp, overrides);
const mailWithSubject = (text: string) => mailWithSubjectFrom(smtp, text);

const verify = (number: string, code: string, lang = 'en') =>
  request(t.server).get('/licences/verify').query({ number, code, lang });

test('the licence email states the licence and links to the document and the public check', async () => {
  const { mail, stored } = await licensed();
  const code = String(stored.licence_code);
  assert.match(code, /^[0-9a-f]{20}$/);
  assert.equal(stored.licence_conditions_version, '2026-12-2');
  const printed = code.match(/.{4}/g)!.join('-');
  const text = mail.text!;
  for (const expected of [
    `Code de vérification\u202f: ${printed}`,
    'Titulaire\u202f: Daily Planet (Royaume-Uni)',
    'Langue de publication\u202f: anglais',
    'Traduction autorisée\u202f: Non',
    'Audience\u202f: 50\u202f000',
    'Exclusivité\u202f: Non',
    `/licensing/requests/${stored.access_token}/licence`,
    `/licences/verify?number=${stored.licence_number}&code=${printed}`,
  ]) {
    assert.ok(text.includes(expected), `${expected} in:\n${text}`);
  }
});

test('the licence page names everything the licence grants, and the check as text and QR code', async () => {
  const { reference, stored } = await licensed();
  const page = await request(t.server).get(`/licensing/requests/${stored.access_token}/licence`).expect(200);
  assert.equal(page.headers['cache-control'], 'no-store');
  const html = page.text;
  assert.match(html, /<html lang="fr"/);
  for (const expected of [
    String(stored.licence_number),
    'Le Quotidien Exemple SA',
    '12 rue de l’Exemple, 75002 Paris, France',
    'licences@quotidien.example',
    'Daily Planet',
    'Jeanne Martin',
    'A story worth telling',
    'https://news.example/2026/story',
    '1 janvier 2027',
    '31 décembre 2027',
    '450,00',
    'Publié à l’origine par news.example',
    'Conditions de licence (version <bdi dir="ltr">2026-12-2</bdi>)',
    String(stored.licence_code).match(/.{4}/g)!.join('-'),
  ]) {
    assert.ok(html.includes(expected), `${expected} on the licence page`);
  }
  assert.match(html, /<svg role="img" aria-label="Code QR qui ouvre la vérification de cette licence"/);
  assert.match(html, /\/licences\/verify\?number=LIC-\d{4}-\d{6}&amp;code=[0-9a-f-]{24}/);
  // The desk opens the same document; a request not yet licensed has none.
  const fromDesk = await desk.get(`/staff/requests/${reference}/licence`).expect(200);
  assert.ok(fromDesk.text.includes(String(stored.licence_number)));
  const fresh = await submit(t);
  await request(t.server)
    .get(`/licensing/requests/${row(fresh).access_token}/licence`)
    .expect(404);
  await request(t.server).get(`/staff/requests/${reference}/licence`).expect(303);
});

test('the public check: valid, expired and not found, with no personal data and no fee', async () => {
  const { stored } = await licensed();
  const number = String(stored.licence_number);
  const code = String(stored.licence_code);
  const form = await request(t.server).get('/licences/verify?lang=ar').expect(200);
  assert.match(form.text, /<html lang="ar" dir="rtl"/);
  assert.match(form.text, /التحقق من ترخيص/);

  // The clock is today (December 2026): the licence, from 1 January 2027, is genuine but not started yet.
  const early = await verify(number, code).expect(200);
  assert.match(early.text, /This licence is genuine; it starts on 1 January 2027\./);
  const into2027 = new Date('2027-03-01T12:00:00Z').getTime() - t.clock.now.getTime();
  t.clock.advance(into2027);
  const valid = await verify(` ${number.toLowerCase()} `, code.toUpperCase().match(/.{4}/g)!.join(' '), 'fr').expect(
    200,
  );
  assert.match(valid.text, /Cette licence est authentique/);
  for (const expected of [
    'Daily Planet',
    'A story worth telling',
    'https://news.example/2026/story',
    '31 décembre 2027',
  ]) {
    assert.ok(valid.text.includes(expected), expected);
  }
  for (const secret of ['Ada Lovelace', 'ada@example.org', '+44 20 7946 0000', 'Jeanne Martin', '450', 'Editor']) {
    assert.ok(!valid.text.includes(secret), `${secret} must not be in the public answer`);
  }

  t.clock.advance(-into2027);

  const mask = (html: string) => html.replace(/value="[^"]*"/g, '');
  const wrongCode = await verify(number, 'f'.repeat(20)).expect(404);
  const unknown = await verify('LIC-2026-999999', code).expect(404);
  assert.equal(mask(wrongCode.text), mask(unknown.text));
  assert.match(unknown.text, /No licence matches this number and code/);

  const end = new Date('2028-01-02T12:00:00Z').getTime() - t.clock.now.getTime();
  t.clock.advance(end);
  try {
    const expired = await verify(number, code).expect(200);
    assert.match(expired.text, /This licence is genuine but expired on 31 December 2027\./);
  } finally {
    t.clock.advance(-end);
  }
});

test('accepting online keeps the acceptance on the licence: another request licensed without it names no signer', async () => {
  const reference = await submit(t);
  assert.equal((await post(desk, reference, 'start_review')).status, 303);
  const quote = { fee_choice: 'indicative', valid_until: '2099-01-31' };
  assert.equal((await post(desk, reference, 'send_quote', quote)).status, 303);
  acceptAsRequester(t, reference);
  const licence = {
    licence_start: '2099-02-01',
    licence_end: '2100-02-01',
    credit_line: 'Originally published by news.example',
    link_back: 'https://news.example/2026/story',
  };
  assert.equal((await post(desk, reference, 'license', licence)).status, 303);
  const page = await request(t.server)
    .get(`/licensing/requests/${row(reference).access_token}/licence`)
    .expect(200);
  assert.match(page.text, /Accepted for the licensee by <bdi>Ada Lovelace<\/bdi>/);
});

test('revocation: admins only, with a reason and CSRF; the requester is told; the check and the pages say revoked', async () => {
  const { reference, stored } = await licensed({ requester: { name: 'Rose', email: 'rose@example.org' } });
  const number = String(stored.licence_number);
  const code = String(stored.licence_code);
  // Staff cannot revoke; an admin needs the form's token and a reason.
  const staffTry = await desk.post(`/staff/requests/${reference}/revoke`).type('form').send({ revoke_reason: 'x' });
  assert.equal(staffTry.status, 403);
  await addUser(t, 'admin@reprise.test', 'admin');
  const admin = await signIn(t, 'admin@reprise.test');
  const page = await admin.get(`/staff/requests/${reference}`).expect(200);
  assert.match(page.text, /Revoke the licence/);
  assert.equal(
    (await admin.post(`/staff/requests/${reference}/revoke`).type('form').send({ revoke_reason: 'x' })).status,
    403,
  );
  const empty = await post(admin, reference, 'revoke', { revoke_reason: ' ' });
  assert.equal(empty.status, 422);
  assert.match(empty.text, /Say why the licence is revoked/);

  const done = await post(admin, reference, 'revoke', { revoke_reason: 'The credit line was not printed.' });
  assert.equal(done.status, 303);
  const row2 = row(reference);
  assert.ok(row2.licence_revoked_at);
  assert.equal(row2.licence_revoke_reason, 'The credit line was not printed.');
  assert.equal(row2.status, 'licensed', 'the request and its accounting stand');
  const mail = await mailWithSubject(`${number} est révoquée`);
  assert.match(mail.text!, /Nous avons révoqué votre licence/);
  assert.match(mail.text!, /The credit line was not printed\./);

  const check = await verify(number, code).expect(200);
  assert.match(check.text, /This licence was revoked on \d{1,2} \w+ \d{4}: it no longer allows any use\./);
  const requester = await request(t.server).get(`/licensing/requests/${row2.access_token}`).expect(200);
  assert.match(requester.text, /Cette licence a été révoquée le/);
  assert.match(requester.text, new RegExp(`Licence ${number} révoquée`));
  const document = await request(t.server).get(`/licensing/requests/${row2.access_token}/licence`).expect(200);
  assert.match(document.text, /Cette licence a été révoquée le/);
  const again = await post(admin, reference, 'revoke', { revoke_reason: 'Twice' });
  assert.equal(again.status, 409);
  const audit = t.db
    .prepare(`SELECT actor, after_json FROM audit_log WHERE action = 'request.revoke_licence' AND subject_id = ?`)
    .all(String(row2.id)) as { actor: string; after_json: string }[];
  assert.equal(audit.length, 1);
  assert.equal(audit[0]!.actor, 'admin@reprise.test');
});

test('the desk’s licences view: current, ending, ended and revoked, searched by number, organisation or title', async () => {
  const current = await licensed({ organisation: { ...validOrganisation, name: 'Gazette du Nord' } });
  const ending = await licensed({ organisation: { ...validOrganisation, name: 'Ending Times' } });
  const ended = await licensed({
    organisation: { ...validOrganisation, name: 'Old Herald' },
    articles: [{ url: 'https://news.example/old', title: 'Un article ancien', portion: 'full' }],
  });
  const today = t.clock.now.toISOString().slice(0, 10);
  const inTenDays = new Date(t.clock.now.getTime() + 10 * 86_400_000).toISOString().slice(0, 10);
  t.db
    .prepare('UPDATE requests SET licence_start = ?, licence_end = ? WHERE reference = ?')
    .run(today, inTenDays, ending.reference);
  t.db
    .prepare(`UPDATE requests SET licence_start = '2025-01-01', licence_end = '2025-12-31' WHERE reference = ?`)
    .run(ended.reference);
  const list = async (query: string) => (await desk.get(`/staff/licences${query}`).expect(200)).text;
  const currentPage = await list('');
  assert.ok(currentPage.includes(String(current.stored.licence_number)));
  assert.ok(currentPage.includes(String(ending.stored.licence_number)), 'ending soon is still current');
  assert.ok(!currentPage.includes(String(ended.stored.licence_number)));
  const endingPage = await list('?state=ending');
  assert.ok(endingPage.includes('Ending Times') && !endingPage.includes('Gazette du Nord'));
  const endedPage = await list('?state=ended');
  assert.ok(endedPage.includes('Old Herald') && !endedPage.includes('Gazette du Nord'));
  assert.ok((await list(`?state=current&q=${current.stored.licence_number}`)).includes('Gazette du Nord'));
  const byName = await list('?state=active&q=gazette');
  assert.ok(byName.includes('Gazette du Nord') && !byName.includes('Ending Times'));
  assert.ok((await list('?state=ended&q=ancien')).includes('Old Herald'));
  assert.ok(!(await list('?state=active&q=%25')).includes('Gazette du Nord'), 'a % is searched for, not a wildcard');
  await request(t.server).get('/staff/licences').expect(303);

  // The counts above the tabs are read at most once a minute; a minute on, they are the database's.
  t.clock.advance(61_000);
  const counted = await list('');
  const endedCount = t.db
    .prepare(
      `SELECT COUNT(*) FROM requests WHERE status = 'licensed' AND licence_revoked_at IS NULL AND licence_end < ?`,
    )
    .pluck()
    .get(t.clock.now.toISOString().slice(0, 10)) as number;
  assert.ok(endedCount >= 1);
  assert.match(counted, new RegExp(`Ended <span class="count">${endedCount}</span>`));
});

// Last: the per-IP limit it reaches holds for the rest of this file's app.
test('wrong guesses are limited per IP; right answers do not count', async () => {
  const { stored } = await licensed({ requester: { name: 'Bob', email: 'bob@example.org' } });
  const number = String(stored.licence_number);
  const code = String(stored.licence_code);
  for (let i = 0; i < 5; i++) await verify(number, code).expect(200);
  let refused = 0;
  for (let i = 0; i < 12; i++) {
    const res = await verify(number, `${i}`.padStart(20, '0'));
    if (res.status === 429) refused++;
    else assert.equal(res.status, 404);
  }
  assert.ok(refused >= 1, 'the guesses after the limit are refused');
  assert.equal((await verify(number, code)).status, 429, 'the limit holds for the whole address until it resets');
});
