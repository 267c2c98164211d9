// Export filters, checked the same way for the admin page and the command line: a date range on the
// submission date and zero or more statuses. Only checked values reach the query or the file name.
import { AppError } from '../errors.js';
import { isIsoDate } from '../domain/dates.js';
import { STATUSES, type Status } from '../domain/workflow.js';
import type { ExportFilters } from '../db/repos/export-queries.js';
import { FORMATS, type ExportFormat } from './formatter.js';

export type { ExportFilters };

export interface RawFilters {
  from?: unknown;
  to?: unknown;
  status?: unknown;
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

/** Status may come as "licensed,declined", as repeated parameters, or be empty for all. */
function statuses(raw: unknown): Status[] {
  if (raw === undefined || raw === null || raw === '') return [];
  const given = Array.isArray(raw) ? raw : [raw];
  const parts = given.flatMap((part) => (typeof part === 'string' ? part.split(',') : [null]));
  const chosen = new Set<Status>();
  for (const part of parts) {
    const status = typeof part === 'string' ? part.trim() : '';
    if (status === '' && part !== null) continue;
    if (!(STATUSES as readonly string[]).includes(status)) {
      throw bad(`"status" must be one or more of ${STATUSES.join(', ')}.`);
    }
    chosen.add(status as Status);
  }
  return STATUSES.filter((status) => chosen.has(status));
}

export function parseFilters(raw: RawFilters): ExportFilters {
  const filters = { from: day('from', raw.from), to: day('to', raw.to), statuses: statuses(raw.status) };
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
  return `reprise-requests${range}${status}.${format}`;
}
