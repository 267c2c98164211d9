// Rules the schema cannot express because they depend on today's date.
import { addDaysIso, isIsoDate } from '../domain/dates.js';
import type { ValidationIssue } from '../validation/issues.js';

/** The start date may not be in the past: UTC minus a day, since west of Greenwich evenings are a day behind. */
export function startDateIssues(startDate: string, today: string): ValidationIssue[] {
  if (startDate < addDaysIso(today, -1)) return [{ path: '/usage/startDate', key: 'startDateInPast', params: {} }];
  if (startDate > addDaysIso(today, 5 * 366)) return [{ path: '/usage/startDate', key: 'startDateTooFar', params: {} }];
  return [];
}

/**
 * The schema's issues and the date's together, so one submission shows every problem: the start date of an input
 * the schema refused is checked too when it is a real date the schema had nothing to say about.
 */
export function withStartDateIssues(input: unknown, issues: ValidationIssue[], today: string): ValidationIssue[] {
  const usage = (input as { usage?: { startDate?: unknown } } | null)?.usage;
  const startDate = usage && typeof usage === 'object' ? usage.startDate : undefined;
  if (typeof startDate !== 'string' || !isIsoDate(startDate)) return issues;
  if (issues.some((issue) => issue.path === '/usage/startDate')) return issues;
  return [...issues, ...startDateIssues(startDate, today)];
}
