// How long a request has waited and whether the desk is late with it: a request awaiting the desk is
// overdue when nobody has acted on it for more than N working days (Monday to Friday, UTC; no holidays).
import { AWAITING_DESK, type Status } from './workflow.js';

const DAY_MS = 86_400_000;
const isWeekend = (date: Date) => date.getUTCDay() === 0 || date.getUTCDay() === 6;

/** The instant N working days before `now`, at the same time of day. */
export function workingDaysBefore(now: Date, days: number): Date {
  let time = now.getTime();
  let left = days;
  while (left > 0) {
    time -= DAY_MS;
    if (!isWeekend(new Date(time))) left -= 1;
  }
  return new Date(time);
}

export function isOverdue(status: Status, waitingSince: string, now: Date, workingDays: number): boolean {
  if (!AWAITING_DESK.includes(status)) return false;
  return new Date(waitingSince).getTime() < workingDaysBefore(now, workingDays).getTime();
}

/** "12 min", "5 h", "3 days": precise enough for a queue, short enough for a phone. */
export function ageLabel(since: string, now: Date): string {
  const elapsed = Math.max(0, now.getTime() - new Date(since).getTime());
  const minutes = Math.floor(elapsed / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}
