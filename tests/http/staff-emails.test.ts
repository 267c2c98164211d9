// The requester's emails from the desk as a real SMTP server received them: the
// quote (indicative or final fee), the licence confirmation and the refusal, in
// the requester's language; a failed email retried from the request page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { addUser, signIn, DESK_ENV, type Agent } from '../helpers/desk.js';
import { auditOf, post, statusOf, submit } from '../helpers/desk-flow.js';
import { validRequest } from '../helpers/fixtures.js';
import { i18nFor } from '../../src/i18n/index.js';

const date = (iso: string, locale: 'en' | 'fr' = 'en') => i18nFor(locale).date(iso);

let smtp: TestSmtp;
let t: TestApp;
let agent: Agent;

before(async () => {
  smtp = await startSmtp();
  t = await buildTestApp({ ...DESK_ENV, SMTP_URL: smtp.url });
  await addUser(t, 'desk@reprise.test');
  agent = await signIn(t, 'desk@reprise.test');
  t.container.worker.start();
});
after(async () => {
  await t.close();
  await smtp.close();
});

/** Submits a request and waits for its two emails (desk + acknowledgement), returning the reference. */
async function fresh(overrides: Record<string, unknown> = {}) {
  const count = smtp.messages.length;
  const ref = await submit(t, overrides);
  await smtp.waitFor(count + 2);
  return ref;
}
async function nextMail(action: () => Promise<unknown>) {
  const count = smtp.messages.length;
  await action();
  return (await smtp.waitFor(count + 1))[count];
}
const to = (m: { to?: unknown }) => JSON.stringify(m.to);

test('the indicative quote, then the licence confirmation with its terms', async () => {
  const ref = await fresh();
  const row = t.db.prepare('SELECT quote_total_minor, quote_json FROM requests WHERE reference = ?').get(ref) as {
    quote_total_minor: number;
    quote_json: string;
  };
  assert.equal((await post(agent, ref, 'start_review')).status, 303);
  const quote = await nextMail(async () =>
    assert.equal(
      (await post(agent, ref, 'send_quote', { fee_choice: 'indicative', valid_until: '2099-01-31' })).status,
      303,
    ),
  );
  assert.equal(quote.subject, `Quote for your licensing request ${ref}`);
  assert.match(to(quote), /ada@example\.org/);
  const fee = new Intl.NumberFormat('en', { style: 'currency', currency: 'GBP' }).format(row.quote_total_minor / 100);
  assert.ok(quote.text?.includes(`Fee: ${fee}`), quote.text);
  assert.match(quote.text!, /A story worth telling \(https:\/\/news\.example\/2026\/story\)/);
  assert.match(quote.text!, /Use: Online, United Kingdom/);
  assert.match(quote.text!, /For 12 months from/);
  assert.ok(quote.text!.includes(`valid until ${date('2099-01-31')}.`), quote.text);
  assert.ok(String(quote.html).includes(`valid until ${date('2099-01-31')}.`));
  assert.equal(statusOf(t, ref), 'quoted');

  const licence = await nextMail(async () =>
    assert.equal(
      (
        await post(agent, ref, 'license', {
          licence_start: '2099-02-01',
          licence_end: '2100-01-31',
          credit_line: 'Originally published by News Example',
          link_back: 'https://news.example/2026/story',
        })
      ).status,
      303,
    ),
  );
  const number = ref.replace('REP-', 'LIC-');
  assert.equal(licence.subject, `Your licence ${number} (request ${ref})`);
  for (const part of [
    `Licence number: ${number}`,
    'Medium: Online',
    'Territory: United Kingdom',
    `Period: From ${date('2099-02-01')} to ${date('2100-01-31')}`,
    `Fee: ${fee}`,
    'Credit line: Originally published by News Example',
    'Link back to: https://news.example/2026/story',
  ]) {
    assert.ok(licence.text?.includes(part), `${part} in\n${licence.text}`);
  }
  const after = t.db.prepare('SELECT * FROM requests WHERE reference = ?').get(ref) as Record<string, unknown>;
  assert.equal(after.licence_number, number);
  assert.equal(after.quote_json, row.quote_json);
  assert.equal(after.final_fee_minor, null);
  const actions = auditOf(t, ref).map((a) => a.action);
  assert.deepEqual(actions, ['request.start_review', 'request.send_quote', 'request.license']);
});

