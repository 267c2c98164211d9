// Two-step sign-in through the real app, required as in production: a desk user's first sign-in sets up an
// authenticator app before the desk opens (the code computed here from the key the page shows, as the app would)
// and shows ten recovery codes; from then on a password alone never reaches the desk. A code is good once; a recovery code once; wrong codes are refused, audited and throttled like passwords.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { Secret, TOTP } from 'otpauth';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { addUser, csrfFrom, DESK_ENV, PASSWORD, type Agent } from '../helpers/desk.js';

let t: TestApp;
let secret = '';
let recovery: string[] = [];
const EMAIL = 'two@reprise.test';

before(async () => {
  t = await buildTestApp({ ...DESK_ENV, SECOND_FACTOR: 'required' });
  await addUser(t, EMAIL);
});
after(() => t.close());

/** The code an authenticator app shows now (the app's clock: the test's). */
const codeNow = () =>
  new TOTP({ secret: Secret.fromBase32(secret), period: 30 }).generate({ timestamp: t.clock.now.getTime() });

/** Password given: the agent is between the password and `next` (the code, or setting up a factor). */
async function passwordStep(next = '/staff/login/code'): Promise<Agent> {
  const agent = request.agent(t.server);
  const page = await agent.get('/staff/login').expect(200);
  const res = await agent
    .post('/staff/login')
    .type('form')
    .send({ email: EMAIL, password: PASSWORD, _csrf: csrfFrom(page.text) });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, next);
  return agent;
}

async function sendCode(agent: Agent, code: string) {
  const page = await agent.get('/staff/login/code').expect(200);
  return agent
    .post('/staff/login/code')
    .type('form')
    .send({ code, _csrf: csrfFrom(page.text) });
}

const audits = (action: string) =>
  t.db.prepare('SELECT after_json FROM audit_log WHERE action = ? ORDER BY id').pluck().all(action) as string[];

test('the first sign-in sets up the app before the desk opens; a wrong code stores nothing', async () => {
  const agent = await passwordStep('/staff/login/enrol');
  assert.equal((await agent.get('/staff/requests')).status, 303, 'no desk without a second factor');
  const page = await agent.get('/staff/login/enrol').expect(200);
  assert.match(page.text, /Set up your second factor/);
  assert.match(page.text, /<svg role="img" aria-label="QR code to add the desk to an authenticator app"/);
  secret = /<code class="reference">([A-Z2-7 ]+)<\/code>/.exec(page.text)![1]!.replace(/ /g, '');
  assert.equal(secret.length, 32, '160 bits in base32');
  const again = await agent.get('/staff/login/enrol').expect(200);
  assert.ok(again.text.includes(secret.match(/.{4}/g)!.join(' ')), 'the same key until it is confirmed');

  const wrong = await agent
    .post('/staff/login/enrol')
    .type('form')
    .send({ code: '000000', _csrf: csrfFrom(page.text) });
  assert.equal(wrong.status, 422);
  assert.equal(t.db.prepare('SELECT totp_secret FROM users WHERE email = ?').pluck().get(EMAIL), null);

  const done = await agent
    .post('/staff/login/enrol')
    .type('form')
    .send({ code: codeNow(), _csrf: csrfFrom(wrong.text) })
    .expect(200);
  recovery = [...done.text.matchAll(/<li><code>([a-z0-9]{5}-[a-z0-9]{5})<\/code><\/li>/g)].map((m) => m[1]!);
  assert.equal(recovery.length, 10);
  assert.equal(new Set(recovery).size, 10);
  const stored = t.db.prepare('SELECT code_hash FROM recovery_codes').pluck().all() as string[];
  assert.equal(stored.length, 10);
  assert.ok(
    recovery.every((code) => !stored.includes(code)),
    'kept hashed, never as typed',
  );
  assert.deepEqual(JSON.parse(audits('user.second_factor_enrol')[0]!), { factor: 'totp', recoveryCodes: 10 });
  await agent.get('/staff/requests').expect(200);
  assert.match((await agent.get('/staff/account').expect(200)).text, /On: signing in asks for your password/);
});

