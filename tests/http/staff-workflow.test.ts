// Every workflow transition through the real forms: allowed ones move the request
// and write their audit row; refused ones answer 409 and change nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { addUser, signIn, DESK_ENV, type Agent } from '../helpers/desk.js';
import { ACTION_FIELDS, PATH_TO, acceptAsRequester, auditOf, post, statusOf, submit } from '../helpers/desk-flow.js';
import { ACTIONS, STATUSES, canApply, transition } from '../../src/domain/workflow.js';

let t: TestApp;
let agent: Agent;

before(async () => {
  t = await buildTestApp(DESK_ENV);
  await addUser(t, 'desk@reprise.test');
  agent = await signIn(t, 'desk@reprise.test');
});
after(() => t.close());

async function requestIn(status: string): Promise<string> {
  const ref = await submit(t);
  for (const action of PATH_TO[status]) {
    if (action === 'accept_quote') {
      acceptAsRequester(t, ref);
      continue;
    }
    const res = await post(agent, ref, action, ACTION_FIELDS[action]);
    assert.equal(res.status, 303, `${action} on the way to ${status}: ${res.status}`);
  }
  assert.equal(statusOf(t, ref), status);
  return ref;
}

for (const from of STATUSES) {
  test(`from ${from}: allowed actions move the request, the others answer 409 and change nothing`, async () => {
    for (const action of ACTIONS) {
      const ref = await requestIn(from);
      const auditBefore = auditOf(t, ref).length;
      const res = await post(agent, ref, action, ACTION_FIELDS[action]);
      if (canApply(from, action)) {
        assert.equal(res.status, 303, `${from} + ${action}`);
        assert.equal(res.headers.location, `/staff/requests/${ref}?done=${action}`);
        assert.equal(statusOf(t, ref), transition(from, action));
        const rows = auditOf(t, ref);
        assert.equal(rows.length, auditBefore + 1);
        const last = rows[rows.length - 1];
        assert.equal(last.action, `request.${action}`);
        assert.equal(last.actor, 'desk@reprise.test');
        assert.ok(last.actor_id);
        assert.equal(JSON.parse(last.before_json).status, from);
        assert.equal(JSON.parse(last.after_json).status, transition(from, action));
      } else {
        assert.equal(res.status, 409, `${from} + ${action} should be refused`);
        assert.match(res.text, /cannot be/);
        assert.equal(statusOf(t, ref), from);
        assert.equal(auditOf(t, ref).length, auditBefore);
      }
    }
  });
}

test('the page offers only the allowed actions', async () => {
  const ref = await requestIn('quoted');
  const page = await agent.get(`/staff/requests/${ref}`).expect(200);
  assert.match(page.text, /action="\/staff\/requests\/[^"]+\/license"/);
  assert.match(page.text, /action="\/staff\/requests\/[^"]+\/send_quote"/);
  assert.doesNotMatch(page.text, /action="\/staff\/requests\/[^"]+\/start_review"/);
  assert.doesNotMatch(page.text, /action="\/staff\/requests\/[^"]+\/mark_spam"/);
  const licensed = await requestIn('licensed');
  const licensedPage = await agent.get(`/staff/requests/${licensed}`).expect(200);
  assert.match(
    licensedPage.text,
    /The request is licensed\. If the licence has a mistake, an admin issues a corrected version/,
  );
  assert.doesNotMatch(licensedPage.text, /action="\/staff\/requests\/[^"]+\/(license|send_quote|decline)"/);
  const closed = await requestIn('declined');
  const closedPage = await agent.get(`/staff/requests/${closed}`).expect(200);
  assert.match(closedPage.text, /This request is closed/);
});

test('actions need a CSRF token; unknown references and actions are 404', async () => {
  const ref = await submit(t);
  await agent.post(`/staff/requests/${ref}/start_review`).type('form').send({}).expect(403);
  await agent.post(`/staff/requests/${ref}/start_review`).type('form').send({ _csrf: 'wrong' }).expect(403);
  assert.equal(statusOf(t, ref), 'new');
  const missing = await agent.get('/staff/requests/REP-2026-999999').expect(404);
  assert.match(missing.text, /There is no request with this reference/);
  assert.match(missing.text, /Back to the requests/);
  await agent.get('/staff/no-such-page').expect(404);
  await agent.get('/staff/requests/REP-2026-00001').expect(404);
  await agent.get('/staff/requests/1').expect(404);
  await agent.get(`/staff/requests/${ref.toLowerCase()}`).expect(404);
  assert.equal((await post(agent, ref, 'approve_everything')).status, 404);
  const page = await agent.get(`/staff/requests/${ref}`).expect(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
  await agent.post('/staff/requests/REP-2026-999999/start_review').type('form').send({ _csrf: token }).expect(404);
  await agent.post(`/staff/requests/${ref}/messages/999999/retry`).type('form').send({ _csrf: token }).expect(404);
  await agent.post(`/staff/requests/${ref}/messages/abc/retry`).type('form').send({ _csrf: token }).expect(404);
});

test('no state change on GET', async () => {
  const ref = await submit(t);
  await agent.get(`/staff/requests/${ref}/start_review`).expect(404);
  assert.equal(statusOf(t, ref), 'new');
});