test('a final fee with its reason: the computed quote stays untouched; no reason, no quote', async () => {
  const ref = await fresh();
  await post(agent, ref, 'start_review');
  const before = t.db.prepare('SELECT quote_json, quote_total_minor FROM requests WHERE reference = ?').get(ref);
  const refused = await post(agent, ref, 'send_quote', {
    fee_choice: 'final',
    final_fee: '1,250.50',
    fee_reason: ' ',
    valid_until: '2099-01-31',
  });
  assert.equal(refused.status, 422);
  assert.match(refused.text, /Say why the fee differs/);
  assert.match(refused.text, /value="1,250.50"/);
  assert.equal(statusOf(t, ref), 'in_review');
  assert.deepEqual(
    auditOf(t, ref).map((a) => a.action),
    ['request.start_review'],
  );

  const mail = await nextMail(async () =>
    assert.equal(
      (
        await post(agent, ref, 'send_quote', {
          fee_choice: 'final',
          final_fee: '1,250.50',
          fee_reason: 'Front-page placement',
          valid_until: '2099-03-01',
        })
      ).status,
      303,
    ),
  );
  assert.ok(mail.text?.includes('Fee: £1,250.50'), mail.text);
  const row = t.db
    .prepare(
      'SELECT quote_json, quote_total_minor, final_fee_minor, fee_reason, quote_valid_until FROM requests WHERE reference = ?',
    )
    .get(ref) as Record<string, unknown>;
  assert.deepEqual({ quote_json: row.quote_json, quote_total_minor: row.quote_total_minor }, before);
  assert.equal(row.final_fee_minor, 125050);
  assert.equal(row.fee_reason, 'Front-page placement');
  assert.equal(row.quote_valid_until, '2099-03-01');
  const audit = auditOf(t, ref).at(-1)!;
  assert.equal(audit.action, 'request.send_quote');
  assert.deepEqual(JSON.parse(audit.before_json), {
    status: 'in_review',
    finalFeeMinor: null,
    feeReason: null,
    quoteValidUntil: null,
  });
  assert.equal(JSON.parse(audit.after_json).finalFeeMinor, 125050);
  assert.equal(
    JSON.parse(audit.after_json).indicativeMinor,
    (before as { quote_total_minor: number }).quote_total_minor,
  );
  const page = await agent.get(`/staff/requests/${ref}`).expect(200);
  assert.match(page.text, /£1,250\.50/);
  assert.match(page.text, /Front-page placement/);
});

test("emails go in the requester's language: a French quote, an Arabic refusal", async () => {
  const fr = await fresh({
    locale: 'fr',
    requester: { ...validRequest().requester, email: 'claire@example.fr', name: 'Claire' },
  });
  await post(agent, fr, 'start_review');
  const quote = await nextMail(() =>
    post(agent, fr, 'send_quote', { fee_choice: 'indicative', valid_until: '2099-01-31' }),
  );
  assert.equal(quote.subject, `Devis pour votre demande de licence ${fr}`);
  assert.match(to(quote), /claire@example\.fr/);
  assert.match(quote.text!, /Bonjour Claire,/);
  assert.ok(quote.text!.includes(`valable jusqu’au ${date('2099-01-31', 'fr')}`), quote.text);
  assert.match(String(quote.html), /lang="fr"/);

  const ar = await fresh({
    locale: 'ar',
    requester: { ...validRequest().requester, email: 'omar@example.ma', name: 'Omar' },
  });
  const decline = await nextMail(() =>
    post(agent, ar, 'decline', { decline_reason: 'The rights are not ours to give.' }),
  );
  assert.equal(decline.subject, `طلب الترخيص ${ar}`);
  assert.match(to(decline), /omar@example\.ma/);
  assert.match(decline.text!, /يؤسفنا/);
  assert.match(decline.text!, /The rights are not ours to give\./);
  assert.match(String(decline.html), /dir="rtl"/);
  assert.equal(statusOf(t, ar), 'declined');
  const audit = auditOf(t, ar).at(-1)!;
  assert.equal(JSON.parse(audit.after_json).declineReason, 'The rights are not ours to give.');
});

