/**
 * Technician rosters: weekly shift patterns, one-day exceptions and approved leave.
 * Calendars are China Standard Time, whatever the machine's zone (time/china-time.ts).
 */

import { chinaLocalTime, type Weekday } from './time/china-time.js';

export const MINUTES_PER_DAY = 1440;

/**
 * One working window on one weekday, minutes after China-local midnight, `[startMinute,
 * endMinute)`. A shift over midnight is two rows (e.g. Fri 22:00-24:00 and Sat 00:00-06:00).
 */
export interface WeeklyShift {
  weekday: Weekday;
  /** 0..1439 */
  startMinute: number;
  /** 1..1440, greater than startMinute */
  endMinute: number;
}

/**
 * Replaces the weekly pattern for one China-local date. `off: true`: no work that day.
 * Otherwise the window `[startMinute ?? 0, endMinute ?? 1440)`; several rows for one date
 * give several windows, and any `off` row for the date wins.
 */
export interface ShiftException {
  /** yyyy-mm-dd, China local */
  date: string;
  off: boolean;
  startMinute?: number;
  endMinute?: number;
}

/** Approved leave, `[startAt, endAt)`. */
export interface LeavePeriod {
  startAt: Date;
  endAt: Date;
}

function toMs(at: Date | number): number {
  return typeof at === 'number' ? at : at.getTime();
}

function inWindow(minute: number, start: number, end: number): boolean {
  return minute >= start && minute < end;
}

/**
 * Whether a technician is rostered at `at`. An exception for that China-local date replaces
 * the weekly pattern. An EMPTY pattern means no schedule has been recorded, and such a
 * technician counts as always on duty (except on a date an exception says otherwise), so that
 * a community that does not keep rosters still gets its orders routed.
 */
export function isOnShift(
  at: Date | number,
  pattern: readonly WeeklyShift[],
  exceptions: readonly ShiftException[],
): boolean {
  const local = chinaLocalTime(at);
  const today = exceptions.filter((e) => e.date === local.date);
  if (today.length > 0) {
    if (today.some((e) => e.off)) return false;
    return today.some((e) => inWindow(local.minute, e.startMinute ?? 0, e.endMinute ?? MINUTES_PER_DAY));
  }
  if (pattern.length === 0) return true;
  return pattern.some((s) => s.weekday === local.weekday && inWindow(local.minute, s.startMinute, s.endMinute));
}

/** Whether `at` falls inside any approved leave period (start inclusive, end exclusive). */
export function isOnLeave(at: Date | number, leave: readonly LeavePeriod[]): boolean {
  const ms = toMs(at);
  return leave.some((l) => ms >= l.startAt.getTime() && ms < l.endAt.getTime());
}

const DATE_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Whether `value` is a real calendar date written yyyy-mm-dd. */
export function isLocalDate(value: string): boolean {
  if (!DATE_RE.test(value)) return false;
  return new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
}

function windowProblems(where: string, start: unknown, end: unknown): string[] {
  const problems: string[] = [];
  const startOk = Number.isInteger(start) && (start as number) >= 0 && (start as number) < 1440;
  const endOk = Number.isInteger(end) && (end as number) > 0 && (end as number) <= 1440;
  if (!startOk) problems.push(`${where}: startMinute must be an integer 0..1439`);
  if (!endOk) problems.push(`${where}: endMinute must be an integer 1..1440`);
  if (startOk && endOk && (end as number) <= (start as number)) {
    problems.push(`${where}: endMinute must be after startMinute (split an overnight shift)`);
  }
  return problems;
}

/** Problems with a weekly pattern and its exceptions, for the roster editor; empty = valid. */
export function validateRoster(pattern: readonly WeeklyShift[], exceptions: readonly ShiftException[] = []): string[] {
  const problems: string[] = [];
  pattern.forEach((s, i) => {
    if (!Number.isInteger(s.weekday) || s.weekday < 0 || s.weekday > 6) {
      problems.push(`pattern[${i}]: weekday must be an integer 0..6 (0 = Sunday)`);
    }
    problems.push(...windowProblems(`pattern[${i}]`, s.startMinute, s.endMinute));
  });
  exceptions.forEach((e, i) => {
    if (!isLocalDate(e.date)) problems.push(`exceptions[${i}]: date must be yyyy-mm-dd`);
    if (!e.off && (e.startMinute !== undefined || e.endMinute !== undefined)) {
      problems.push(...windowProblems(`exceptions[${i}]`, e.startMinute ?? 0, e.endMinute ?? MINUTES_PER_DAY));
    }
  });
  return problems;
}
