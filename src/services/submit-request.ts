// The one submission path shared by the HTML form and the JSON API: validate → check dates → quote →
// decide the emails → write (one transaction) → wake the mail worker. A write refused for lack of space is
// an outcome of its own: nothing of it was stored.
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { LicensingRequest, Locale } from '../domain/request.js';
import type { ComputedQuote, RateCard } from '../domain/quote-types.js';
import { computeQuote } from '../domain/quote.js';
import { todayUtc } from '../domain/dates.js';
import type { Validators } from '../validation/ajv.js';
import type { ValidationIssue } from '../validation/issues.js';
import type { EmailToQueue, RequestWriter, WriteResult } from '../db/writer/index.js';
import type { RequestsRepo } from '../db/repos/requests.js';
import type { Status } from '../domain/workflow.js';
import { startDateIssues, withStartDateIssues } from './request-checks.js';
import type { StorageCondition, StorageFullError } from '../storage-condition.js';

export interface SubmitDeps {
  validators: Validators;
  rateCard: RateCard;
  writer: RequestWriter;
  requests: RequestsRepo;
  deskEmail: string;
  /** Acknowledgements to one requester address per 24 h; 0 for no cap. */
  ackCapPerDay: number;
  clock: () => Date;
  onQueued: () => void;
  storage: StorageCondition;
}

interface Submitted {
  reference: string;
  accessToken: string;
  status: Status;
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
  /** The licensed request this one renews (its renewal link carries it). */
  renewsRequestId?: number;
}

/** Which emails a new request sends: the desk's, and the requester's acknowledgement within the daily cap. */
function emailsFor(deps: SubmitDeps, licensingRequest: LicensingRequest, locale: Locale, now: Date): EmailToQueue[] {
  // The address is not verified: past the cap, requests still reach the desk but send it nothing (no flooding).
  const since = new Date(now.getTime() - 86_400_000).toISOString();
  return [
    { template: 'desk_new_request', locale: 'en', recipient: deps.deskEmail },
    {
      template: 'requester_ack',
      locale,
      recipient: licensingRequest.requester.email,
      unlessAcksSince: deps.ackCapPerDay ? { count: deps.ackCapPerDay, since } : undefined,
    },
  ];
}

export function submissionService(deps: SubmitDeps) {
  /** Async because the writer acknowledges a request only after its group's COMMIT. */
  async function submit(input: unknown, options: SubmitOptions): Promise<SubmitOutcome> {
    const result = deps.validators.validate<LicensingRequest>('licensing-request', input);
    const now = deps.clock();
    const locale = (result.ok && result.value.locale) || options.locale;
    if (!result.ok)
      return { kind: 'invalid', issues: withStartDateIssues(input, result.issues, todayUtc(now)), locale };
    const licensingRequest = result.value;
    const today = todayUtc(now);
    const dateIssues = startDateIssues(licensingRequest.usage.startDate, today);
    if (dateIssues.length) return { kind: 'invalid', issues: dateIssues, locale };

    const quote = computeQuote(deps.rateCard, licensingRequest, today);
    const bodyHash = () => crypto.createHash('sha256').update(JSON.stringify(licensingRequest)).digest('base64url');
    const accessToken = crypto.randomBytes(24).toString('base64url');
    let written: WriteResult;
    try {
      written = await deps.writer.write(
        {
          request: licensingRequest,
          locale,
          quote,
          accessToken,
          now: now.toISOString(),
          renewsRequestId: options.renewsRequestId,
          emails: emailsFor(deps, licensingRequest, locale, now),
          idempotency: options.idempotencyKey ? { key: options.idempotencyKey, bodyHash: bodyHash() } : undefined,
        },
        now,
      );
    } catch (error) {
      // The writer's transaction rolled back: no request, articles, outbox rows or idempotency key.
      const refusal = deps.storage.refuse('database', error, 'submission', options.log);
      if (refusal) return { kind: 'storage_full', error: refusal, locale };
      throw error;
    }
    if (written.kind === 'created') {
      deps.storage.wrote('database'); // a replay wrote nothing, so proves no room
      deps.onQueued();
      // Just written as given: no need to read it back.
      const email = licensingRequest.requester.email;
      const { reference } = written;
      return { kind: 'created', request: { reference, accessToken, status: 'new', quote, locale, email } };
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

  return { submit };
}
