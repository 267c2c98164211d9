// Rules the schema cannot express because they depend on today's date.
import { addDaysIso } from '../domain/dates.js';
import type { ValidationIssue } from '../validation/issues.js';

/**
 * The start date may not be in the past. "Today" is taken in UTC minus one day so
 * that a requester west of Greenwich, whose calendar is a day behind UTC in the
 * evening, can still pick their own today.
 */
export function startDateIssues(startDate: string, today: string): ValidationIssue[] {
  if (startDate < addDaysIso(today, -1)) return [{ path: '/usage/startDate', key: 'startDateInPast', params: {} }];
  if (startDate > addDaysIso(today, 5 * 366)) return [{ path: '/usage/startDate', key: 'startDateTooFar', params: {} }];
  return [];
}
