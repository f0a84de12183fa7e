/**
 * SLA clocks: targets per priority and stage, business-hour arithmetic, and the escalation
 * ladder (docs/sla.md "Escalation ladder"). Calendars are China Standard Time (UTC+8, no DST).
 */
import { isLocalDate } from './shifts.js';
import { CHINA_UTC_OFFSET_ISO, chinaDayStart, chinaLocalTime, type Weekday } from './time/china-time.js';
import type { Priority } from './work-order.js';

export const SLA_STAGES = ['accept', 'arrive', 'resolve'] as const;
export type SlaStage = (typeof SLA_STAGES)[number];

export interface SlaTargets {
  acceptMinutes: number;
  /** null = by appointment: the arrive stage has no clock. */
  arriveMinutes: number | null;
  resolveMinutes: number;
}

/** docs/sla.md "Targets"; SLA policies override them per community, category and priority. */
export const DEFAULT_SLA_TARGETS: Readonly<Record<Priority, Readonly<SlaTargets>>> = Object.freeze({
  P1: Object.freeze({ acceptMinutes: 5, arriveMinutes: 30, resolveMinutes: 120 }),
  P2: Object.freeze({ acceptMinutes: 15, arriveMinutes: 120, resolveMinutes: 240 }),
  P3: Object.freeze({ acceptMinutes: 30, arriveMinutes: null, resolveMinutes: 2880 }),
  P4: Object.freeze({ acceptMinutes: 1440, arriveMinutes: null, resolveMinutes: 7200 }),
});

/** The target of one stage; null when the stage has no clock. */
export function stageTargetMinutes(targets: SlaTargets, stage: SlaStage): number | null {
  switch (stage) {
    case 'accept':
      return targets.acceptMinutes;
    case 'arrive':
      return targets.arriveMinutes;
    case 'resolve':
      return targets.resolveMinutes;
  }
}

export type EscalationLevel = 0 | 1 | 2 | 3;

/** At 50% of the target remind the assignee, at 75% the supervisor; at 100% it is breached. */
export const ESCALATION_LEVELS = [
  { level: 1, fraction: 0.5, notify: 'assignee' },
  { level: 2, fraction: 0.75, notify: 'supervisor' },
  { level: 3, fraction: 1, notify: 'manager' },
] as const;
export const BREACHED_LEVEL = 3;

/** Opening hours; windows are China-local minutes `[startMinute, endMinute)`. */
export interface BusinessCalendar {
  days: ReadonlyArray<{ weekday: Weekday; startMinute: number; endMinute: number }>;
  /** yyyy-mm-dd, China local: closed all day. */
  holidays?: readonly string[];
}

/** Monday to Saturday, 08:00-18:00. */
export const DEFAULT_BUSINESS_CALENDAR: Readonly<BusinessCalendar> = Object.freeze({
  days: Object.freeze(
    ([1, 2, 3, 4, 5, 6] as const).map((weekday) => Object.freeze({ weekday, startMinute: 480, endMinute: 1080 })),
  ),
  holidays: Object.freeze([]),
});

