// Configuration is checked at start and every problem is listed at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from '../../src/config.js';

test('defaults need no environment at all', () => {
  const c = loadConfig({});
  assert.equal(c.port, 3000);
  assert.match(c.databasePath, /data\/reprise\.db$/);
  assert.equal(c.smtpUrl, null);
  assert.match(c.mailDir, /data\/mail$/);
  assert.equal(c.formMinFillSeconds, 3);
  assert.ok(Object.isFrozen(c));
});

test('every problem is reported at once', () => {
  assert.throws(
    () =>
      loadConfig({
        PORT: 'eighty',
        SMTP_URL: 'http://mail',
        DESK_EMAIL: 'desk',
        NODE_ENV: 'staging',
        RATE_LIMIT_SUBMIT_PER_HOUR: '-1',
      }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.problems.length, 5, err.message);
      for (const name of ['PORT', 'SMTP_URL', 'DESK_EMAIL', 'NODE_ENV', 'RATE_LIMIT_SUBMIT_PER_HOUR']) {
        assert.match(err.message, new RegExp(name));
      }
      return true;
    },
  );
});

test('0 turns a rate limit off', () => {
  const c = loadConfig({ RATE_LIMIT_SUBMIT_PER_HOUR: '0', RATE_LIMIT_QUOTE_PER_MINUTE: '0' });
  assert.equal(c.rateLimitSubmitPerHour, 0);
  assert.equal(c.rateLimitQuotePerMinute, 0);
});
