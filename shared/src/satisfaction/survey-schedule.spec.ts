import {
  nextSurveyPeriod,
  npsFromCounts,
  surveyPeriodOf,
  surveyPeriodTitle,
  surveyPeriodTrend,
  surveyWindow,
} from './index.js';

const DAY = 24 * 3600_000;

describe('surveyPeriodOf', () => {
  it('cuts periods by the China calendar (UTC+8)', () => {
    // 2026-09-30 16:30 UTC is 2026-10-01 00:30 in China: already the fourth quarter.
    const p = surveyPeriodOf(new Date('2026-09-30T16:30:00Z'), 'quarter');
    expect(p.key).toBe('2026-Q4');
    expect(p.startsAt.toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(p.endsAt.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(surveyPeriodOf(new Date('2026-09-30T15:59:59Z'), 'quarter').key).toBe('2026-Q3');
  });

  it('names each cadence', () => {
    const at = new Date('2026-12-08T03:00:00Z');
    expect(surveyPeriodOf(at, 'month').key).toBe('2026-12');
    expect(surveyPeriodOf(at, 'half').key).toBe('2026-H2');
    expect(surveyPeriodOf(at, 'year').key).toBe('2026');
    expect(surveyPeriodOf(new Date('2026-02-10T00:00:00Z'), 'half').key).toBe('2026-H1');
  });

  it('goes on into the next year', () => {
    const next = nextSurveyPeriod(new Date('2026-12-08T03:00:00Z'), 'quarter');
    expect(next.key).toBe('2027-Q1');
    expect(next.startsAt.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(nextSurveyPeriod(new Date('2026-12-08T03:00:00Z'), 'month').key).toBe('2027-01');
  });
});

describe('surveyWindow', () => {
  const q4 = surveyPeriodOf(new Date('2026-10-05T00:00:00Z'), 'quarter');

  it('closes openDays after the start and reminds remindDaysBefore the close', () => {
    const w = surveyWindow(q4, q4.startsAt, 14, 3);
    expect(w.closesAt.getTime() - q4.startsAt.getTime()).toBe(14 * DAY);
    expect(w.closesAt.getTime() - w.remindAt!.getTime()).toBe(3 * DAY);
    expect(surveyWindow(q4, q4.startsAt, 14, 0).remindAt).toBeNull();
  });

  it('gives a survey opened by hand late in the period its full days, within the period', () => {
    const late = new Date(q4.startsAt.getTime() + 30 * DAY);
    const w = surveyWindow(q4, late, 14, 3);
    expect(w.closesAt.getTime() - late.getTime()).toBe(14 * DAY);
    const last = new Date(q4.endsAt.getTime() - 2 * DAY);
    const cut = surveyWindow(q4, last, 14, 3);
    expect(cut.closesAt).toEqual(q4.endsAt);
    // The reminder would fall before the opening: none.
    expect(cut.remindAt).toBeNull();
  });

  it('refuses days outside the rules', () => {
    expect(() => surveyWindow(q4, q4.startsAt, 0, 0)).toThrow(RangeError);
    expect(() => surveyWindow(q4, q4.startsAt, 29, 0)).toThrow(RangeError);
    expect(() => surveyWindow(q4, q4.startsAt, 7, 7)).toThrow(RangeError);
    expect(() => surveyWindow(q4, q4.startsAt, 7, 1.5)).toThrow(RangeError);
  });
});

describe('surveyPeriodTitle', () => {
  it('titles each kind of period', () => {
    expect(surveyPeriodTitle('2026-Q4')).toBe('2026 年第四季度满意度调查');
    expect(surveyPeriodTitle('2026-12')).toBe('2026 年 12 月满意度调查');
    expect(surveyPeriodTitle('2026-H1')).toBe('2026 年上半年满意度调查');
    expect(surveyPeriodTitle('2026')).toBe('2026 年度满意度调查');
    expect(() => surveyPeriodTitle('Q4')).toThrow(RangeError);
  });
});

describe('surveyPeriodTrend and npsFromCounts', () => {
  it('compares each figure with the previous period', () => {
    const t = surveyPeriodTrend({ acsi: 72, nps: 20, responseRate: 0.3 }, { acsi: 64, nps: null, responseRate: 0.25 });
    expect(t.acsi).toEqual({ current: 72, previous: 64, change: 8, changePct: 12.5 });
    expect(t.nps).toBeNull();
    expect(t.responseRate!.change).toBeCloseTo(0.05, 10);
    expect(surveyPeriodTrend({ acsi: 72, nps: 20, responseRate: 0.3 }, null)).toEqual({
      acsi: null,
      nps: null,
      responseRate: null,
    });
  });

  it('computes NPS from counts: 5 promoters, 2 detractors of 10 = 30', () => {
    expect(npsFromCounts(5, 2, 10)).toBe(30);
    expect(npsFromCounts(0, 0, 0)).toBeNull();
    expect(() => npsFromCounts(6, 5, 10)).toThrow(RangeError);
  });
});
