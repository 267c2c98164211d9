// A licence issued the way the desk issues one, for the licence tests: a French request quoted, accepted online by
// Jeanne Martin, then licensed with the desk's default credit line; and the emails it sends, as SMTP received them.
import assert from 'node:assert/strict';
import type { TestApp } from './app.js';
import type { TestSmtp } from './smtp.js';
import type { Agent } from './desk.js';
import { post, submit } from './desk-flow.js';

export const requestRow = (t: TestApp, reference: string) =>
  t.db.prepare('SELECT * FROM requests WHERE reference = ?').get(reference) as Record<string, unknown>;

/** The email whose subject names `text`, once the SMTP server has it. */
export async function mailWithSubject(smtp: TestSmtp, text: string) {
  const started = Date.now();
  for (;;) {
    const found = smtp.messages.find((m) => m.subject?.includes(text));
    if (found) return found;
    if (Date.now() - started > 10_000) throw new Error(`no email about ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function licensedRequest(
  t: TestApp,
  desk: Agent,
  smtp: TestSmtp,
  overrides: Record<string, unknown> = {},
) {
  const reference = await submit(t, { locale: 'fr', ...overrides });
  assert.equal((await post(desk, reference, 'start_review')).status, 303);
  const quote = { fee_choice: 'final', final_fee: '450', fee_reason: 'Accord', valid_until: '2099-01-31' };
  assert.equal((await post(desk, reference, 'send_quote', quote)).status, 303);
  const found = t.container.repos.requests.findByReference(reference)!;
  t.container.services.requesterPages.acceptQuote(found, { name: 'Jeanne Martin', agreed: true });
  const page = await desk.get(`/staff/requests/${reference}`).expect(200);
  const credit = /name="credit_line"[^>]*value="([^"]*)"/.exec(page.text)?.[1] ?? '';
  const defaults: Record<string, RegExp> = {
    fr: /^Publié à l’origine par news\.example\. Republié sous la licence LIC-/,
    ar: /^المصدر الأصلي: news\.example\. أعيد نشره بموجب الترخيص LIC-/,
  };
  const locale = String(overrides.locale ?? 'fr');
  if (defaults[locale]) assert.match(credit, defaults[locale], `the default credit line is in the request's language`);
  const fields = {
    licence_start: '2027-01-01',
    licence_end: '2027-12-31',
    credit_line: credit.replace(/&#39;/g, "'"),
    link_back: 'https://news.example/2026/story',
  };
  assert.equal((await post(desk, reference, 'license', fields)).status, 303);
  const stored = requestRow(t, reference);
  const mail = await mailWithSubject(smtp, String(stored.licence_number));
  return { reference, mail, stored };
}
