/**
 * China time, the one definition: every calendar in Linli (order numbers, rollup days, rosters,
 * opening hours, exports) is China Standard Time, UTC+8 all year with no daylight saving,
 * whatever the machine's zone. Server, mini-program and console take the offset and the day
 * arithmetic from here; SQL that needs the offset interpolates `CHINA_UTC_OFFSET_HOURS`.
 *
 * Two ways to name a day: a *day key* `yyyymmdd` (order numbers, rollup partitions) and a
 * *date* `yyyy-mm-dd` (API parameters, rosters). Both are China-local calendar days.
 */

/** UTC+8: China Standard Time has no daylight saving. */
export const CHINA_UTC_OFFSET_HOURS = 8;
export const CHINA_UTC_OFFSET_MS = CHINA_UTC_OFFSET_HOURS * 3_600_000;
/** The offset as ISO 8601 writes it, e.g. `2026-01-01T00:00:00+08:00`. */
export const CHINA_UTC_OFFSET_ISO = '+08:00';

const DAY_MS = 86_400_000;

/** 0 = Sunday ... 6 = Saturday, as `Date#getUTCDay` counts, but on the China-local calendar. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface ChinaLocalTime {
  /** yyyy-mm-dd */
  date: string;
  weekday: Weekday;
  /** Minutes after China-local midnight, 0..1439 (fractional within the minute). */
  minute: number;
}

function toMs(at: Date | number): number {
  return typeof at === 'number' ? at : at.getTime();
}

/** The China-local date, weekday and minute of day of an instant. */
export function chinaLocalTime(at: Date | number): ChinaLocalTime {
  const ms = toMs(at) + CHINA_UTC_OFFSET_MS;
  const shifted = new Date(ms);
  const msOfDay = ((ms % DAY_MS) + DAY_MS) % DAY_MS;
  return {
    date: shifted.toISOString().slice(0, 10),
    weekday: shifted.getUTCDay() as Weekday,
    minute: msOfDay / 60_000,
  };
}

/** The instant (epoch ms) of China-local midnight starting the day that contains `at`. */
export function chinaDayStart(at: Date | number): number {
  const ms = toMs(at) + CHINA_UTC_OFFSET_MS;
  return Math.floor(ms / DAY_MS) * DAY_MS - CHINA_UTC_OFFSET_MS;
}

/** The day key (yyyymmdd) of an instant in China Standard Time. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

function dayUtcMs(day: string): number {
  const key = day.replace(/-/g, '');
  return Date.UTC(Number(key.slice(0, 4)), Number(key.slice(4, 6)) - 1, Number(key.slice(6, 8)));
}

/** The instant a China day starts (its midnight at UTC+8); `day` is yyyymmdd or yyyy-mm-dd. */
export function startOfChinaDay(day: string): Date {
  return new Date(dayUtcMs(day) - CHINA_UTC_OFFSET_MS);
}

/** The day key (yyyymmdd) `n` days after `day` (before, when n < 0). */
export function addDays(day: string, n: number): string {
  return new Date(dayUtcMs(day) + n * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

/** Whole days from `from` to `to` (day keys); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayUtcMs(to) - dayUtcMs(from)) / DAY_MS);
}

/** A day key as a date: 20260131 -> 2026-01-31. */
export function dayKeyToDate(day: string): string {
  return `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
}

/** `yyyy-mm-dd hh:mm` in China time: how the office and WeChat's `time` fields read an instant. */
export function formatChinaDateTime(at: Date | number): string {
  return new Date(toMs(at) + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}