/** One stage's clock. `pausedMs` is the wall-clock length of the pauses already ended. */
export interface SlaClock {
  /** Epoch ms. */
  startedAt: number;
  targetMinutes: number;
  pausedMs: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const WEEK_MS = 7 * DAY_MS;

/** Problems with a calendar, for the settings form; empty = valid. */
export function validateBusinessCalendar(calendar: BusinessCalendar): string[] {
  const problems: string[] = [];
  calendar.days.forEach((d, i) => {
    if (!Number.isInteger(d.weekday) || d.weekday < 0 || d.weekday > 6) {
      problems.push(`days[${i}]: weekday must be an integer 0..6 (0 = Sunday)`);
    }
    const startOk = Number.isFinite(d.startMinute) && d.startMinute >= 0 && d.startMinute < 1440;
    const endOk = Number.isFinite(d.endMinute) && d.endMinute > 0 && d.endMinute <= 1440;
    if (!startOk) problems.push(`days[${i}]: startMinute must be 0..1439`);
    if (!endOk) problems.push(`days[${i}]: endMinute must be 1..1440`);
    if (startOk && endOk && d.endMinute <= d.startMinute) {
      problems.push(`days[${i}]: endMinute must be after startMinute`);
    }
  });
  (calendar.holidays ?? []).forEach((h, i) => {
    if (!isLocalDate(h)) problems.push(`holidays[${i}]: must be a date yyyy-mm-dd`);
  });
  if (problems.length === 0 && calendar.days.length === 0) {
    problems.push('the calendar has no open time');
  }
  return problems;
}

/** A calendar prepared for arithmetic. */
interface OpenHours {
  /** Per weekday, sorted non-overlapping windows in minutes. */
  windows: Array<Array<[number, number]>>;
  holidays: ReadonlySet<string>;
  /** China-local midnights of the holidays, ascending. */
  holidayStarts: number[];
  /** Open time in a week without holidays. */
  weekMs: number;
}

function openHours(calendar: BusinessCalendar): OpenHours {
  const problems = validateBusinessCalendar(calendar);
  if (problems.length > 0) throw new RangeError(`invalid calendar: ${problems.join('; ')}`);
  const windows: Array<Array<[number, number]>> = [[], [], [], [], [], [], []];
  for (const weekday of [0, 1, 2, 3, 4, 5, 6]) {
    const rows = calendar.days
      .filter((d) => d.weekday === weekday)
      .map((d): [number, number] => [d.startMinute, d.endMinute])
      .sort((x, y) => x[0] - y[0]);
    // Merge overlapping or touching windows so that no minute counts twice.
    for (const [s, e] of rows) {
      const last = windows[weekday].at(-1);
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else windows[weekday].push([s, e]);
    }
  }
  const holidays = calendar.holidays ?? [];
  return {
    windows,
    holidays: new Set(holidays),
    holidayStarts: holidays.map((h) => Date.parse(`${h}T00:00:00${CHINA_UTC_OFFSET_ISO}`)).sort((x, y) => x - y),
    weekMs: windows.flat().reduce((sum, [s, e]) => sum + (e - s) * MINUTE_MS, 0),
  };
}

/**
 * How many of `wanted` whole weeks from the China-local midnight `day` hold no holiday, so that
 * each of them has exactly `weekMs` of open time and can be skipped at once.
 */
function holidayFreeWeeks(hours: OpenHours, day: number, wanted: number): number {
  const next = hours.holidayStarts.find((h) => h >= day);
  return next === undefined ? wanted : Math.min(wanted, Math.floor((next - day) / WEEK_MS));
}

/** The open windows, as epoch ms, of the China-local day starting at `dayStart`. */
function windowsOfDay(hours: OpenHours, dayStart: number): Array<[number, number]> {
  const local = chinaLocalTime(dayStart);
  if (hours.holidays.has(local.date)) return [];
  return hours.windows[local.weekday].map(([s, e]) => [dayStart + s * MINUTE_MS, dayStart + e * MINUTE_MS]);
}

/**
 * The instant `minutes` working minutes after `start`. A null calendar means 24/7 (plain
 * addition). Outside opening hours the count begins at the next opening; a deadline may fall
 * exactly at closing time. Throws RangeError for a negative or non-finite amount or a calendar
 * without open time.
 */
export function addWorkingMinutes(start: number, minutes: number, calendar: BusinessCalendar | null): number {
  if (!Number.isFinite(start)) throw new RangeError('start must be a finite epoch ms');
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new RangeError('minutes must be a finite number >= 0');
  }
  if (calendar === null) return start + minutes * MINUTE_MS;
  const hours = openHours(calendar);
  let remaining = minutes * MINUTE_MS;
  // Terminates: the weekly pattern has open time and holidays are finitely many dates.
  for (let day = chinaDayStart(start); ; day += DAY_MS) {
    if (day >= start && remaining > hours.weekMs) {
      // Skip whole weeks but leave some time to place within a day, so that the deadline is
      // the earliest instant (a closing time rather than the next opening).
      const weeks = holidayFreeWeeks(hours, day, Math.ceil(remaining / hours.weekMs) - 1);
      day += weeks * WEEK_MS;
      remaining -= weeks * hours.weekMs;
    }
    for (const [open, close] of windowsOfDay(hours, day)) {
      const from = Math.max(open, start);
      if (from >= close) continue;
      if (remaining <= close - from) return from + remaining;
      remaining -= close - from;
    }
  }
}

