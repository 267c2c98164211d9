// The requester's side of the deal through the real app: the page at the private address, accepting a quote
// (once, only while valid, only in the right state), declining and withdrawing with a confirmation step, the
// instant licence for standard requests, messages both ways, and "lost the link?" — with the rows in SQLite and
// the emails a real SMTP server received.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { addUser, signIn, DESK_ENV, type Agent } from '../helpers/desk.js';
import { ACTION_FIELDS, PATH_TO, acceptAsRequester, auditOf, post, statusOf, submit } from '../helpers/desk-flow.js';
import { STATUSES, canApply, transition, type RequesterAction } from '../../src/domain/workflow.js';
import { futureDate, validRequest } from '../helpers/fixtures.js';
import { i18nFor } from '../../src/i18n/index.js';

let smtp: TestSmtp;
let t: TestApp;
let desk: Agent;

before(async () => {
  smtp = await startSmtp();
  t = await buildTestApp({ ...DESK_ENV, SMTP_URL: smtp.url, DESK_EMAIL: 'desk@reprise.test' });
  await addUser(t, 'staff@reprise.test');
  desk = await signIn(t, 'staff@reprise.test');
  t.container.worker.start();
});
after(async () => {
  await t.close();
  await smtp.close();
});

const row = (reference: string) =>
  t.db.prepare('SELECT * FROM requests WHERE reference = ?').get(reference) as Record<string, unknown>;
const tokenOf = (reference: string) => row(reference).access_token as string;
const pageOf = (reference: string, query = '') => `/licensing/requests/${tokenOf(reference)}${query}`;
const formTokenIn = (html: string) => /name="form_token" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** Submits a request and waits for its two emails; returns its reference. */
async function fresh(overrides: Record<string, unknown> = {}) {
  await settle();
  const count = smtp.messages.length;
  const reference = await submit(t, overrides);
  await smtp.waitFor(count + 2);
  return reference;
}

/** A request the desk has quoted (final fee £450, valid until `validUntil`). */
async function quoted(validUntil = '2099-01-31', overrides: Record<string, unknown> = {}) {
  const reference = await fresh(overrides);
  assert.equal((await post(desk, reference, 'start_review')).status, 303);
  const count = smtp.messages.length;
  const fields = { fee_choice: 'final', final_fee: '450.00', fee_reason: 'Two uses agreed', valid_until: validUntil };
  assert.equal((await post(desk, reference, 'send_quote', fields)).status, 303);
  await smtp.waitFor(count + 1);
  return reference;
}

/** Posts one of the page's forms as a browser would: with the token from the page itself. */
async function act(reference: string, action: string, fields: Record<string, string> = {}) {
  const page = await request(t.server).get(pageOf(reference)).expect(200);
  return request(t.server)
    .post(`${pageOf(reference)}/${action}`)
    .type('form')
    .send({ form_token: formTokenIn(page.text), ...fields });
}

