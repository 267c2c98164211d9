// Calendar-date arithmetic on YYYY-MM-DD strings, in UTC. Quotes and requests carry dates, not instants:
// "valid until 2026-12-15" must not shift with the server's time zone or a daylight-saving change.
import { remember } from '../memo/bounded-memo.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** YYYY-MM-DD → milliseconds at 00:00 UTC; throws on 2026-02-30 rather than roll it into March like Date. */
function parseIsoDate(date: string): number {
  const match = ISO_DATE.exec(date);
  if (!match) throw new RangeError(`Not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear keeps the year as written.
  const check = new Date(ms);
  check.setUTCFullYear(year);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`Not a calendar date: ${date}`);
  }
  return check.getTime();
}

/** Formats milliseconds since the epoch as the UTC calendar date YYYY-MM-DD. */
function formatIsoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Recent sums, bounded: every quote asks for the same three dates from the same "today" (docs/internals.md#memos). */
const recentSums = new Map<string, string>();
const MAX_RECENT_SUMS = 256;

/** `date` plus `days` calendar days (negative goes back), e.g. 2026-01-31 + 30 → 2026-03-02. */
export function addDaysIso(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`Days must be an integer, got ${days}`);
  // Every UTC day is exactly DAY_MS long (no DST in UTC), so plain addition is exact.
  return remember(recentSums, `${date}|${days}`, MAX_RECENT_SUMS, () =>
    formatIsoDate(parseIsoDate(date) + days * DAY_MS),
  );
}

/** True for a real calendar date written YYYY-MM-DD (2026-02-31 is not one). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  try {
    parseIsoDate(value);
    return true;
  } catch {
    return false;
  }
}

/** An instant plus whole calendar months (negative goes back), UTC: the same day or the month's last, same time. */
export function addMonthsUtc(instant: Date, months: number): Date {
  const result = new Date(instant);
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

/** `date` plus `months` calendar months (2026-01-31 + 1 → 2026-02-28). */
export const addMonthsIso = (date: string, months: number): string =>
  formatIsoDate(addMonthsUtc(new Date(parseIsoDate(date)), months).getTime());

/** The UTC calendar date of an instant. */
export const todayUtc = (now: Date): string => now.toISOString().slice(0, 10);

/** The instant a UTC calendar date begins, as stored (2026-03-01T00:00:00.000Z). */
export const startOfDayIso = (date: string): string => new Date(parseIsoDate(date)).toISOString();