test('a refusal without a reason is still polite and complete', async () => {
  const ref = await fresh();
  const mail = await nextMail(() => post(agent, ref, 'decline', { decline_reason: '' }));
  assert.equal(mail.subject, `Your licensing request ${ref}`);
  assert.match(mail.text!, /we are not able to grant a licence/);
  assert.doesNotMatch(mail.text!, /Our reason/);
});

test('a failed email shows its last error and can be sent again, audited', async () => {
  const ref = await fresh();
  await post(agent, ref, 'start_review');
  smtp.failWith = 550;
  await post(agent, ref, 'send_quote', { fee_choice: 'indicative', valid_until: '2099-01-31' });
  const failed = async () =>
    t.db
      .prepare(
        `SELECT o.* FROM outbox o JOIN requests r ON r.id = o.request_id
      WHERE r.reference = ? AND o.template = 'quote_sent'`,
      )
      .get(ref) as { id: number; status: string; last_error: string };
  for (let i = 0; i < 200 && (await failed()).status !== 'failed'; i++) await new Promise((r) => setTimeout(r, 25));
  const row = await failed();
  assert.equal(row.status, 'failed');
  const page = await agent.get(`/staff/requests/${ref}`).expect(200);
  assert.match(page.text, /mail-state--failed/);
  assert.match(page.text, /Last error: /);
  assert.match(page.text, new RegExp(`/messages/${row.id}/retry`));

  smtp.failWith = null;
  const count = smtp.messages.length;
  assert.equal((await post(agent, ref, `messages/${row.id}/retry`)).status, 303);
  const mails = await smtp.waitFor(count + 1);
  assert.equal(mails[count].subject, `Quote for your licensing request ${ref}`);
  const retry = auditOf(t, ref).at(-1)!;
  assert.equal(retry.action, 'mail.retry');
  assert.equal(JSON.parse(retry.before_json).status, 'failed');
  // Only a failed message can be retried.
  assert.equal((await post(agent, ref, `messages/${row.id}/retry`)).status, 409);
});

test('notes are added with an audit row; an empty note is refused', async () => {
  const ref = await fresh();
  assert.equal((await post(agent, ref, 'notes', { note: 'Called them: <b>keen</b> to run it Monday.' })).status, 303);
  const page = await agent.get(`/staff/requests/${ref}`).expect(200);
  assert.match(page.text, /Called them: &lt;b&gt;keen&lt;\/b&gt; to run it Monday\./);
  const audit = auditOf(t, ref).at(-1)!;
  assert.equal(audit.action, 'note.add');
  assert.doesNotMatch(audit.after_json, /keen/);
  assert.equal(audit.actor, 'desk@reprise.test');
  assert.equal((await post(agent, ref, 'notes', { note: '   ' })).status, 422);
  assert.equal(auditOf(t, ref).length, 1);
  // A note counts as desk action: the overdue clock restarts.
  const last = t.db.prepare('SELECT last_action_at FROM requests WHERE reference = ?').get(ref) as {
    last_action_at: string;
  };
  assert.ok(last.last_action_at);
});

test('the request page: every field, the quote breakdown, duplicates, no inline script or style', async () => {
  const first = await fresh({ organisation: { ...validRequest().organisation, name: 'Dupe Gazette' } });
  const second = await fresh({
    organisation: { ...validRequest().organisation, name: 'Dupe Gazette' },
    requester: { ...validRequest().requester, email: 'other@example.org' },
  });
  const page = await agent.get(`/staff/requests/${second}`).expect(200);
  assert.equal(page.headers['cache-control'], 'no-store');
  for (const s of [
    'Ada Lovelace',
    'other@example.org',
    'Dupe Gazette',
    'A story worth telling',
    'https://news.example/2026/story',
    'Editor',
    '+44 20 7946 0000',
    'We would like to run this next week.',
    'Publication language',
  ]) {
    assert.ok(page.text.includes(s), s);
  }
  assert.match(page.text, /class="quote-table"/);
  assert.match(page.text, new RegExp(`href="/staff/requests/${first}"`));
  assert.match(page.text, /Acknowledgement/);
  assert.doesNotMatch(page.text, /<script|style=/);
  assert.match(page.text, /<label for="note">/);
});