/**
 * Working minutes in `[a, b)`; a null calendar means 24/7. Negative when b is before a.
 * Throws RangeError for a calendar without open time.
 */
export function workingMinutesBetween(a: number, b: number, calendar: BusinessCalendar | null): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new RangeError('a and b must be finite');
  if (b < a) return -workingMinutesBetween(b, a, calendar);
  if (calendar === null) return (b - a) / MINUTE_MS;
  const hours = openHours(calendar);
  let total = 0;
  for (let day = chinaDayStart(a); day < b; day += DAY_MS) {
    if (day >= a && b - day >= WEEK_MS) {
      const weeks = holidayFreeWeeks(hours, day, Math.floor((b - day) / WEEK_MS));
      day += weeks * WEEK_MS;
      total += weeks * hours.weekMs;
    }
    for (const [open, close] of windowsOfDay(hours, day)) {
      const overlap = Math.min(close, b) - Math.max(open, a);
      if (overlap > 0) total += overlap;
    }
  }
  return total / MINUTE_MS;
}

/**
 * When `fraction` of the clock's target is used up. Pauses are wall-clock: each paused
 * millisecond pushes the deadline one millisecond later, even when the pause was outside
 * opening hours.
 */
export function dueAt(clock: SlaClock, fraction: number, calendar: BusinessCalendar | null): number {
  return addWorkingMinutes(clock.startedAt, clock.targetMinutes * fraction, calendar) + clock.pausedMs;
}

/**
 * The highest escalation level whose time has come at `now` (0 = none, 3 = breached).
 * While the clock is paused (`pausedSince` set, not yet counted in pausedMs), time stands
 * still at `pausedSince`.
 */
export function escalationLevelAt(
  clock: SlaClock,
  now: number,
  calendar: BusinessCalendar | null,
  pausedSince: number | null,
): EscalationLevel {
  const t = pausedSince === null ? now : Math.min(now, pausedSince);
  let level: EscalationLevel = 0;
  for (const step of ESCALATION_LEVELS) {
    if (t >= dueAt(clock, step.fraction, calendar)) level = step.level;
  }
  return level;
}

/** The level after `currentLevel` and when it is due; null once breached. */
export function nextEscalation(
  clock: SlaClock,
  currentLevel: EscalationLevel,
  calendar: BusinessCalendar | null,
): { level: 1 | 2 | 3; at: number } | null {
  const step = ESCALATION_LEVELS.find((s) => s.level === currentLevel + 1);
  return step ? { level: step.level, at: dueAt(clock, step.fraction, calendar) } : null;
}

/**
 * An order's SLA state: the highest escalation level its live clocks reached (0 ok, 1 warning
 * past 50%, 2 critical past 75%, 3 breached); the `slaState` filter of GET /api/work-orders.
 */
export const SLA_STATES = ['ok', 'warning', 'critical', 'breached'] as const;
export type SlaState = (typeof SLA_STATES)[number];

/** The escalation level each SLA state stands for (the index of SLA_STATES). */
export const SLA_STATE_LEVEL: Readonly<Record<SlaState, 0 | 1 | 2 | 3>> = {
  ok: 0,
  warning: 1,
  critical: 2,
  breached: 3,
};
