// Rules the schema cannot express because they depend on today's date.
import { addDaysIso } from '../domain/dates.js';
import type { ValidationIssue } from '../validation/issues.js';

/** The start date may not be in the past: UTC minus a day, since west of Greenwich evenings are a day behind. */
export function startDateIssues(startDate: string, today: string): ValidationIssue[] {
  if (startDate < addDaysIso(today, -1)) return [{ path: '/usage/startDate', key: 'startDateInPast', params: {} }];
  if (startDate > addDaysIso(today, 5 * 366)) return [{ path: '/usage/startDate', key: 'startDateTooFar', params: {} }];
  return [];
}
