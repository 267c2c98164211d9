// A licence after it is issued, through the real app and a real SMTP server: the desk corrects it (a new version of
// the same number, the old copy still verifiable as superseded, the requester sent the new document), and a licence
// near its end reminds its holder once, with a link that opens the form filled in from it; the request sent from
// there records what it renews, and the desk sees the link both ways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { addUser, signIn, DESK_ENV, type Agent } from '../helpers/desk.js';
import { post } from '../helpers/desk-flow.js';
import { licensedRequest, mailWithSubject, requestRow } from '../helpers/licence-flow.js';
import { validRequest } from '../helpers/fixtures.js';
import { runRetention } from '../../src/services/retention.js';
import { SYSTEM } from '../../src/domain/accounts.js';

let smtp: TestSmtp;
let t: TestApp;
let desk: Agent;
let admin: Agent;

before(async () => {
  smtp = await startSmtp();
  t = await buildTestApp({ ...DESK_ENV, SMTP_URL: smtp.url, RENEWAL_REMINDER_DAYS: '30' });
  await addUser(t, 'staff@reprise.test');
  desk = await signIn(t, 'staff@reprise.test');
  await addUser(t, 'admin@reprise.test', 'admin');
  admin = await signIn(t, 'admin@reprise.test');
  t.container.worker.start();
});
after(async () => {
  await t.close();
  await smtp.close();
});

const licensed = (overrides: Record<string, unknown> = {}) => licensedRequest(t, desk, smtp, overrides);
const verify = (number: string, code: string, lang = 'en') =>
  request(t.server).get('/licences/verify').query({ number, code, lang });
const dayFromNow = (days: number) => new Date(t.clock.now.getTime() + days * 86_400_000).toISOString().slice(0, 10);

