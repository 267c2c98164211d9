// Form tokens: signed, timed, and each with its own nonce (the nonce is the form's
// idempotency key, so two views must never share one), across pool refills.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formTokens } from '../../src/services/form-tokens.js';

test('every token has its own 16-character nonce and checks out; a changed one does not', () => {
  const tokens = formTokens('a-secret-of-enough-length-for-tests', 3);
  const issuedAt = new Date('2026-11-29T10:00:00Z');
  const later = new Date(issuedAt.getTime() + 5_000);
  const nonces = new Set<string>();
  for (let i = 0; i < 2_000; i++) {
    const token = tokens.issue(issuedAt);
    const check = tokens.check(token, later);
    assert.ok(check.ok, token);
    assert.match(check.nonce, /^[A-Za-z0-9_-]{16}$/);
    nonces.add(check.nonce);
  }
  assert.equal(nonces.size, 2_000);
  const token = tokens.issue(issuedAt);
  const [time, n, mac] = token.split('.');
  assert.deepEqual(tokens.check(`${time}.${n!.slice(1)}A.${mac}`, later), { ok: false, reason: 'forged' });
  assert.deepEqual(tokens.check(token, new Date(issuedAt.getTime() + 1_000)), { ok: false, reason: 'too_fast' });
  assert.deepEqual(formTokens('another-secret-entirely-different', 3).check(token, later), {
    ok: false,
    reason: 'forged',
  });
});
