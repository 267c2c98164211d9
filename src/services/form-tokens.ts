// A signed time token in every public form: it tells a person from a bot that posts in under
// FORM_MIN_FILL_SECONDS or replays a day-old page, and its nonce makes a double click one request.
import crypto from 'node:crypto';

const FORM_TOKEN_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export type TokenCheck =
  { ok: true; nonce: string } | { ok: false; reason: 'missing' | 'forged' | 'too_fast' | 'expired' };

/** 12 random bytes as base64url, from a pool refilled 256 nonces at a time (docs/internals.md#memos). */
const NONCE_BYTES = 12;
const pool = Buffer.alloc(NONCE_BYTES * 256);
let poolOffset = pool.length;
function nonce(): string {
  if (poolOffset === pool.length) {
    crypto.randomFillSync(pool);
    poolOffset = 0;
  }
  const text = pool.toString('base64url', poolOffset, poolOffset + NONCE_BYTES);
  poolOffset += NONCE_BYTES;
  return text;
}

export function formTokens(secret: string, minFillSeconds: number) {
  const sign = (payload: string) => crypto.createHmac('sha256', secret).update(payload).digest('base64url');
  return {
    issue(now: Date): string {
      const payload = `${now.getTime().toString(36)}.${nonce()}`;
      return `${payload}.${sign(payload)}`;
    },
    check(token: unknown, now: Date): TokenCheck {
      if (typeof token !== 'string' || token === '') return { ok: false, reason: 'missing' };
      const parts = token.split('.');
      if (parts.length !== 3) return { ok: false, reason: 'forged' };
      const [time, nonce, mac] = parts;
      const expected = Buffer.from(sign(`${time}.${nonce}`));
      const given = Buffer.from(mac);
      if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
        return { ok: false, reason: 'forged' };
      }
      const age = now.getTime() - parseInt(time, 36);
      if (age < minFillSeconds * 1000) return { ok: false, reason: 'too_fast' };
      if (age > FORM_TOKEN_MAX_AGE_MS) return { ok: false, reason: 'expired' };
      return { ok: true, nonce };
    },
  };
}

export type FormTokens = ReturnType<typeof formTokens>;
