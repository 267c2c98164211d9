// Moving requests through the desk in tests: requests made through the real API,
// actions posted through the real forms (with the page's CSRF token).
import request from 'supertest';
import type { TestApp } from './app.js';
import { validRequest } from './fixtures.js';
import { csrfFrom, type Agent } from './desk.js';

export async function submit(t: TestApp, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await request(t.server).post('/api/v1/requests').send(validRequest(overrides)).expect(201);
  return res.body.reference as string;
}

/** The requester's acceptance, as their page makes it (tests/http/requester-page.test.ts posts the form itself). */
export function acceptAsRequester(t: TestApp, reference: string) {
  const pages = t.container.services.requesterPages;
  const found = t.container.repos.requests.findByReference(reference)!;
  pages.acceptQuote(found, { name: 'Ada Lovelace', agreed: true });
}

export async function post(agent: Agent, reference: string, path: string, fields: Record<string, string> = {}) {
  const page = await agent.get(`/staff/requests/${reference}`).expect(200);
  return agent
    .post(`/staff/requests/${reference}/${path}`)
    .type('form')
    .send({ ...fields, _csrf: csrfFrom(page.text) });
}

export const statusOf = (t: TestApp, reference: string) =>
  (t.db.prepare('SELECT status FROM requests WHERE reference = ?').get(reference) as { status: string }).status;

export const auditOf = (t: TestApp, reference: string) =>
  t.db
    .prepare(
      `SELECT a.* FROM audit_log a JOIN requests r ON a.subject_type = 'request' AND a.subject_id = CAST(r.id AS TEXT)
    WHERE r.reference = ? ORDER BY a.id`,
    )
    .all(reference) as {
    action: string;
    actor: string;
    actor_id: number | null;
    before_json: string;
    after_json: string;
    at: string;
  }[];

/** The fields each action needs to succeed, with sensible values. */
export const ACTION_FIELDS: Record<string, Record<string, string>> = {
  start_review: {},
  send_quote: { fee_choice: 'final', final_fee: '450.00', fee_reason: 'Agreed by phone', valid_until: '2099-01-31' },
  license: {
    licence_start: '2099-02-01',
    licence_end: '2100-02-01',
    credit_line: 'Originally published by news.example',
    link_back: 'https://news.example/2026/story',
  },
  decline: { decline_reason: '' },
  withdraw: { reason: '' },
  mark_spam: {},
};

/** The actions that bring a new request to each status. */
export const PATH_TO: Record<string, string[]> = {
  new: [],
  in_review: ['start_review'],
  quoted: ['start_review', 'send_quote'],
  /** The last step is the requester's: signing on their page (REQUESTER_ACCEPTS). */
  accepted: ['start_review', 'send_quote', 'accept_quote'],
  licensed: ['start_review', 'send_quote', 'license'],
  declined: ['decline'],
  withdrawn: ['withdraw'],
  spam: ['mark_spam'],
};
