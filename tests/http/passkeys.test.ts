// Passkeys over HTTP with a software authenticator: an answer is good once even when sent three times at once; a
// malformed answer, one without user verification and one whose counter went backwards are refused (never a 500)
// and audited; adding a passkey needs a recent sign-in.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startApp, type RunningApp } from '../helpers/browser.js';
import { addUser, csrfFrom, csrfOf, DESK_ENV, signIn, type Agent } from '../helpers/desk.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';

const EMAIL = 'keys@reprise.test';
let app: RunningApp;
let authenticator: SoftAuthenticator;

before(async () => {
  app = await startApp(DESK_ENV, { host: 'localhost' });
  await addUser(app, EMAIL);
  authenticator = new SoftAuthenticator('localhost', app.url);
});
after(() => app?.stop());

const lastAudit = (action: string) => {
  const row = app.db
    .prepare('SELECT after_json FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1')
    .pluck()
    .get(action) as string | undefined;
  return row ? (JSON.parse(row) as Record<string, unknown>) : undefined;
};

/** A fresh browser on the sign-in page that has asked for a passkey challenge. */
async function signInChallenge(): Promise<{ agent: Agent; csrf: string; challenge: string }> {
  const agent = request.agent(app.server);
  const csrf = csrfFrom((await agent.get('/staff/login').expect(200)).text);
  const options = await agent.post('/staff/login/passkey/options').type('form').send({ _csrf: csrf }).expect(200);
  const body = options.body as { challenge: string; rpId: string; userVerification: string };
  assert.equal(body.rpId, 'localhost');
  assert.equal(body.userVerification, 'required');
  return { agent, csrf, challenge: body.challenge };
}

test('a passkey added over HTTP opens the desk; the same answer three times at once opens one session', async () => {
  const agent = await signIn(app, EMAIL);
  const csrf = await csrfOf(agent, '/staff/account');
  const options = await agent.post('/staff/account/passkeys/options').type('form').send({ _csrf: csrf }).expect(200);
  const created = options.body as { challenge: string; authenticatorSelection: Record<string, string> };
  assert.equal(created.authenticatorSelection.residentKey, 'required');
  assert.equal(created.authenticatorSelection.userVerification, 'required');
  const added = await agent
    .post('/staff/account/passkeys')
    .type('form')
    .send({ _csrf: csrf, name: 'Laptop', response: authenticator.register(created.challenge) });
  assert.equal(added.status, 303);
  assert.equal(app.db.prepare('SELECT COUNT(*) FROM passkeys').pluck().get(), 1);

  const { agent: browser, csrf: token, challenge } = await signInChallenge();
  const answer = authenticator.signIn(challenge, { counter: 1 });
  const send = () => browser.post('/staff/login/passkey').type('form').send({ _csrf: token, response: answer });
  const results = await Promise.all([send(), send(), send()]);
  const statuses = results.map((res) => res.status).sort();
  assert.deepEqual(statuses, [303, 400, 400], 'one opened the desk, the others found the challenge used');
  assert.equal(results.find((res) => res.status === 303)!.headers.location, '/staff/requests');
  assert.deepEqual(lastAudit('sign_in'), { method: 'passkey' });
});

test('malformed answers, no user verification and a counter gone backwards are refused and audited', async () => {
  const malformed = ['null', '[]', '{"id":1,"response":{}}', '{"id":"x","response":"x"}', 'not json', '{"id":"x"}'];
  for (const response of malformed) {
    const { agent, csrf } = await signInChallenge();
    const res = await agent.post('/staff/login/passkey').type('form').send({ _csrf: csrf, response });
    assert.equal(res.status, 401, response);
    assert.match(res.text, /That passkey does not open the desk/);
  }
  // The same field twice reads as empty.
  const twice = await signInChallenge();
  const res = await twice.agent
    .post('/staff/login/passkey')
    .type('form')
    .send(`_csrf=${twice.csrf}&response=a&response=b`);
  assert.equal(res.status, 401);

  const unverified = await signInChallenge();
  const noUv = authenticator.signIn(unverified.challenge, { counter: 2, verified: false });
  await unverified.agent.post('/staff/login/passkey').type('form').send({ _csrf: unverified.csrf, response: noUv });
  assert.equal(lastAudit('sign_in.passkey_refused')?.reason, 'not_verified');

  const cloned = await signInChallenge();
  const behind = authenticator.signIn(cloned.challenge, { counter: 1 }); // the desk has seen 1 already
  const refused = await cloned.agent
    .post('/staff/login/passkey')
    .type('form')
    .send({ _csrf: cloned.csrf, response: behind });
  assert.equal(refused.status, 401);
  assert.equal(lastAudit('sign_in.passkey_refused')?.reason, 'counter_regression');

  // A registration answer that does not verify is refused with a page, and audited.
  const agent = await signIn(app, EMAIL);
  const csrf = await csrfOf(agent, '/staff/account');
  await agent.post('/staff/account/passkeys/options').type('form').send({ _csrf: csrf }).expect(200);
  const bad = await agent.post('/staff/account/passkeys').type('form').send({ _csrf: csrf, name: 'x', response: '{}' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /The passkey was not added/);
  assert.equal(lastAudit('user.passkey_refused')?.reason, 'malformed');
});

test('adding a passkey needs a sign-in within the last 15 minutes', async () => {
  const agent = await signIn(app, EMAIL);
  const csrf = await csrfOf(agent, '/staff/account');
  app.clock.advance(16 * 60_000);
  const page = await agent.get('/staff/account').expect(200);
  assert.match(page.text, /Adding a passkey needs a recent sign-in/);
  assert.doesNotMatch(page.text, /id="passkey-add"/);
  const options = await agent.post('/staff/account/passkeys/options').type('form').send({ _csrf: csrf });
  assert.equal(options.status, 403);
  const authenticatorApp = await agent.get('/staff/account/authenticator');
  assert.equal(authenticatorApp.status, 403);
  assert.match(authenticatorApp.text, /Setting up an authenticator app needs a recent sign-in/);
});
