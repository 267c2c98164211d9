// POST /api/v1/quote and the live quote on the form: the same validation and the
// same engine as a submission, nothing stored.
import type { ComputedQuote, RateCard } from '../domain/quote-types.js';
import type { QuoteInput } from '../domain/request.js';
import { computeQuote } from '../domain/quote.js';
import { todayUtc } from '../domain/dates.js';
import type { Validators } from '../validation/ajv.js';
import type { ValidationIssue } from '../validation/issues.js';
import { startDateIssues, withStartDateIssues } from './request-checks.js';

export type QuoteOutcome = { ok: true; quote: ComputedQuote } | { ok: false; issues: ValidationIssue[] };

export function quoteService(deps: { validators: Validators; rateCard: RateCard; clock: () => Date }) {
  return {
    quote(input: unknown): QuoteOutcome {
      const result = deps.validators.validate<QuoteInput>('quote-request', input);
      const today = todayUtc(deps.clock());
      if (!result.ok) return { ok: false, issues: withStartDateIssues(input, result.issues, today) };
      const issues = startDateIssues(result.value.usage.startDate, today);
      if (issues.length) return { ok: false, issues };
      return { ok: true, quote: computeQuote(deps.rateCard, result.value, today) };
    },
  };
}
