import { describe, expect, it } from '@jest/globals';
import {
  clientTimeAccepted,
  completionRate,
  followingOccurrence,
  nextOccurrence,
  pointCodeOf,
  roundLate,
  scheduleProblems,
  type PlanSchedule,
} from './inspections.js';

const daily: PlanSchedule = {
  frequency: 'daily',
  dayOf: null,
  windowStart: 9 * 60,
  windowEnd: 11 * 60,
  startsOn: '2026-12-01',
};
const at = (iso: string) => new Date(iso);

describe('inspection schedules', () => {
  it('finds the next daily window in China time, including one under way', () => {
    // 2026-12-08 08:00 China = 00:00 UTC
    expect(nextOccurrence(daily, at('2026-12-08T00:00:00Z'))).toEqual({
      periodKey: '2026-12-08',
      windowStart: at('2026-12-08T01:00:00Z'),
      windowEnd: at('2026-12-08T03:00:00Z'),
    });
    expect(nextOccurrence(daily, at('2026-12-08T02:00:00Z')).periodKey).toBe('2026-12-08');
    expect(nextOccurrence(daily, at('2026-12-08T03:00:00Z')).periodKey).toBe('2026-12-09');
    expect(nextOccurrence(daily, at('2026-11-20T00:00:00Z')).periodKey).toBe('2026-12-01');
  });

  it('weekly on a weekday and monthly on a day of month', () => {
    // 2026-12-08 is a Tuesday.
    const weekly = { ...daily, frequency: 'weekly' as const, dayOf: 5 };
    expect(nextOccurrence(weekly, at('2026-12-08T00:00:00Z')).periodKey).toBe('2026-12-11');
    const sunday = { ...daily, frequency: 'weekly' as const, dayOf: 7 };
    expect(nextOccurrence(sunday, at('2026-12-08T00:00:00Z')).periodKey).toBe('2026-12-13');
    const monthly = { ...daily, frequency: 'monthly' as const, dayOf: 3 };
    expect(nextOccurrence(monthly, at('2026-12-08T00:00:00Z')).periodKey).toBe('2027-01-03');
    expect(followingOccurrence(monthly, '2027-01-03').periodKey).toBe('2027-02-03');
    expect(followingOccurrence(daily, '2026-12-08').periodKey).toBe('2026-12-09');
  });

  it('refuses bad schedules field by field', () => {
    expect(scheduleProblems(daily)).toEqual([]);
    expect(scheduleProblems({ ...daily, windowEnd: 9 * 60 + 5 }).map((p) => p.field)).toEqual(['windowEnd']);
    expect(scheduleProblems({ ...daily, frequency: 'weekly' }).map((p) => p.field)).toEqual(['dayOf']);
    expect(scheduleProblems({ ...daily, frequency: 'monthly', dayOf: 31 }).map((p) => p.field)).toEqual(['dayOf']);
    expect(scheduleProblems({ ...daily, dayOf: 2 }).map((p) => p.field)).toEqual(['dayOf']);
    expect(scheduleProblems({ ...daily, windowStart: -1 }).map((p) => p.field)).toEqual(['windowStart']);
  });
});

describe('offline times and rates', () => {
  const windowStart = at('2026-12-08T01:00:00Z');
  const received = at('2026-12-08T05:00:00Z');
  it('takes the phone time within bounds only', () => {
    expect(clientTimeAccepted(at('2026-12-08T02:00:00Z'), received, windowStart)).toBe(true);
    expect(clientTimeAccepted(at('2026-12-08T05:04:00Z'), received, windowStart)).toBe(true);
    expect(clientTimeAccepted(at('2026-12-08T05:06:00Z'), received, windowStart)).toBe(false);
    expect(clientTimeAccepted(at('2026-12-08T00:20:00Z'), received, windowStart)).toBe(false);
    expect(clientTimeAccepted(at('2026-12-08T00:40:00Z'), received, windowStart)).toBe(true);
    expect(clientTimeAccepted(new Date(NaN), received, windowStart)).toBe(false);
  });
  it('late and completion rate', () => {
    expect(roundLate(windowStart, at('2026-12-08T01:00:01Z'))).toBe(true);
    expect(roundLate(windowStart, windowStart)).toBe(false);
    expect(completionRate([])).toEqual({ due: 0, completed: 0, onTime: 0, rate: null });
    expect(
      completionRate([
        { status: 'completed', late: false },
        { status: 'completed', late: true },
        { status: 'missed', late: true },
        { status: 'in_progress', late: true },
      ]),
    ).toEqual({ due: 4, completed: 2, onTime: 1, rate: 0.5 });
  });
  it('reads a point code from a scene, the H5 URL or a typed code', () => {
    expect(pointCodeOf('i=ABCDEFGHJK23')).toBe('ABCDEFGHJK23');
    expect(pointCodeOf('http://x/h5/#/subpackages/orders/scan/index?scene=i%3DABCDEFGHJK23')).toBe('ABCDEFGHJK23');
    expect(pointCodeOf(' abcdefghjk23 ')).toBe('ABCDEFGHJK23');
    expect(pointCodeOf('ABCDEFGHJK2')).toBeNull();
    expect(pointCodeOf('a=12')).toBeNull();
    expect(pointCodeOf('%E0%A4%A')).toBeNull();
  });
});
