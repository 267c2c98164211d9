// The one submission path shared by the HTML form and the JSON API:
// validate → check dates → quote → write (one transaction) → wake the mail worker.
import crypto from 'node:crypto';
import type { LicensingRequest, Locale } from '../domain/request.js';
import type { ComputedQuote, RateCard } from '../domain/quote-types.js';
import { computeQuote } from '../domain/quote.js';
import type { Validators } from '../validation/ajv.js';
import type { ValidationIssue } from '../validation/issues.js';
import type { RequestWriter } from '../db/request-writer.js';
import type { RequestsRepo, RequestStatus } from '../db/repos/requests.js';
import { startDateIssues } from './request-checks.js';

export interface SubmitDeps {
  validators: Validators;
  rateCard: RateCard;
  writer: RequestWriter;
  requests: RequestsRepo;
  deskEmail: string;
  ackCapPerDay?: number;
  clock: () => Date;
  onQueued: () => void;
}

export interface Submitted {
  reference: string;
  accessToken: string;
  status: RequestStatus;
  quote: ComputedQuote;
  locale: Locale;
  email: string;
}

export type SubmitOutcome =
  | { kind: 'created' | 'replayed'; request: Submitted }
  | { kind: 'invalid'; issues: ValidationIssue[]; locale: Locale }
  | { kind: 'key_reused' };

export interface SubmitOptions {
  locale: Locale;
  /** A repeat within 24 h answers the first request when the body is the same (as Stripe does), else key_reused. */
  idempotencyKey?: string;
}

export const todayUtc = (now: Date) => now.toISOString().slice(0, 10);

/** Async because the writer acknowledges a request only after its group's COMMIT (see request-writer.ts). */
export async function submitRequest(deps: SubmitDeps, input: unknown, opts: SubmitOptions): Promise<SubmitOutcome> {
  const result = deps.validators.validate<LicensingRequest>('licensing-request', input);
  const now = deps.clock();
  const locale = (result.ok && result.value.locale) || opts.locale;
  if (!result.ok) return { kind: 'invalid', issues: result.issues, locale };
  const request = result.value;
  const today = todayUtc(now);
  const dateIssues = startDateIssues(request.usage.startDate, today);
  if (dateIssues.length) return { kind: 'invalid', issues: dateIssues, locale };

  const quote = computeQuote(deps.rateCard, request, today);
  const hash = () => crypto.createHash('sha256').update(JSON.stringify(request)).digest('base64url');
  const accessToken = crypto.randomBytes(24).toString('base64url');
  const written = await deps.writer.write(
    {
      request,
      locale,
      quote,
      accessToken,
      now: now.toISOString(),
      deskEmail: deps.deskEmail,
      ackCapPerDay: deps.ackCapPerDay,
      idempotency: opts.idempotencyKey ? { key: opts.idempotencyKey, bodyHash: hash() } : undefined,
    },
    now,
  );
  if (written.kind === 'created') {
    deps.onQueued();
    // Just written as given: no need to read it back.
    const email = request.requester.email;
    return { kind: 'created', request: { reference: written.reference, accessToken, status: 'new', quote, locale, email } };
  }
  if (!written.sameBody) return { kind: 'key_reused' };
  const stored = deps.requests.findById(written.id)!;
  return {
    kind: 'replayed',
    request: {
      reference: stored.reference,
      accessToken: stored.accessToken,
      status: stored.status,
      quote: stored.quote,
      locale: stored.locale,
      email: stored.requester.email,
    },
  };
}
