// The one submission path shared by the HTML form and the JSON API:
// validate → check dates → quote → write (one transaction) → wake the mail worker.
// A write refused for lack of space is an outcome of its own: nothing of it was stored.
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { LicensingRequest, Locale } from '../domain/request.js';
import type { ComputedQuote, RateCard } from '../domain/quote-types.js';
import { computeQuote } from '../domain/quote.js';
import type { Validators } from '../validation/ajv.js';
import type { ValidationIssue } from '../validation/issues.js';
import type { RequestWriter, WriteResult } from '../db/writer/group-commit.js';
import type { RequestsRepo, RequestStatus } from '../db/repos/requests.js';
import { startDateIssues } from './request-checks.js';
import type { StorageCondition, StorageFullError } from '../storage-condition.js';

export interface SubmitDeps {
  validators: Validators;
  rateCard: RateCard;
  writer: RequestWriter;
  requests: RequestsRepo;
  deskEmail: string;
  ackCapPerDay?: number;
  clock: () => Date;
  onQueued: () => void;
  storage: StorageCondition;
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
  | { kind: 'key_reused' }
  | { kind: 'storage_full'; error: StorageFullError; locale: Locale };

export interface SubmitOptions {
  locale: Locale;
  /** A repeat within 24 h answers the first request when the body is the same (as Stripe does), else key_reused. */
  idempotencyKey?: string;
  /** Where a refusal is logged (the HTTP request's logger, with its id). */
  log?: Logger;
}

export const todayUtc = (now: Date) => now.toISOString().slice(0, 10);

/** Async because the writer acknowledges a request only after its group's COMMIT (see src/db/writer/group-commit.ts). */
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
  let written: WriteResult;
  try {
    written = await deps.writer.write(
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
  } catch (err) {
    // The writer's transaction rolled back: no request, articles, outbox rows or idempotency key.
    const error = deps.storage.refuse('database', err, 'submission', opts.log);
    if (error) return { kind: 'storage_full', error, locale };
    throw err;
  }
  if (written.kind === 'created') {
    deps.storage.wrote('database'); // a replay wrote nothing, so proves no room
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
