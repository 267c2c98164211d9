// Desk helpers for tests: accounts made through the same service as the admin
// pages and the command line, and a supertest agent signed in through the real
// login form (cookie jar, CSRF token read from the page).
import request from 'supertest';
import type { TestApp } from './app.js';
import { CLI } from '../../src/domain/accounts.js';
import type { Role, User } from '../../src/domain/accounts.js';

/** Desk tests: a cheaper password hash, and a second factor only where a test sets one up (second-factor tests
 * require it, as production does). */
export const DESK_ENV = { PASSWORD_SCRYPT_LOG2N: '12', SECOND_FACTOR: 'optional' };
export const PASSWORD = 'correct horse battery staple';

export function addUser(t: TestApp, email: string, role: Role = 'staff', password = PASSWORD): Promise<User> {
  return t.container.services.users.add(CLI, email, role, password);
}

/** The value of the first hidden _csrf field on a page. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no _csrf field on the page');
  return m[1];
}

export type Agent = ReturnType<typeof request.agent>;

export async function signIn(t: TestApp, email: string, password = PASSWORD, ip?: string): Promise<Agent> {
  const agent = request.agent(t.server);
  if (ip) agent.set('X-Forwarded-For', ip);
  const page = await agent.get('/staff/login').expect(200);
  const res = await agent
    .post('/staff/login')
    .type('form')
    .send({ email, password, _csrf: csrfFrom(page.text) });
  if (res.status !== 303) throw new Error(`sign-in of ${email} answered ${res.status}`);
  return agent;
}

/** A page's CSRF token for the signed-in agent. */
export async function csrfOf(agent: Agent, path = '/staff/requests'): Promise<string> {
  return csrfFrom((await agent.get(path).expect(200)).text);
}
