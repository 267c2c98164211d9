// One webhook POST, signed as Standard Webhooks asks (webhook-id, webhook-timestamp, webhook-signature: "v1," and the
// base64 HMAC-SHA256 of "id.timestamp.body" with the whsec_ secret's bytes, one per secret while a rotation's window
// is open, space-separated), over a connection whose every address the SSRF guard has checked. The answer is read
// only for its status, Retry-After and a short error note.
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { ForbiddenAddress, guardedLookup, isPrivateAddress } from './address-guard.js';

const TIMEOUT_MS = 10_000;
const NOTE_BYTES = 200;

export interface SendResult {
  /** Null when no answer came (a refused address, a network error, a time-out). */
  status: number | null;
  durationMs: number;
  /** Seconds, from a Retry-After header in seconds or as a date. */
  retryAfter?: number;
  error?: string;
}

/** The Standard Webhooks signature of a message. */
export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** How long a rotated endpoint's previous secret keeps signing beside the new one. */
export const PREVIOUS_SECRET_MS = 24 * 60 * 60_000;

/** The secrets a delivery at `now` is signed with: the endpoint's own, then the previous one inside its window. */
export function signingSecrets(
  endpoint: { secret: string; previousSecret: string | null; previousSecretUntil: string | null },
  now: Date,
): string[] {
  const { secret, previousSecret, previousSecretUntil } = endpoint;
  const inWindow = previousSecret && previousSecretUntil && now.getTime() < Date.parse(previousSecretUntil);
  return inWindow ? [secret, previousSecret] : [secret];
}

/** A new secret, as Standard Webhooks writes them: whsec_ and 24 random bytes in base64. */
export const newSecret = () => `whsec_${crypto.randomBytes(24).toString('base64')}`;

function retryAfterSeconds(header: string | undefined, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header)) return Number(header);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.round((at - now) / 1000));
}

export function sendWebhook(
  target: string,
  headers: Record<string, string>,
  body: string,
  allowPrivate: boolean,
): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const url = new URL(target);
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (!allowPrivate && net.isIP(literal) && isPrivateAddress(literal)) {
      return resolve({ status: null, durationMs: 0, error: `Refused: ${literal} is a private address` });
    }
    const client = url.protocol === 'https:' ? https : http;
    // An overall deadline: a receiver trickling its answer a byte at a time would never set off the idle time-out.
    const deadline = setTimeout(() => {
      resolve({ status: null, durationMs: elapsed(), error: `No full answer within ${TIMEOUT_MS / 1000} s` });
      request.destroy();
    }, TIMEOUT_MS);
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
        lookup: guardedLookup(allowPrivate),
        timeout: TIMEOUT_MS,
      },
      (response) => {
        let note = '';
        response.setEncoding('utf8');
        const finish = () => {
          clearTimeout(deadline);
          const status = response.statusCode ?? 0;
          resolve({
            status,
            durationMs: elapsed(),
            retryAfter: retryAfterSeconds(response.headers['retry-after'], Date.now()),
            error: status >= 300 ? `HTTP ${status}${note ? `: ${note.replace(/\s+/g, ' ').trim()}` : ''}` : undefined,
          });
          response.destroy();
        };
        // Only a short note is read; past it the answer is dropped, however long the receiver goes on.
        response.on('data', (chunk: string) => {
          note += chunk.slice(0, NOTE_BYTES - note.length);
          if (note.length >= NOTE_BYTES) finish();
        });
        response.on('end', finish);
        response.on('error', (error) => resolve({ status: null, durationMs: elapsed(), error: error.message }));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`No answer within ${TIMEOUT_MS / 1000} s`)));
    request.on('error', (error) => {
      clearTimeout(deadline);
      const refused = error instanceof ForbiddenAddress || error.cause instanceof ForbiddenAddress;
      resolve({ status: null, durationMs: elapsed(), error: refused ? `Refused: ${error.message}` : error.message });
    });
    request.end(body);
  });
}