test('a password alone never reaches the desk; the code does, once', async () => {
  t.clock.advance(30_000); // the code used to set up the app is spent: a new step
  const agent = await passwordStep();
  const desk = await agent.get('/staff/requests');
  assert.equal(desk.status, 303, 'between the steps the desk is closed');
  assert.match(String(desk.headers.location), /^\/staff\/login/);

  const wrong = await sendCode(agent, '123456');
  assert.equal(wrong.status, 401);
  assert.match(wrong.text, /That code is not right, or was already used/);
  assert.deepEqual(JSON.parse(audits('sign_in.code_refused').at(-1)!), { reason: 'wrong_code' });

  const code = codeNow();
  const right = await sendCode(agent, code);
  assert.equal(right.status, 303);
  assert.equal(right.headers.location, '/staff/requests');
  await agent.get('/staff/requests').expect(200);

  // The same code again, from another browser in the same 30 seconds: refused as used.
  const replay = await sendCode(await passwordStep(), code);
  assert.equal(replay.status, 401);
  assert.deepEqual(JSON.parse(audits('sign_in.code_refused').at(-1)!), { reason: 'code_already_used' });

  // Past the ten minutes allowed between the steps, the password is asked for again.
  const slow = await passwordStep();
  t.clock.advance(11 * 60_000);
  const late = await slow.get('/staff/login/code');
  assert.equal(late.status, 303);
  assert.equal(late.headers.location, '/staff/login');
});

test('a recovery code signs in once; the account page counts what is left', async () => {
  const first = await sendCode(await passwordStep(), recovery[0]!.toUpperCase());
  assert.equal(first.status, 303, 'case and dashes do not matter');
  const again = await sendCode(await passwordStep(), recovery[0]!);
  assert.equal(again.status, 401);
  const agent = await passwordStep();
  assert.equal((await sendCode(agent, recovery[1]!)).status, 303);
  assert.match(
    (await agent.get('/staff/account').expect(200)).text,
    /<strong>8<\/strong> of your recovery codes are left/,
  );
  assert.deepEqual(JSON.parse(audits('sign_in.recovery_code').at(-1)!), { recoveryCodesLeft: 8 });
});

test('wrong codes are throttled like wrong passwords, and a right password in between forgives none', async () => {
  t.clock.advance(16 * 60_000); // earlier failures leave the window
  for (let i = 0; i < 4; i++) assert.equal((await sendCode(await passwordStep(), `99999${i}`)).status, 401);
  // Four wrong codes, each after a right password: the fifth wrong one, after yet another password, is the limit.
  const agent = await passwordStep();
  assert.equal((await sendCode(agent, '999994')).status, 401);
  const throttled = await sendCode(agent, '999995');
  assert.equal(throttled.status, 429);
  assert.equal(throttled.headers['retry-after'], '900');
  assert.equal(audits('sign_in.code_throttled').length, 1);
  const page = await request.agent(t.server).get('/staff/login').expect(200);
  const password = await request(t.server)
    .post('/staff/login')
    .set('Cookie', page.headers['set-cookie'])
    .type('form')
    .send({ email: EMAIL, password: PASSWORD, _csrf: csrfFrom(page.text) });
  assert.equal(password.status, 429, 'the password step is throttled by the same count');
  assert.equal((await sendCode(agent, codeNow())).status, 429, 'even the right code waits');
});

test('a session between password and code ends with the account’s sessions, and cannot enrol a new app', async () => {
  t.clock.advance(16 * 60_000);
  const waiting = await passwordStep();
  assert.equal((await waiting.get('/staff/login/enrol')).status, 303, 'it waits for a code, not a new app');
  const { id } = t.db.prepare('SELECT id FROM users WHERE email = ?').get(EMAIL) as { id: number };
  t.container.services.secondFactor.resetFactors({ id: null, label: 'cli' }, id);
  const after = await waiting.get('/staff/login/code');
  assert.equal(after.status, 303);
  assert.equal(after.headers.location, '/staff/login');
  assert.equal((await waiting.get('/staff/login/enrol')).status, 303, 'the old password step enrols nothing');
});
