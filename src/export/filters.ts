// Export filters, checked the same way for the admin page and the command line: a date range on the
// submission date, zero or more statuses, and licences by state. Only checked values reach the query or the file name.
import { AppError } from '../errors.js';
import { addDaysIso, isIsoDate, todayUtc } from '../domain/dates.js';
import { STATUSES } from '../domain/workflow.js';
import { LICENCE_STATES } from '../domain/licence.js';
import type { ExportFilters } from '../db/repos/export-queries.js';
import { FORMATS, type ExportFormat } from './formatter.js';

export type { ExportFilters };

export interface RawFilters {
  from?: unknown;
  to?: unknown;
  status?: unknown;
  licence?: unknown;
}

/** What "today" and the "ending" window are for a licence filter. */
export interface LicenceDay {
  today: string;
  endingDays: number;
}

const bad = (message: string) => new AppError(400, 'bad_export_filter', message);

function day(name: string, raw: unknown): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const value = typeof raw === 'string' ? raw.trim() : '';
  if (!isIsoDate(value)) {
    throw bad(`"${name}" must be a date written YYYY-MM-DD, for example 2026-01-31.`);
  }
  return value;
}

/** A list may come as "licensed,declined", as repeated parameters, or be empty for all. */
function oneOf<T extends string>(name: string, allowed: readonly T[], raw: unknown): T[] {
  if (raw === undefined || raw === null || raw === '') return [];
  const given = Array.isArray(raw) ? raw : [raw];
  const parts = given.flatMap((part) => (typeof part === 'string' ? part.split(',') : [null]));
  const chosen = new Set<string>();
  for (const part of parts) {
    const value = typeof part === 'string' ? part.trim() : '';
    if (value === '' && part !== null) continue;
    if (!(allowed as readonly string[]).includes(value)) {
      throw bad(`"${name}" must be one or more of ${allowed.join(', ')}.`);
    }
    chosen.add(value);
  }
  return allowed.filter((value) => chosen.has(value));
}

/** `day` fixes "today" for a licence filter (the service's clock; the CLI's). */
export function parseFilters(raw: RawFilters, day_: LicenceDay = { today: todayUtc(new Date()), endingDays: 30 }) {
  const states = oneOf('licence', LICENCE_STATES, raw.licence);
  const licences = states.length ? { states, today: day_.today, soon: addDaysIso(day_.today, day_.endingDays) } : null;
  const filters: ExportFilters = {
    from: day('from', raw.from),
    to: day('to', raw.to),
    statuses: oneOf('status', STATUSES, raw.status),
    licences,
  };
  if (filters.from && filters.to && filters.from > filters.to) throw bad('"from" must not be after "to".');
  return filters;
}

export function parseFormat(raw: unknown): ExportFormat {
  const format = raw === undefined || raw === '' ? 'csv' : raw;
  if (typeof format !== 'string' || !(FORMATS as readonly string[]).includes(format)) {
    throw bad(`"format" must be one of ${FORMATS.join(', ')}.`);
  }
  return format as ExportFormat;
}

/** The download's name, from the checked filters only: reprise-requests_2026-01-01_2026-03-31_licensed.csv */
export function exportFileName(filters: ExportFilters, format: ExportFormat): string {
  const range = filters.from || filters.to ? `_${filters.from ?? 'start'}_${filters.to ?? 'now'}` : '_all';
  const status = filters.statuses.length ? `_${filters.statuses.join('-')}` : '';
  const licences = filters.licences ? `_licence-${filters.licences.states.join('-')}` : '';
  return `reprise-requests${range}${status}${licences}.${format}`;
}
