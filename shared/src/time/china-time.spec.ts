import fc from 'fast-check';
import {
  addDays,
  CHINA_UTC_OFFSET_HOURS,
  CHINA_UTC_OFFSET_ISO,
  CHINA_UTC_OFFSET_MS,
  chinaDay,
  chinaDayStart,
  chinaLocalTime,
  dayKeyToDate,
  daysBetween,
  formatChinaDateTime,
  startOfChinaDay,
} from './china-time.js';

/** An instant given as China-local wall-clock time. */
const cst = (local: string): Date => new Date(`${local}:00+08:00`);

describe('the offset', () => {
  it('is UTC+8 in every form', () => {
    expect(CHINA_UTC_OFFSET_HOURS).toBe(8);
    expect(CHINA_UTC_OFFSET_MS).toBe(8 * 60 * 60 * 1000);
    expect(Date.parse(`2026-01-01T00:00:00${CHINA_UTC_OFFSET_ISO}`)).toBe(
      Date.parse('2026-01-01T00:00:00Z') - CHINA_UTC_OFFSET_MS,
    );
  });
});

describe('chinaLocalTime', () => {
  it('gives the China-local date, weekday and minute, not the UTC ones', () => {
    // 01:30 on Monday in Beijing is still 17:30 on Sunday in UTC.
    expect(chinaLocalTime(cst('2024-06-03T01:30'))).toEqual({
      date: '2024-06-03',
      weekday: 1,
      minute: 90,
    });
    expect(chinaLocalTime(cst('2024-06-02T23:59').getTime())).toEqual({
      date: '2024-06-02',
      weekday: 0,
      minute: 1439,
    });
  });

  it('keeps seconds as a fraction of the minute', () => {
    expect(chinaLocalTime(new Date('2024-06-03T08:00:30+08:00')).minute).toBe(480.5);
  });

  it('finds China-local midnight', () => {
    expect(chinaDayStart(cst('2024-06-03T01:30'))).toBe(cst('2024-06-03T00:00').getTime());
    expect(chinaDayStart(cst('2024-06-03T00:00'))).toBe(cst('2024-06-03T00:00').getTime());
    expect(chinaDayStart(cst('2024-06-03T23:59'))).toBe(cst('2024-06-03T00:00').getTime());
  });

  it('agrees with a day start for any instant (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        const start = chinaDayStart(ms);
        const local = chinaLocalTime(ms);
        expect(start).toBeLessThanOrEqual(ms);
        expect(ms - start).toBeLessThan(86_400_000);
        expect(chinaLocalTime(start).minute).toBe(0);
        expect(chinaLocalTime(start).date).toBe(local.date);
        expect(local.minute).toBeCloseTo((ms - start) / 60_000, 9);
      }),
    );
  });
});

describe('chinaDay', () => {
  it('uses China Standard Time (UTC+8), not UTC', () => {
    expect(chinaDay(new Date('2026-11-27T17:00:00Z'))).toBe('20261128');
    expect(chinaDay(new Date('2026-11-27T15:59:59.999Z'))).toBe('20261127');
    expect(chinaDay(new Date('2026-11-27T16:00:00Z'))).toBe('20261128');
  });

  it('crosses month and year boundaries', () => {
    expect(chinaDay(new Date('2026-11-30T16:00:00Z'))).toBe('20261201');
    expect(chinaDay(new Date('2026-12-31T16:00:00Z'))).toBe('20270101');
    expect(chinaDay(new Date('2028-02-28T16:00:00Z'))).toBe('20280229');
  });
});

describe('day keys', () => {
  it('starts a China day at 16:00 UTC the day before, from yyyymmdd or yyyy-mm-dd', () => {
    expect(startOfChinaDay('20260101').toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(startOfChinaDay('2026-01-01').toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(startOfChinaDay('20280229').getTime()).toBe(cst('2028-02-29T00:00').getTime());
  });

  it('adds days across months, years and leap days', () => {
    expect(addDays('20260131', 1)).toBe('20260201');
    expect(addDays('20261231', 1)).toBe('20270101');
    expect(addDays('20280228', 1)).toBe('20280229');
    expect(addDays('20260301', -1)).toBe('20260228');
    expect(addDays('20260115', 0)).toBe('20260115');
  });

  it('counts whole days between keys, negative backwards', () => {
    expect(daysBetween('20260101', '20260101')).toBe(0);
    expect(daysBetween('20260101', '20261231')).toBe(364);
    expect(daysBetween('20260110', '20260101')).toBe(-9);
    expect(dayKeyToDate('20260131')).toBe('2026-01-31');
  });

  it('agree with chinaDay and chinaDayStart for any instant (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.integer({ min: -400, max: 400 }), (ms, n) => {
        const day = chinaDay(new Date(ms));
        expect(startOfChinaDay(day).getTime()).toBe(chinaDayStart(ms));
        expect(dayKeyToDate(day)).toBe(chinaLocalTime(ms).date);
        const later = addDays(day, n);
        expect(daysBetween(day, later)).toBe(n);
        expect(chinaDay(startOfChinaDay(later))).toBe(later);
      }),
    );
  });
});

describe('formatChinaDateTime', () => {
  it('writes China local time to the minute', () => {
    expect(formatChinaDateTime(new Date('2026-11-27T16:05:59Z'))).toBe('2026-11-28 00:05');
    expect(formatChinaDateTime(cst('2026-03-01T09:30').getTime())).toBe('2026-03-01 09:30');
  });
});
