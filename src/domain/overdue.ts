// How long a request has waited and whether the desk is late with it: a request
// awaiting the desk (new, in review) is overdue when nobody has acted on it for
// more than N working days (Monday to Friday, UTC; public holidays are not known).
import { AWAITING_DESK, type Status } from './workflow.js';

const DAY_MS = 86_400_000;
const isWeekend = (d: Date) => d.getUTCDay() === 0 || d.getUTCDay() === 6;

/** The instant N working days before `now`, at the same time of day. */
export function workingDaysBefore(now: Date, days: number): Date {
  let t = now.getTime();
  let left = days;
  while (left > 0) {
    t -= DAY_MS;
    if (!isWeekend(new Date(t))) left -= 1;
  }
  return new Date(t);
}

export function isOverdue(status: Status, waitingSince: string, now: Date, workingDays: number): boolean {
  if (!AWAITING_DESK.includes(status)) return false;
  return new Date(waitingSince).getTime() < workingDaysBefore(now, workingDays).getTime();
}

/** "12 min", "5 h", "3 days": precise enough for a queue, short enough for a phone. */
export function ageLabel(since: string, now: Date): string {
  const ms = Math.max(0, now.getTime() - new Date(since).getTime());
  const min = Math.floor(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} days`;
}
