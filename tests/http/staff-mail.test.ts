// Staff see failed and long-queued emails in one place, with the server's answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { buildTestApp } from '../helpers/app.js';
import { startSmtp } from '../helpers/smtp.js';
import { validRequest } from '../helpers/fixtures.js';
import { addUser, signIn, DESK_ENV } from '../helpers/desk.js';

test('/staff/mail lists failed and long-queued emails with their last error; anonymous users are sent to sign in', async () => {
  const smtp = await startSmtp();
  const t = await buildTestApp({ ...DESK_ENV, SMTP_URL: smtp.url });
  try {
    smtp.failWith = 550;
    const res = await request(t.server).post('/api/v1/requests').send(validRequest()).expect(201);
    await t.container.worker.runOnce();
    await addUser(t, 'desk@example.org');
    const agent = await signIn(t, 'desk@example.org');
    const page = await agent.get('/staff/mail').expect(200);
    assert.match(page.text, /<h1>Email delivery<\/h1>/);
    assert.ok(page.text.includes(`href="/staff/requests/${res.body.reference}#h-mail"`));
    assert.match(page.text, /Last error: 550/);
    assert.match(page.text, /failed<\/span> <strong>2<\/strong>/);
    assert.equal(page.headers['cache-control'], 'no-store');

    // A message that merely waits is listed only after 15 minutes.
    smtp.failWith = 421;
    await request(t.server)
      .post('/api/v1/requests')
      .send(validRequest({ requester: { name: 'Q', email: 'q@example.org' } }))
      .expect(201);
    await t.container.worker.runOnce();
    assert.ok(!(await agent.get('/staff/mail')).text.includes('q@example.org'));
    t.clock.advance(16 * 60_000);
    assert.ok((await agent.get('/staff/mail')).text.includes('q@example.org'));

    const anonymous = await request(t.server).get('/staff/mail').expect(303);
    assert.match(anonymous.headers.location, /^\/staff\/login/);
  } finally {
    await t.close();
    await smtp.close();
  }
});
