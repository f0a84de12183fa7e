/**
 * The survey schedule: which period a date falls in (China time, UTC+8), when that period's
 * community survey opens, reminds and closes, its title, and its trend against the previous
 * period. Pure functions; the flow is described in docs/surveys.md.
 */
import { trend, type Trend } from './trend.js';

export const SURVEY_CADENCES = ['month', 'quarter', 'half', 'year'] as const;
export type SurveyCadence = (typeof SURVEY_CADENCES)[number];

/** Months per period of each cadence. */
export const SURVEY_CADENCE_MONTHS: Record<SurveyCadence, number> = { month: 1, quarter: 3, half: 6, year: 12 };

export const DEFAULT_SURVEY_CADENCE: SurveyCadence = 'quarter';
/** A period's survey stays open this many days from the period's start, unless set otherwise. */
export const DEFAULT_SURVEY_OPEN_DAYS = 14;
/** The one reminder goes out this many days before the close (0 = no reminder). */
export const DEFAULT_SURVEY_REMIND_DAYS = 3;
/** The shortest period (a month) has 28 days: a survey closes within its own period. */
export const SURVEY_OPEN_DAYS_MAX = 28;

const DAY_MS = 24 * 3600_000;
/** China has one time zone and no daylight saving: UTC+8. */
const CHINA_OFFSET_MS = 8 * 3600_000;

export interface SurveyPeriod {
  /** `2026-12` (month), `2026-Q4` (quarter), `2026-H2` (half), `2026` (year). */
  key: string;
  /** 00:00 China time on the period's first day. */
  startsAt: Date;
  /** The next period's start. */
  endsAt: Date;
}

function chinaMonthStart(year: number, month0: number): Date {
  return new Date(Date.UTC(year, month0, 1) - CHINA_OFFSET_MS);
}

/** The period of `cadence` that `at` falls in, by the China calendar. */
export function surveyPeriodOf(at: Date, cadence: SurveyCadence): SurveyPeriod {
  const china = new Date(at.getTime() + CHINA_OFFSET_MS);
  const year = china.getUTCFullYear();
  const months = SURVEY_CADENCE_MONTHS[cadence];
  const index = Math.floor(china.getUTCMonth() / months);
  const first = index * months;
  const key =
    cadence === 'month'
      ? `${year}-${String(first + 1).padStart(2, '0')}`
      : cadence === 'quarter'
        ? `${year}-Q${index + 1}`
        : cadence === 'half'
          ? `${year}-H${index + 1}`
          : `${year}`;
  return { key, startsAt: chinaMonthStart(year, first), endsAt: chinaMonthStart(year, first + months) };
}

/** The period after the one `at` falls in. */
export function nextSurveyPeriod(at: Date, cadence: SurveyCadence): SurveyPeriod {
  return surveyPeriodOf(surveyPeriodOf(at, cadence).endsAt, cadence);
}

export interface SurveyWindow {
  /** When answers stop: `openDays` after the period's start (never past the period's end). */
  closesAt: Date;
  /** The one reminder; null when `remindDaysBefore` is 0 or it would fall before `opensAt`. */
  remindAt: Date | null;
}

/**
 * The answer window of a period's survey opened at `opensAt` (the period's start, or later when
 * opened late or by hand): it closes `openDays` after the period's start, or, when that has
 * passed already (opened by hand late in the period), `openDays` after `opensAt`, within the period.
 */
export function surveyWindow(
  period: SurveyPeriod,
  opensAt: Date,
  openDays: number,
  remindDaysBefore: number,
): SurveyWindow {
  if (!Number.isInteger(openDays) || openDays < 1 || openDays > SURVEY_OPEN_DAYS_MAX) {
    throw new RangeError(`openDays must be an integer 1..${SURVEY_OPEN_DAYS_MAX}, got ${openDays}`);
  }
  if (!Number.isInteger(remindDaysBefore) || remindDaysBefore < 0 || remindDaysBefore >= openDays) {
    throw new RangeError(`remindDaysBefore must be an integer 0..openDays-1, got ${remindDaysBefore}`);
  }
  const planned = period.startsAt.getTime() + openDays * DAY_MS;
  const close = Math.min(
    planned > opensAt.getTime() ? planned : opensAt.getTime() + openDays * DAY_MS,
    period.endsAt.getTime(),
  );
  const remind = close - remindDaysBefore * DAY_MS;
  return {
    closesAt: new Date(close),
    remindAt: remindDaysBefore > 0 && remind > opensAt.getTime() ? new Date(remind) : null,
  };
}

const QUARTERS = ['一', '二', '三', '四'];

/** `2026 年第四季度满意度调查`, `2026 年 12 月满意度调查`, `2026 年下半年满意度调查`, `2026 年度满意度调查`. */
export function surveyPeriodTitle(key: string): string {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(key);
  if (quarter) return `${quarter[1]} 年第${QUARTERS[Number(quarter[2]) - 1]}季度满意度调查`;
  const half = /^(\d{4})-H([12])$/.exec(key);
  if (half) return `${half[1]} 年${half[2] === '1' ? '上' : '下'}半年满意度调查`;
  const month = /^(\d{4})-(\d{2})$/.exec(key);
  if (month) return `${month[1]} 年 ${Number(month[2])} 月满意度调查`;
  if (/^\d{4}$/.test(key)) return `${key} 年度满意度调查`;
  throw new RangeError(`not a survey period key: ${key}`);
}

/** A period's figures, as the server aggregates them. */
export interface SurveyPeriodFigures {
  acsi: number | null;
  nps: number | null;
  responseRate: number | null;
}

export interface SurveyPeriodTrend {
  acsi: Trend | null;
  nps: Trend | null;
  responseRate: Trend | null;
}

/** Each figure against the previous period's; null where either period has none. */
export function surveyPeriodTrend(
  current: SurveyPeriodFigures,
  previous: SurveyPeriodFigures | null,
): SurveyPeriodTrend {
  const pair = (a: number | null, b: number | null | undefined) => (a === null || b == null ? null : trend(a, b));
  return {
    acsi: pair(current.acsi, previous?.acsi),
    nps: pair(current.nps, previous?.nps),
    responseRate: pair(current.responseRate, previous?.responseRate),
  };
}

/** NPS from counts (the server counts promoters 9-10 and detractors 0-6 in SQL); null when n = 0. */
export function npsFromCounts(promoters: number, detractors: number, n: number): number | null {
  for (const [name, v] of [
    ['promoters', promoters],
    ['detractors', detractors],
    ['n', n],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
  }
  if (promoters + detractors > n) throw new RangeError('promoters + detractors must not exceed n');
  return n === 0 ? null : ((promoters - detractors) / n) * 100;
}
