// Seeding many requests quickly for queue tests and benchmarks: the requests
// repository's own insert (so references, articles and every trigger-kept lookup
// table are written as in production) in one transaction, with chosen timestamps.
import crypto from 'node:crypto';
import type { Container } from '../../src/container.js';
import { writeTransaction } from '../../src/db/connection.js';
import { computeQuote } from '../../src/domain/quote.js';
import type { LicensingRequest } from '../../src/domain/request.js';
import { validRequest } from './fixtures.js';

export interface SeedOptions {
  /** created_at of the first row; each next row is `stepMs` later. */
  start: Date;
  stepMs: number;
  /** Changes the i-th request before it is stored. */
  vary?: (i: number, r: LicensingRequest) => void;
}

export function seedRequests(c: Container, count: number, o: SeedOptions): { id: number; reference: string }[] {
  const base = validRequest() as unknown as LicensingRequest;
  const today = o.start.toISOString().slice(0, 10);
  return writeTransaction(c.db, () => {
    const out: { id: number; reference: string }[] = [];
    for (let i = 0; i < count; i++) {
      const r = structuredClone(base);
      o.vary?.(i, r);
      const quote = computeQuote(c.rateCard, r, today);
      const now = new Date(o.start.getTime() + i * o.stepMs).toISOString();
      out.push(
        c.repos.requests.insert({
          request: r,
          locale: r.locale ?? 'en',
          quote,
          accessToken: crypto.randomBytes(24).toString('base64url'),
          now,
        }),
      );
    }
    return out;
  });
}
