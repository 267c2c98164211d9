// Time-based one-time codes (RFC 6238: HMAC-SHA1, 6 digits, 30 s steps) through otpauth, and recovery codes: what an
// authenticator app and a printed list of codes prove, checked here against the app's clock.
import crypto from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

const PERIOD = 30;

/** A new secret: 160 random bits, as base32 for the app (RFC 4226 recommends 160). */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/** The otpauth:// address an authenticator app reads from the QR code. */
export function totpUri(secret: string, account: string, issuer: string): string {
  return new TOTP({ issuer, label: account, secret: Secret.fromBase32(secret), period: PERIOD }).toString();
}

/** The time step a code is good for (the current one, or one either side for a clock a little off); else undefined. */
export function totpStep(secret: string, code: string, now: Date): number | undefined {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return undefined;
  const totp = new TOTP({ secret: Secret.fromBase32(secret), period: PERIOD });
  const delta = totp.validate({ token, timestamp: now.getTime(), window: 1 });
  return delta === null ? undefined : totp.counter({ timestamp: now.getTime() }) + delta;
}

/** Ten recovery codes of ten characters from 31 (49 random bits each), as people copy them: "k7qm2-x9d4f". */
export function newRecoveryCodes(count = 10): string[] {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: 10 }, () => alphabet[crypto.randomInt(alphabet.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** How a recovery code is kept: its SHA-256 (random codes need no salt or slow hash), whatever its dashes or case. */
export const recoveryCodeHash = (code: string): string =>
  crypto
    .createHash('sha256')
    .update(code.toLowerCase().replace(/[^a-z0-9]/g, ''))
    .digest('base64url');
