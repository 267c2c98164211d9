// A command for the request writer, as the submit service builds one (src/services/submit-request.ts): a valid request
// (with the overrides), quoted at the test clock's date, with its own access token.
import crypto from 'node:crypto';
import type { TestApp } from './app.js';
import { validRequest } from './fixtures.js';
import type { WriteCommand } from '../../src/db/writer/group-commit.js';
import { computeQuote } from '../../src/domain/quote.js';
import type { LicensingRequest } from '../../src/domain/request.js';

export function writeCommand(
  t: TestApp,
  overrides: Record<string, unknown> = {},
  idempotencyKey?: string,
): WriteCommand {
  const request = validRequest(overrides) as unknown as LicensingRequest;
  const now = t.clock.now;
  return {
    request,
    locale: 'en',
    quote: computeQuote(t.container.rateCard, request, now.toISOString().slice(0, 10)),
    accessToken: crypto.randomBytes(24).toString('base64url'),
    now: now.toISOString(),
    emails: [
      { template: 'desk_new_request', locale: 'en', recipient: 'desk@reprise.test' },
      { template: 'requester_ack', locale: 'en', recipient: request.requester.email },
    ],
    idempotency: idempotencyKey ? { key: idempotencyKey, bodyHash: 'same' } : undefined,
  };
}