test('a corrected licence: same number, new version and code; the old copy verifies as superseded', async () => {
  const { reference, stored } = await licensed({ requester: { name: 'Inès', email: 'ines@example.org' } });
  const number = String(stored.licence_number);
  const oldCode = String(stored.licence_code);
  assert.equal(stored.licence_version, 1);

  const corrected = {
    licence_start: '2027-01-01',
    licence_end: '2028-06-30',
    credit_line: String(stored.credit_line),
    link_back: 'https://news.example/2026/story',
  };
  // Staff cannot correct a licence (it can end or lengthen it); an admin needs the form's token and a reason.
  const staffTry = await post(desk, reference, 'reissue', { ...corrected, version: '1', reissue_reason: 'x' });
  assert.equal(staffTry.status, 403);
  const staffPage = await desk.get(`/staff/requests/${reference}`).expect(200);
  assert.doesNotMatch(staffPage.text, /action="[^"]*\/reissue"/);
  const noReason = await post(admin, reference, 'reissue', { ...corrected, version: '1', reissue_reason: '  ' });
  assert.equal(noReason.status, 422);
  assert.match(noReason.text, /Say what the new version corrects/);
  const badDate = await post(admin, reference, 'reissue', {
    version: '1',
    ...corrected,
    licence_end: '2026-01-01',
    reissue_reason: 'x',
  });
  assert.equal(badDate.status, 422);
  assert.match(badDate.text, /The end date must be after the start date/);
  assert.equal(requestRow(t, reference).licence_version, 1, 'a refused correction changes nothing');
  const noCsrf = await admin.post(`/staff/requests/${reference}/reissue`).type('form').send(corrected);
  assert.equal(noCsrf.status, 403);

  const done = await post(admin, reference, 'reissue', {
    ...corrected,
    version: '1',
    reissue_reason: 'The licence runs to the end of June 2028, as agreed.',
  });
  assert.equal(done.status, 303);
  const now = requestRow(t, reference);
  assert.equal(now.licence_number, number, 'the number stays');
  assert.equal(now.licence_version, 2);
  assert.equal(now.licence_end, '2028-06-30');
  assert.match(String(now.licence_code), /^[0-9a-f]{20}$/);
  assert.notEqual(now.licence_code, oldCode);
  const kept = t.db.prepare('SELECT * FROM licence_versions WHERE request_id = ?').all(now.id) as Record<
    string,
    unknown
  >[];
  assert.equal(kept.length, 1);
  assert.equal(kept[0]!.version, 1);
  assert.equal(kept[0]!.licence_code, oldCode);
  assert.equal(kept[0]!.licence_end, '2027-12-31');

  // The requester is emailed the new version in French, with its new code and the new document attached.
  const mail = await mailWithSubject(smtp, `Votre licence corrigée ${number}`);
  assert.equal(JSON.stringify(mail.to).includes('ines@example.org'), true);
  assert.match(mail.text!, /Nous avons délivré la version 2 de votre licence/);
  assert.match(mail.text!, /The licence runs to the end of June 2028, as agreed\./);
  assert.ok(mail.text!.includes(String(now.licence_code).match(/.{4}/g)!.join('-')), 'the new code');
  assert.ok(!mail.text!.includes(oldCode.match(/.{4}/g)!.join('-')), 'not the old one');
  if (t.container.pdf.available()) {
    const pdf = mail.attachments.find((a) => a.contentType === 'application/pdf');
    assert.ok(pdf, 'the corrected licence is attached');
    assert.equal(pdf.filename, `${number}.pdf`);
  }

  // The public check: the old copy answers "superseded" with the terms printed on it; the new one is genuine.
  const old = await verify(number, oldCode).expect(200);
  assert.match(old.text, /this copy is version 1, replaced on \d{1,2} \w+ 2026 by a corrected version/);
  assert.ok(old.text.includes('31 December 2027'), 'the old copy’s end date');
  assert.ok(!old.text.includes('Inès') && !old.text.includes('ines@example.org'));
  const current = await verify(number, String(now.licence_code)).expect(200);
  assert.match(current.text, /This licence is genuine; it starts on 1 January 2027\./);
  assert.ok(current.text.includes('30 June 2028'));
  const arabic = await verify(number, oldCode, 'ar').expect(200);
  assert.match(arabic.text, /هذه النسخة هي الإصدار/);

  // The document says which version it is; the desk shows the superseded one; both histories say it.
  const documentPage = await request(t.server).get(`/licensing/requests/${now.access_token}/licence`).expect(200);
  assert.match(documentPage.text, /Version 2, qui remplace les versions antérieures de cette licence/);
  // A second correction made from a page that still showed version 1 is refused: it would undo this one.
  const stale = await post(admin, reference, 'reissue', { ...corrected, version: '1', reissue_reason: 'Stale' });
  assert.equal(stale.status, 409);
  assert.match(stale.text, /Someone corrected this licence just now \(version 2\)/);
  const deskPage = await admin.get(`/staff/requests/${reference}`).expect(200);
  assert.match(deskPage.text, /<dt>Version 1<\/dt><dd>Superseded .*The licence runs to the end of June 2028/);
  assert.match(deskPage.text, /Correct the licence \(issue version 3\)/);
  const requesterPage = await request(t.server).get(`/licensing/requests/${now.access_token}`).expect(200);
  assert.match(requesterPage.text, new RegExp(`Licence ${number} corrigée\u202f: version 2 délivrée`));
  const audit = t.db
    .prepare(`SELECT actor, after_json FROM audit_log WHERE action = 'request.reissue_licence' AND subject_id = ?`)
    .all(String(now.id)) as { actor: string; after_json: string }[];
  assert.equal(audit.length, 1);
  assert.equal(audit[0]!.actor, 'admin@reprise.test');
  assert.equal(JSON.parse(audit[0]!.after_json).version, 2);

  // Revoked, the licence cannot be corrected, and every copy of it, old or new, says revoked.
  t.db.prepare(`UPDATE requests SET licence_revoked_at = '2026-12-01T00:00:00Z' WHERE id = ?`).run(now.id);
  const revoked = await post(admin, reference, 'reissue', { ...corrected, version: '2', reissue_reason: 'Again' });
  assert.equal(revoked.status, 409);
  assert.equal(requestRow(t, reference).licence_version, 2);
  assert.match((await verify(number, oldCode).expect(200)).text, /This licence was revoked on 1 December 2026/);
});

