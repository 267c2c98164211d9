// Sign-in throttling over a sliding window: more than 5 failures for one account
// or 20 from one IP within 15 minutes, and further attempts get 429 until the
// oldest failure leaves the window. Counting failures in SQLite keeps the limit
// across restarts and across processes sharing the database.
import { isIPv6 } from 'node:net';
import type { Db } from '../connection.js';

export const WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_IP = 20;
const KEEP_MS = 24 * 60 * 60_000;

/**
 * The address a limit counts: IPv4 as it is, IPv6 by its /64 network, since one
 * client is routinely given a whole /64 and could otherwise rotate addresses.
 */
export function throttleKey(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1];
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export function loginThrottle(db: Db) {
  const insert = db.prepare('INSERT INTO login_attempts (at, email, ip) VALUES (?, ?, ?)');
  const byEmail = db.prepare('SELECT COUNT(*) AS n FROM login_attempts WHERE email = ? AND at > ?');
  const byIp = db.prepare('SELECT COUNT(*) AS n FROM login_attempts WHERE ip = ? AND at > ?');
  const clearEmail = db.prepare('DELETE FROM login_attempts WHERE email = ?');
  const prune = db.prepare('DELETE FROM login_attempts WHERE at < ?');
  const since = (now: Date, ms: number) => new Date(now.getTime() - ms).toISOString();

  return {
    /** True when this account or this IP has used up its failures for now. */
    blocked(email: string, ip: string, now: Date): boolean {
      const from = since(now, WINDOW_MS);
      return (
        (byEmail.get(email, from) as { n: number }).n >= MAX_FAILURES_PER_ACCOUNT ||
        (byIp.get(ip, from) as { n: number }).n >= MAX_FAILURES_PER_IP
      );
    },
    recordFailure(email: string, ip: string, now: Date) {
      insert.run(now.toISOString(), email, ip);
      prune.run(since(now, KEEP_MS));
    },
    /** A successful sign-in forgives the account's earlier typos (the IP count stays). */
    recordSuccess(email: string) {
      clearEmail.run(email);
    },
  };
}

export type LoginThrottle = ReturnType<typeof loginThrottle>;