/** Waits until the outbox has sent everything queued so far, so a test counts only its own emails. */
async function settle() {
  // Due now: the expired-quote test queued two emails two days ahead of the clock it then set back.
  const pending = t.db
    .prepare("SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sending') AND next_attempt_at <= ?")
    .pluck();
  const started = Date.now();
  while ((pending.get(t.clock.now.toISOString()) as number) > 0) {
    if (Date.now() - started > 10_000) {
      const rows = t.db
        .prepare(
          "SELECT template, status, attempts, last_error, next_attempt_at FROM outbox WHERE status IN ('queued', 'sending')",
        )
        .all();
      throw new Error(`The outbox did not empty: ${JSON.stringify(rows)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function mailsAfter(count: number, expected: number) {
  return (await smtp.waitFor(count + expected)).slice(count);
}

test('a quoted request: the page shows the quote, and the requester accepts it online once', async () => {
  const reference = await quoted();
  const page = await request(t.server).get(pageOf(reference)).expect(200);
  assert.equal(page.headers['cache-control'], 'no-store');
  assert.equal(page.headers['x-robots-tag'], 'noindex');
  assert.match(page.text, /Quote sent: waiting for your answer/);
  assert.match(page.text, /£450\.00/);
  assert.match(page.text, /Two uses agreed/);
  assert.match(page.text, /31 January 2099/);
  assert.match(page.text, /\(version <bdi>2026-12-2<\/bdi>\)/);
  assert.match(page.text, /<button type="submit" class="primary">Accept the quote \(£450\.00\)<\/button>/);
  assert.match(page.text, /Quote sent: £450\.00, valid until 31 January 2099/, 'the history speaks in words');

  // Without a name, then without the tick: the page again (422), nothing changed.
  const noName = await act(reference, 'accept', { signer_name: ' ', agree: 'yes' });
  assert.equal(noName.status, 422);
  assert.match(noName.text, /Type your full name to sign\./);
  const noTick = await act(reference, 'accept', { signer_name: 'Ada Lovelace' });
  assert.equal(noTick.status, 422);
  assert.match(noTick.text, /Tick the box to accept the quote/);
  assert.match(noTick.text, /value="Ada Lovelace"/, 'what was typed is kept');
  assert.equal(statusOf(t, reference), 'quoted');

  const count = smtp.messages.length;
  const accepted = await act(reference, 'accept', { signer_name: 'Ada  Lovelace', agree: 'yes' });
  assert.equal(accepted.status, 303);
  assert.match(accepted.headers.location, /\?done=accepted#done$/);
  // A replay of the same form (a double click) changes nothing more.
  const page2 = await request(t.server).get(pageOf(reference)).expect(200);
  assert.match(page2.text, /Quote accepted: your licence is being prepared/);
  const replay = await request(t.server)
    .post(`${pageOf(reference)}/accept`)
    .type('form')
    .send({ form_token: formTokenIn(page.text), signer_name: 'Ada Lovelace', agree: 'yes' });
  assert.equal(replay.status, 303);

  const stored = row(reference);
  assert.equal(stored.status, 'accepted');
  assert.equal(stored.accepted_name, 'Ada Lovelace');
  assert.equal(stored.accepted_conditions_version, '2026-12-2');
  assert.equal(stored.accepted_amount_minor, 45000);
  assert.ok(stored.accepted_at);
  const accepts = auditOf(t, reference).filter((entry) => entry.action === 'request.accept_quote');
  assert.equal(accepts.length, 1);
  assert.equal(accepts[0]!.actor, 'requester');
  assert.doesNotMatch(accepts[0]!.after_json, /Lovelace/, 'the signer’s name stays out of the append-only log');

  const [first, second] = await mailsAfter(count, 2);
  const toRequester = [first, second].find((m) => JSON.stringify(m!.to).includes('ada@example.org'))!;
  const toDesk = [first, second].find((m) => JSON.stringify(m!.to).includes('desk@reprise.test'))!;
  assert.equal(toRequester.subject, `Quote accepted: licensing request ${reference}`);
  assert.match(toRequester.text!, /You accepted our quote of £450\.00/);
  assert.match(toRequester.text!, /Signed by Ada Lovelace, under the licence conditions version 2026-12-2\./);
  assert.equal(toRequester.replyTo?.value[0]!.address, 'desk@reprise.test');
  assert.match(toRequester.text!, /Replies to this email reach our syndication desk at desk@reprise\.test\./);
  assert.match(toDesk.subject!, new RegExp(`Quote accepted: ${reference}`));
  assert.ok(toDesk.text!.includes(`/staff/requests/${reference}`), 'the desk email links to the desk');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(smtp.messages.length, count + 2, 'the replay sent nothing');

  // The desk sees the acceptance and licenses from it.
  const deskPage = await desk.get(`/staff/requests/${reference}`).expect(200);
  assert.match(deskPage.text, /by <bdi>Ada Lovelace<\/bdi>, £450\.00, conditions version 2026-12-2/);
  assert.match(deskPage.text, /Quote accepted \(£450\.00\), signed by Ada Lovelace/);
  const licence = {
    licence_start: '2099-02-01',
    licence_end: '2100-02-01',
    credit_line: 'Originally published by news.example',
    link_back: 'https://news.example/2026/story',
  };
  assert.equal((await post(desk, reference, 'license', licence)).status, 303);
  const licensed = await request(t.server).get(pageOf(reference)).expect(200);
  assert.match(licensed.text, /Licensed/);
  assert.match(licensed.text, new RegExp(reference.replace('REP', 'LIC')));
  assert.match(licensed.text, /Originally published by news\.example/);
});

test('an expired quote cannot be accepted: the page says so and asks for a new one, which the desk sends', async () => {
  const today = t.clock.now.toISOString().slice(0, 10);
  const reference = await quoted(today);
  t.clock.advance(2 * 86_400_000);
  try {
    const page = await request(t.server).get(pageOf(reference)).expect(200);
    assert.match(page.text, /This quote expired on/);
    assert.doesNotMatch(page.text, /Accept the quote \(/);
    assert.match(page.text, /Please send me a new quote for this request\.<\/textarea>/);
    const refused = await act(reference, 'accept', { signer_name: 'Ada Lovelace', agree: 'yes' });
    assert.equal(refused.status, 409);
    assert.match(refused.text, /This quote has expired and can no longer be accepted/);
    assert.equal(statusOf(t, reference), 'quoted');

    desk = await signIn(t, 'staff@reprise.test'); // two days on, the desk's session has expired
    const deskPage = await desk.get(`/staff/requests/${reference}`).expect(200);
    assert.match(deskPage.text, /Lapsed/);
    const fields = { fee_choice: 'final', final_fee: '460', fee_reason: 'Renewed', valid_until: '2099-03-31' };
    assert.equal((await post(desk, reference, 'send_quote', fields)).status, 303);
    assert.equal((await act(reference, 'accept', { signer_name: 'Ada Lovelace', agree: 'yes' })).status, 303);
    assert.equal(row(reference).accepted_amount_minor, 46000);
  } finally {
    t.clock.advance(-2 * 86_400_000);
    desk = await signIn(t, 'staff@reprise.test');
  }
});

test('actions in the wrong state are refused with 409 and a reason, never a 500', async () => {
  const reference = await fresh({ usage: { ...validRequest().usage, audience: 5_000_000 } });
  const accept = await act(reference, 'accept', { signer_name: 'Ada Lovelace', agree: 'yes' });
  assert.equal(accept.status, 409);
  assert.match(accept.text, /This can no longer be done: the request’s status is now “Received: waiting/);
  assert.equal((await act(reference, 'decline')).status, 409);
  assert.equal((await act(reference, 'license-now', { signer_name: 'Ada Lovelace', agree: 'yes' })).status, 409);
  assert.equal(statusOf(t, reference), 'new');
  const confirm = await request(t.server)
    .get(`${pageOf(reference)}/decline`)
    .expect(200);
  assert.doesNotMatch(confirm.text, /<form/, 'a new request has no quote to decline');
});

const PAGE_ACTIONS: Record<RequesterAction, { path: string; fields: Record<string, string> }> = {
  // Another signer than acceptAsRequester's: the same one again would be a replay, answered as done.
  accept_quote: { path: 'accept', fields: { signer_name: 'Grace Hopper', agree: 'yes' } },
  license_now: { path: 'license-now', fields: { signer_name: 'Grace Hopper', agree: 'yes' } },
  decline_quote: { path: 'decline', fields: { reason: '' } },
  withdraw_request: { path: 'withdraw', fields: { reason: '' } },
};

for (const from of STATUSES) {
  test(`from ${from}: the requester's allowed actions move the request, the others answer 409`, async () => {
    for (const [action, { path, fields }] of Object.entries(PAGE_ACTIONS) as [
      RequesterAction,
      (typeof PAGE_ACTIONS)[RequesterAction],
    ][]) {
      const reference = await submit(t);
      for (const step of PATH_TO[from]!) {
        if (step === 'accept_quote') acceptAsRequester(t, reference);
        else assert.equal((await post(desk, reference, step, ACTION_FIELDS[step])).status, 303);
      }
      assert.equal(statusOf(t, reference), from);
      const res = await act(reference, path, fields);
      if (canApply(from, action)) {
        assert.equal(res.status, 303, `${from} + ${action}`);
        assert.equal(statusOf(t, reference), transition(from, action));
        assert.equal(auditOf(t, reference).at(-1)!.actor, 'requester');
      } else {
        assert.equal(res.status, 409, `${from} + ${action} should be refused`);
        assert.equal(statusOf(t, reference), from);
      }
    }
  });
}

test('tokens: a guessed address gets 404, another request’s form token or none gets 403', async () => {
  const mine = await fresh();
  const theirs = await fresh({ requester: { name: 'Bob', email: 'bob@example.org' } });
  await request(t.server).get('/licensing/requests/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').expect(404);
  await request(t.server)
    .post('/licensing/requests/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/withdraw')
    .type('form')
    .send({})
    .expect(404);
  await request(t.server).get('/licensing/requests/not-a-token').expect(404);
  const theirPage = await request(t.server).get(pageOf(theirs)).expect(200);
  const forged = await request(t.server)
    .post(`${pageOf(mine)}/withdraw`)
    .type('form')
    .send({ form_token: formTokenIn(theirPage.text) });
  assert.equal(forged.status, 403);
  assert.match(forged.text, /This form has expired/);
  assert.equal(
    (
      await request(t.server)
        .post(`${pageOf(mine)}/withdraw`)
        .type('form')
        .send({})
    ).status,
    403,
  );
  assert.equal(statusOf(t, mine), 'new');
});

test('declining the quote takes a confirmation step; the desk is told with the reason', async () => {
  const reference = await quoted();
  const page = await request(t.server).get(pageOf(reference)).expect(200);
  assert.match(page.text, new RegExp(`href="${pageOf(reference)}/decline\\?lang=en"`));
  const confirm = await request(t.server)
    .get(`${pageOf(reference)}/decline`)
    .expect(200);
  assert.match(confirm.text, /<h1>Decline the quote\?<\/h1>/);
  assert.match(confirm.text, /<button type="submit" class="warning">Decline the quote<\/button>/);
  const count = smtp.messages.length;
  const declined = await request(t.server)
    .post(`${pageOf(reference)}/decline`)
    .type('form')
    .send({ form_token: formTokenIn(confirm.text), reason: 'Our budget <b>moved</b>' });
  assert.equal(declined.status, 303);
  const stored = row(reference);
  assert.equal(stored.status, 'declined');
  assert.equal(stored.closed_by, 'requester');
  assert.equal(stored.decline_reason, 'Our budget <b>moved</b>');
  const entry = auditOf(t, reference).find((e) => e.action === 'request.decline_quote')!;
  assert.deepEqual(JSON.parse(entry.after_json), { status: 'declined', reasonGiven: true });
  const [mail] = await mailsAfter(count, 1);
  assert.equal(mail!.subject, `Quote declined by the requester: ${reference}`);
  assert.match(mail!.text!, /Our budget <b>moved<\/b>/);
  assert.match(String(mail!.html), /Our budget &lt;b&gt;moved&lt;\/b&gt;/);
  const after = await request(t.server).get(pageOf(reference)).expect(200);
  assert.match(after.text, /You declined the quote/);
  assert.match(after.text, /Reason given: Our budget &lt;b&gt;moved&lt;\/b&gt;/);
});

test('withdrawing a new request: confirmed, closed by the requester, the desk told', async () => {
  const reference = await fresh();
  const confirm = await request(t.server)
    .get(`${pageOf(reference)}/withdraw?lang=fr`)
    .expect(200);
  assert.match(confirm.text, /Retirer votre demande\u202f\?/);
  const count = smtp.messages.length;
  const res = await request(t.server)
    .post(`${pageOf(reference)}/withdraw?lang=fr`)
    .type('form')
    .send({ form_token: formTokenIn(confirm.text) });
  assert.equal(res.status, 303);
  assert.match(res.headers.location, /\?lang=fr&done=withdrawn#done$/);
  assert.equal(statusOf(t, reference), 'withdrawn');
  assert.equal(row(reference).closed_by, 'requester');
  const [mail] = await mailsAfter(count, 1);
  assert.equal(mail!.subject, `Request withdrawn by the requester: ${reference}`);
});

test('a standard request is licensed at once from its page; above the limit it is not offered', async () => {
  const fr = validRequest({ locale: 'fr' });
  const reference = await fresh(fr);
  const page = await request(t.server).get(pageOf(reference)).expect(200);
  assert.match(page.text, /Accepter et obtenir la licence maintenant/);
  const count = smtp.messages.length;
  const res = await act(reference, 'license-now', { signer_name: 'Ada Lovelace', agree: 'yes' });
  assert.equal(res.status, 303);
  const stored = row(reference);
  assert.equal(stored.status, 'licensed');
  assert.equal(stored.licensed_automatically, 1);
  assert.equal(stored.licence_number, reference.replace('REP', 'LIC'));
  assert.equal(stored.accepted_amount_minor, stored.quote_total_minor);
  assert.equal(
    stored.credit_line,
    `Publié à l’origine par news.example. Republié sous la licence ${stored.licence_number}.`,
  );
  assert.equal(stored.licence_start, fr.usage.startDate);
  const mails = await mailsAfter(count, 2);
  const licence = mails.find((m) => JSON.stringify(m.to).includes('ada@example.org'))!;
  const toDesk = mails.find((m) => JSON.stringify(m.to).includes('desk@reprise.test'))!;
  assert.match(licence.subject!, new RegExp(`${stored.licence_number}`));
  assert.match(licence.text!, /Publié à l’origine par news\.example/);
  assert.match(toDesk.subject!, /^Licensed automatically: /);

  const big = await fresh({
    usage: { ...validRequest().usage, audience: 900_000, territory: 'worldwide', countries: undefined },
  });
  const bigPage = await request(t.server).get(pageOf(big)).expect(200);
  assert.ok((row(big).quote_total_minor as number) > 30000);
  assert.doesNotMatch(bigPage.text, /get the licence now/);
  assert.equal((await act(big, 'license-now', { signer_name: 'Ada Lovelace', agree: 'yes' })).status, 409);
  assert.equal(statusOf(t, big), 'new');
});

test('messages: the requester writes, the desk is emailed and answers, both pages show the thread', async () => {
  const reference = await fresh({ locale: 'ar' });
  const count = smtp.messages.length;
  const body = 'Can we run it <script>alert(1)</script>\non Monday?';
  assert.equal((await act(reference, 'messages', { message: body })).status, 303);
  const [toDesk] = await mailsAfter(count, 1);
  assert.match(toDesk!.subject!, new RegExp(`Message from the requester: ${reference}`));
  assert.ok(toDesk!.text!.includes(body));
  assert.ok(String(toDesk!.html).includes('&lt;script&gt;'));
  assert.equal(toDesk!.replyTo?.value[0]!.address, 'ada@example.org');
  assert.ok(row(reference).unanswered_since);

  const queue = await desk.get('/staff/requests?unanswered=1').expect(200);
  assert.ok(queue.text.includes(reference), 'the queue filters on unanswered messages');
  const deskPage = await desk.get(`/staff/requests/${reference}`).expect(200);
  assert.ok(deskPage.text.includes('Can we run it &lt;script&gt;alert(1)&lt;/script&gt;\non Monday?'));
  assert.match(deskPage.text, /Waiting for an answer/);

  const forged = await desk.post(`/staff/requests/${reference}/reply`).type('form').send({ reply: 'no token' });
  assert.equal(forged.status, 403, 'the desk’s reply form needs its CSRF token');
  const before = smtp.messages.length;
  assert.equal((await post(desk, reference, 'reply', { reply: 'Yes, Monday works.' })).status, 303);
  const [toRequester] = await mailsAfter(before, 1);
  assert.equal(toRequester!.subject, i18nFor('ar').t('email.message.subject', { reference }));
  assert.match(toRequester!.text!, /Yes, Monday works\./);
  assert.equal(row(reference).unanswered_since, null);
  const queueAfter = await desk.get('/staff/requests?unanswered=1').expect(200);
  assert.ok(!queueAfter.text.includes(reference));

  const page = await request(t.server).get(pageOf(reference)).expect(200);
  assert.match(page.text, /<html lang="ar" dir="rtl"/);
  const mine = page.text.indexOf('&lt;script&gt;');
  const theirs = page.text.indexOf('Yes, Monday works.');
  assert.ok(mine > 0 && theirs > mine, 'the thread is in order');
  assert.doesNotMatch(page.text, /<script>alert/);
});

test('messages: empty, too long and too many are refused with a reason', async () => {
  const reference = await fresh();
  const empty = await act(reference, 'messages', { message: '   ' });
  assert.equal(empty.status, 422);
  assert.match(empty.text, /Write your message first\./);
  const long = await act(reference, 'messages', { message: 'x'.repeat(5001) });
  assert.equal(long.status, 422);
  assert.match(long.text, /under 5,000 characters/);
  for (let i = 0; i < 10; i++) assert.equal((await act(reference, 'messages', { message: `note ${i}` })).status, 303);
  const tooMany = await act(reference, 'messages', { message: 'one more' });
  assert.equal(tooMany.status, 429);
  assert.match(tooMany.text, /You have sent many messages about this request today/);
  const stored = t.db
    .prepare('SELECT COUNT(*) AS n FROM request_messages WHERE request_id = ?')
    .get(row(reference).id) as { n: number };
  assert.equal(stored.n, 10);
});

test('lost the link: the same answer for any address, one email listing the open requests, limited per address', async () => {
  await settle();
  const email = 'grace@example.org';
  const one = await fresh({ requester: { name: 'Grace Hopper', email } });
  const two = await fresh({ requester: { name: 'Grace Hopper', email } });
  await request(t.server)
    .get(`${pageOf(two)}`)
    .expect(200);
  const form = await request(t.server).get('/licensing/requests').expect(200);
  assert.match(form.text, /Find your requests/);
  const send = async (address: string) => {
    const page = await request(t.server).get('/licensing/requests').expect(200);
    return request(t.server)
      .post('/licensing/requests')
      .type('form')
      .send({ email: address, form_token: formTokenIn(page.text) });
  };
  const count = smtp.messages.length;
  const known = await send('Grace@Example.org');
  const unknown = await send('nobody@example.org');
  assert.equal(known.status, 200);
  assert.equal(unknown.status, 200);
  assert.equal(
    known.text.replace(/Grace@Example\.org/g, 'X').replace(/name="form_token" value="[^"]+"/, ''),
    unknown.text.replace(/nobody@example\.org/g, 'X').replace(/name="form_token" value="[^"]+"/, ''),
  );
  const [mail] = await mailsAfter(count, 1);
  assert.equal(mail!.subject, 'Your licensing requests');
  assert.ok(mail!.text!.includes(tokenOf(one)) && mail!.text!.includes(tokenOf(two)));
  await send(email);
  await send(email);
  await send(email);
  await smtp.waitFor(count + 3);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(smtp.messages.length, count + 3, 'three link emails a day per address, then none');
  const bad = await send('not an email');
  assert.equal(bad.status, 422);
  const noToken = await request(t.server).post('/licensing/requests').type('form').send({ email });
  assert.equal(noToken.status, 403);
});

test('the conditions page shows its version; a start date is any date the quote allows', async () => {
  const page = await request(t.server).get('/licensing/conditions').expect(200);
  assert.match(page.text, /Version 2026-12-2/);
  assert.ok(futureDate());
});