test('the renewal reminder goes once, in the holder’s language, to licences ending within 30 days', async () => {
  const ending = await licensed({ requester: { name: 'Amal', email: 'amal@example.org' }, locale: 'ar' });
  const later = await licensed({ requester: { name: 'Later', email: 'later@example.org' } });
  const revoked = await licensed({ requester: { name: 'Revoked', email: 'revoked@example.org' } });
  const short = await licensed({ requester: { name: 'Short', email: 'short@example.org' } });
  const setEnd = (reference: string, end: string) =>
    t.db
      .prepare(`UPDATE requests SET licence_start = ?, licence_end = ? WHERE reference = ?`)
      .run(dayFromNow(-300), end, reference);
  setEnd(ending.reference, dayFromNow(20));
  setEnd(later.reference, dayFromNow(45));
  setEnd(revoked.reference, dayFromNow(10));
  // Three weeks from today: reminded in the last third of its life (from day 14), not the day it was issued.
  t.db
    .prepare(`UPDATE requests SET licence_start = ?, licence_end = ? WHERE reference = ?`)
    .run(dayFromNow(0), dayFromNow(21), short.reference);
  t.db
    .prepare(`UPDATE requests SET licence_revoked_at = ? WHERE reference = ?`)
    .run(t.clock.now.toISOString(), revoked.reference);

  const reminders = t.container.services.renewalReminders;
  assert.equal(reminders.remind(), 1);
  assert.equal(reminders.remind(), 0, 'a second run finds nothing');
  const number = String(ending.stored.licence_number);
  const mail = await mailWithSubject(smtp, `ينتهي ترخيصكم ${number}`);
  assert.equal(JSON.stringify(mail.to).includes('amal@example.org'), true);
  assert.match(mail.text!, /اطلبوا منا تجديد الترخيص/);
  const link = `/licensing/requests/${ending.stored.access_token}/renew`;
  assert.ok(mail.text!.includes(link), 'the renewal link');
  const rows = t.db.prepare(`SELECT recipient FROM outbox WHERE template = 'licence_renewal' ORDER BY id`).all() as {
    recipient: string;
  }[];
  assert.deepEqual(
    rows.map((r) => r.recipient),
    ['amal@example.org'],
  );
  const reminded = requestRow(t, ending.reference);
  assert.ok(reminded.renewal_reminded_at);

  // A correction that keeps the end date keeps the reminder sent; one that moves the end date is reminded anew.
  const terms = {
    licence_start: String(reminded.licence_start),
    licence_end: String(reminded.licence_end),
    credit_line: String(reminded.credit_line),
    link_back: 'https://news.example/2026/corrected',
  };
  const sameEnd = { ...terms, version: '1', reissue_reason: 'Link' };
  assert.equal((await post(admin, ending.reference, 'reissue', sameEnd)).status, 303);
  assert.equal(requestRow(t, ending.reference).renewal_reminded_at, reminded.renewal_reminded_at);
  assert.equal(reminders.remind(), 0);
  const movedEnd = { ...terms, licence_end: dayFromNow(25), version: '2', reissue_reason: 'Five more days' };
  assert.equal((await post(admin, ending.reference, 'reissue', movedEnd)).status, 303);
  assert.equal(requestRow(t, ending.reference).renewal_reminded_at, null);
  assert.equal(reminders.remind(), 1);

  // Fifteen days on, the later licence is within 30 days of its end and the short one in its last third: their
  // reminders go, nobody else's again.
  t.clock.advance(15 * 86_400_000);
  try {
    assert.equal(reminders.remind(), 2, 'the later licence and the short one');
    assert.equal(
      (t.db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE template = 'licence_renewal'`).get() as { n: number }).n,
      4,
    );
  } finally {
    t.clock.advance(-15 * 86_400_000);
  }
});

test('the renewal link opens the form filled in from the licence; the new request records what it renews', async () => {
  const { reference, stored } = await licensed({
    requester: { name: 'Renée', email: 'renee@example.org' },
    articles: [
      { url: 'https://news.example/2026/one', title: 'Premier article', portion: 'full' },
      { url: 'https://news.example/2026/two', title: 'Second article', portion: 'extract', extractWords: 300 },
    ],
  });
  const token = String(stored.access_token);
  const form = await request(t.server).get(`/licensing/requests/${token}/renew`).expect(200);
  assert.equal(form.headers['cache-control'], 'no-store');
  assert.match(form.text, /<html lang="fr"/);
  assert.match(form.text, new RegExp(`Vous demandez le renouvellement de la licence \u2066${stored.licence_number}`));
  for (const expected of [
    'value="https://news.example/2026/one"',
    'value="Premier article"',
    'value="https://news.example/2026/two"',
    'value="300"',
    'value="Renée"',
    'value="renee@example.org"',
    'value="2028-01-01"', // the day after the licence ends
    `name="renews" value="${token}"`,
  ]) {
    assert.ok(form.text.includes(expected), expected);
  }
  await request(t.server).get('/licensing/requests/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/renew').expect(404);

  // Sent as the form sends it (consent given again), the new request points at the licence it renews.
  const fields = Object.fromEntries(
    [...form.text.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
  );
  for (const [name, value] of [...form.text.matchAll(/<select[^>]*name="([^"]+)"[\s\S]*?<\/select>/g)].map(
    (m) => [m[1]!, /<option value="([^"]*)" selected>/.exec(m[0])?.[1] ?? ''] as const,
  )) {
    fields[name] = value;
  }
  for (const [name, value] of [...form.text.matchAll(/<input[^>]*type="radio"[^>]*>/g)]
    .filter((m) => m[0].includes(' checked'))
    .map((m) => [/name="([^"]+)"/.exec(m[0])![1]!, /value="([^"]*)"/.exec(m[0])![1]!] as const)) {
    fields[name] = value;
  }
  t.clock.advance(5_000); // past the form's minimum fill time
  const sent = await request(t.server)
    .post('/licensing')
    .type('form')
    .send({ ...fields, consent: 'true', action: 'submit', nickname: '' });
  assert.equal(sent.status, 303, sent.text.slice(0, 2000));
  const renewal = t.db
    .prepare('SELECT reference, renews_request_id FROM requests WHERE renews_request_id IS NOT NULL ORDER BY id DESC')
    .get() as { reference: string; renews_request_id: number };
  assert.equal(renewal.renews_request_id, stored.id);
  const articles = t.db
    .prepare(
      'SELECT url, portion, extract_words FROM request_articles a JOIN requests r ON r.id = a.request_id WHERE r.reference = ? ORDER BY position',
    )
    .all(renewal.reference);
  assert.deepEqual(articles, [
    { url: 'https://news.example/2026/one', portion: 'full', extract_words: null },
    { url: 'https://news.example/2026/two', portion: 'extract', extract_words: 300 },
  ]);

  const renewalToken = String(requestRow(t, renewal.reference).access_token);
  const renewalPage = await request(t.server).get(`/licensing/requests/${renewalToken}`).expect(200);
  assert.ok(renewalPage.text.includes(`Cette demande renouvelle la licence <bdi>${stored.licence_number}</bdi>.`));

  // The desk sees the link both ways; the licence is not reminded once it is being renewed.
  const newPage = await desk.get(`/staff/requests/${renewal.reference}`).expect(200);
  assert.match(
    newPage.text,
    new RegExp(`<dt>Renews</dt><dd><a class="reference" href="/staff/requests/${reference}">`),
  );
  const oldPage = await desk.get(`/staff/requests/${reference}`).expect(200);
  assert.match(
    oldPage.text,
    new RegExp(`<dt>Renewed by</dt><dd><a class="reference" href="/staff/requests/${renewal.reference}">`),
  );
  t.db.prepare('UPDATE requests SET licence_end = ? WHERE id = ?').run(dayFromNow(5), stored.id);
  t.container.services.renewalReminders.remind();
  assert.equal(
    (
      t.db
        .prepare(`SELECT COUNT(*) AS n FROM outbox WHERE template = 'licence_renewal' AND request_id = ?`)
        .get(stored.id) as { n: number }
    ).n,
    0,
  );

  // The same form with the token of a request that holds no licence links nothing.
  const unlicensed = await request(t.server).post('/api/v1/requests').send(validRequest()).expect(201);
  const otherToken = String(requestRow(t, unlicensed.body.reference as string).access_token);
  const blank = await request(t.server).get('/licensing').expect(200);
  const formToken = /name="form_token" value="([^"]+)"/.exec(blank.text)![1]!;
  t.clock.advance(5_000);
  const forged = await request(t.server)
    .post('/licensing')
    .type('form')
    .send({ ...fields, form_token: formToken, renews: otherToken, consent: 'true', action: 'submit', nickname: '' });
  assert.equal(forged.status, 303);
  const newest = t.db.prepare('SELECT renews_request_id FROM requests ORDER BY id DESC LIMIT 1').get() as {
    renews_request_id: number | null;
  };
  assert.equal(newest.renews_request_id, null);
});

test('the licences export: the request export limited to licences in a state, with their licence columns', async () => {
  const soon = await licensed({ requester: { name: 'Soon', email: 'soon@example.org' } });
  t.db
    .prepare('UPDATE requests SET licence_start = ?, licence_end = ? WHERE reference = ?')
    .run(dayFromNow(-100), dayFromNow(12), soon.reference);
  const endingNow = t.db
    .prepare(
      `SELECT reference FROM requests WHERE status = 'licensed' AND licence_revoked_at IS NULL
         AND licence_end BETWEEN ? AND ? ORDER BY id`,
    )
    .pluck()
    .all(dayFromNow(0), dayFromNow(30)) as string[];
  assert.ok(endingNow.includes(soon.reference));

  const view = await admin.get('/staff/licences?state=ending').expect(200);
  assert.match(view.text, /<a href="\/admin\/export\?licence=ending">Export these licences<\/a>/);
  assert.match(view.text, /Ending within 30 days/);
  const form = await admin.get('/admin/export?licence=ending').expect(200);
  assert.match(form.text, /name="licence" value="ending" checked/);
  assert.match(form.text, new RegExp(`<strong>${endingNow.length}</strong> request`));

  const res = await admin.get('/admin/export/download?licence=ending&format=ndjson').buffer(true).expect(200);
  assert.match(String(res.headers['content-disposition']), /filename="reprise-requests_all_licence-ending\.ndjson"/);
  const records = String(res.text)
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { reference: string; status: string; licence: Record<string, unknown> });
  assert.deepEqual(
    records.map((record) => record.reference),
    endingNow,
  );
  const mine = records.find((record) => record.reference === soon.reference)!;
  assert.equal(mine.status, 'licensed');
  assert.equal(mine.licence.number, soon.stored.licence_number);
  assert.equal(mine.licence.end, dayFromNow(12));
  assert.equal(mine.licence.version, 1);
  const audit = t.db
    .prepare(`SELECT after_json FROM audit_log WHERE action = 'export' ORDER BY id DESC`)
    .pluck()
    .get() as string;
  assert.deepEqual(JSON.parse(audit).filters.licences.states, ['ending']);
  await admin.get('/admin/export?licence=expired').expect(400);
  await desk.get('/admin/export?licence=ending').expect(403);
});

test('retention keeps a licence holder’s details while the licence runs, and then erases the reasons too', async () => {
  const { reference, stored } = await licensed({ requester: { name: 'Keep', email: 'keep@example.org' } });
  const terms = {
    licence_start: '2027-01-01',
    licence_end: '2027-12-31',
    credit_line: String(stored.credit_line),
    link_back: 'https://news.example/2026/story',
    version: '1',
    reissue_reason: 'Corrected at the request of Mr Keep.',
  };
  assert.equal((await post(admin, reference, 'reissue', terms)).status, 303);
  const threeYearsAgo = new Date(t.clock.now.getTime() - 3 * 365 * 86_400_000).toISOString();
  t.db
    .prepare(`UPDATE requests SET closed_at = ?, licence_revoked_at = ?, licence_revoke_reason = ? WHERE id = ?`)
    .run(threeYearsAgo, threeYearsAgo, 'Mr Keep asked us to.', stored.id);
  const retain = () => runRetention(t.db, { months: 24, now: t.clock.now, actor: SYSTEM });

  // Licensed three years ago, the licence runs to next year: nothing of it is erased.
  retain();
  assert.equal(requestRow(t, reference).anonymised_at, null);
  assert.equal(requestRow(t, reference).requester_email, 'keep@example.org');

  // Ended three years ago: erased, with the revocation's and the correction's reasons.
  t.db.prepare('UPDATE requests SET licence_end = ? WHERE id = ?').run(threeYearsAgo.slice(0, 10), stored.id);
  retain();
  const erased = requestRow(t, reference);
  assert.ok(erased.anonymised_at);
  assert.equal(erased.requester_email, '[erased]');
  assert.equal(erased.licence_revoke_reason, '[erased]');
  assert.equal(erased.licence_number, stored.licence_number, 'the licence itself stays on record');
  const reasons = t.db.prepare('SELECT reason FROM licence_versions WHERE request_id = ?').pluck().all(stored.id);
  assert.deepEqual(reasons, ['[erased]']);
});
