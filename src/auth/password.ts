// Password hashing with scrypt (OWASP Password Storage cheat sheet: N=2^17, r=8, p=1). The cost is part of
// the stored string, so raising it later leaves old hashes verifiable; tests lower it (PASSWORD_SCRYPT_LOG2N).
import crypto from 'node:crypto';

const KEY_LENGTH = 32;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** scrypt's N = 2^log2N (cost), r (block size) and p (parallelism). */
function scrypt(
  password: string,
  salt: Buffer,
  log2N: number,
  blockSize: number,
  parallelism: number,
): Promise<Buffer> {
  const cost = 2 ** log2N;
  // Node's default maxmem (32 MiB) is below what N=2^17, r=8 needs (128 MiB).
  const maxmem = 128 * cost * blockSize * parallelism + 32 * 1024 * 1024;
  const options = { N: cost, r: blockSize, p: parallelism, maxmem };
  return new Promise((resolve, reject) => {
    crypto.scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function hashPassword(password: string, log2N: number): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password, salt, log2N, 8, 1);
  return `scrypt$${log2N}$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [log2N, blockSize, parallelism] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  const key = await scrypt(password, salt, log2N, blockSize, parallelism);
  return key.length === expected.length && crypto.timingSafeEqual(key, expected);
}

/** A problem with a new password, in words a person can act on, or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `The password must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
  }
  return null;
}

/** A hash to check against when the account does not exist: an unknown email takes as long to refuse. */
export function decoyHash(log2N: number): Promise<string> {
  return hashPassword(crypto.randomBytes(16).toString('hex'), log2N);
}
