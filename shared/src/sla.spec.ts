import fc from 'fast-check';
import {
  DEFAULT_BUSINESS_CALENDAR,
  DEFAULT_SLA_TARGETS,
  ESCALATION_LEVELS,
  SLA_STAGES,
  addWorkingMinutes,
  dueAt,
  escalationLevelAt,
  nextEscalation,
  stageTargetMinutes,
  validateBusinessCalendar,
  workingMinutesBetween,
  type BusinessCalendar,
  type SlaClock,
} from './sla.js';
import { SLA_STAGE_LABELS } from './labels.js';
import type { Weekday } from './time/china-time.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Epoch ms of a China-local wall-clock time. */
const cst = (local: string): number => Date.parse(`${local}:00+08:00`);

// June 2024: Sat 1, Sun 2, Mon 3 ... Sat 8, Sun 9, Mon 10 (Dragon Boat Festival), Tue 11.
const CAL = DEFAULT_BUSINESS_CALENDAR;
const WITH_HOLIDAY: BusinessCalendar = { ...CAL, holidays: ['2024-06-10'] };
const LUNCH_BREAK: BusinessCalendar = {
  days: ([1, 2, 3, 4, 5] as Weekday[]).flatMap((weekday) => [
    { weekday, startMinute: 480, endMinute: 720 },
    { weekday, startMinute: 780, endMinute: 1020 },
  ]),
};
const ALL_WEEK: BusinessCalendar = {
  days: ([0, 1, 2, 3, 4, 5, 6] as Weekday[]).map((weekday) => ({
    weekday,
    startMinute: 0,
    endMinute: 1440,
  })),
};

describe('targets and constants', () => {
  it('has the default targets of the product brief', () => {
    expect(DEFAULT_SLA_TARGETS).toEqual({
      P1: { acceptMinutes: 5, arriveMinutes: 30, resolveMinutes: 120 },
      P2: { acceptMinutes: 15, arriveMinutes: 120, resolveMinutes: 240 },
      P3: { acceptMinutes: 30, arriveMinutes: null, resolveMinutes: 2880 },
      P4: { acceptMinutes: 1440, arriveMinutes: null, resolveMinutes: 7200 },
    });
    expect(Object.isFrozen(DEFAULT_SLA_TARGETS.P1)).toBe(true);
  });

  it('reads the target of each stage', () => {
    expect(SLA_STAGES).toEqual(['accept', 'arrive', 'resolve']);
    expect(SLA_STAGES.map((s) => stageTargetMinutes(DEFAULT_SLA_TARGETS.P2, s))).toEqual([15, 120, 240]);
    expect(stageTargetMinutes(DEFAULT_SLA_TARGETS.P3, 'arrive')).toBeNull();
    for (const stage of SLA_STAGES) expect(SLA_STAGE_LABELS[stage]).toMatch(/\S/);
  });

  it('escalates at 50%, 75% and 100%', () => {
    expect(ESCALATION_LEVELS).toEqual([
      { level: 1, fraction: 0.5, notify: 'assignee' },
      { level: 2, fraction: 0.75, notify: 'supervisor' },
      { level: 3, fraction: 1, notify: 'manager' },
    ]);
  });

  it('opens Monday to Saturday 08:00-18:00 by default', () => {
    expect(CAL.days.map((d) => d.weekday)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const d of CAL.days) expect([d.startMinute, d.endMinute]).toEqual([480, 1080]);
    expect(validateBusinessCalendar(CAL)).toEqual([]);
  });
});

describe('addWorkingMinutes', () => {
  it('adds plainly without a calendar (24/7)', () => {
    expect(addWorkingMinutes(cst('2024-06-01T17:30'), 60, null)).toBe(cst('2024-06-01T18:30'));
    expect(addWorkingMinutes(cst('2024-06-02T23:30'), 90, null)).toBe(cst('2024-06-03T01:00'));
    expect(addWorkingMinutes(1000, 3.75, null)).toBe(1000 + 225_000);
    expect(addWorkingMinutes(1000, 0, null)).toBe(1000);
  });

  it('adds inside one open window', () => {
    expect(addWorkingMinutes(cst('2024-06-03T10:00'), 120, CAL)).toBe(cst('2024-06-03T12:00'));
    expect(addWorkingMinutes(cst('2024-06-03T10:00'), 2.5, CAL)).toBe(cst('2024-06-03T10:02') + 30_000);
  });

  it('carries over a night and a closed Sunday: Sat 17:30 + 60 = Mon 08:30', () => {
    expect(addWorkingMinutes(cst('2024-06-01T17:30'), 60, CAL)).toBe(cst('2024-06-03T08:30'));
  });

  it('carries over a night on a weekday', () => {
    expect(addWorkingMinutes(cst('2024-06-03T17:00'), 120, CAL)).toBe(cst('2024-06-04T09:00'));
  });

  it('starts counting at the next opening when started before it or on a closed day', () => {
    expect(addWorkingMinutes(cst('2024-06-03T06:00'), 30, CAL)).toBe(cst('2024-06-03T08:30'));
    expect(addWorkingMinutes(cst('2024-06-02T12:00'), 10, CAL)).toBe(cst('2024-06-03T08:10'));
    expect(addWorkingMinutes(cst('2024-06-03T21:00'), 10, CAL)).toBe(cst('2024-06-04T08:10'));
  });

  it('handles exact boundaries: open is inside, close is outside', () => {
    expect(addWorkingMinutes(cst('2024-06-03T08:00'), 0, CAL)).toBe(cst('2024-06-03T08:00'));
    expect(addWorkingMinutes(cst('2024-06-03T08:00'), 600, CAL)).toBe(cst('2024-06-03T18:00'));
    expect(addWorkingMinutes(cst('2024-06-03T08:00'), 601, CAL)).toBe(cst('2024-06-04T08:01'));
    expect(addWorkingMinutes(cst('2024-06-03T17:00'), 60, CAL)).toBe(cst('2024-06-03T18:00'));
    expect(addWorkingMinutes(cst('2024-06-03T18:00'), 1, CAL)).toBe(cst('2024-06-04T08:01'));
    expect(addWorkingMinutes(cst('2024-06-03T18:00'), 0, CAL)).toBe(cst('2024-06-04T08:00'));
  });

  it('spans several days for the long targets', () => {
    // P3 resolve, 48 working hours = 4.8 days of 10 hours: Mon 08:00 -> Fri 16:00.
    expect(addWorkingMinutes(cst('2024-06-03T08:00'), 2880, CAL)).toBe(cst('2024-06-07T16:00'));
    // P4 resolve, 120 working hours = 12 days: two Monday-to-Saturday weeks.
    expect(addWorkingMinutes(cst('2024-06-03T08:00'), 7200, CAL)).toBe(cst('2024-06-15T18:00'));
  });

  it('skips holidays', () => {
    expect(addWorkingMinutes(cst('2024-06-08T17:30'), 60, WITH_HOLIDAY)).toBe(cst('2024-06-11T08:30'));
    expect(addWorkingMinutes(cst('2024-06-10T12:00'), 60, WITH_HOLIDAY)).toBe(cst('2024-06-11T09:00'));
    // National Day week: closed 1-7 October 2024.
    const nationalDay: BusinessCalendar = {
      ...CAL,
      holidays: ['01', '02', '03', '04', '05', '06', '07'].map((d) => `2024-10-${d}`),
    };
    expect(addWorkingMinutes(cst('2024-09-30T17:00'), 120, nationalDay)).toBe(cst('2024-10-08T09:00'));
  });

  it('skips a lunch break', () => {
    expect(addWorkingMinutes(cst('2024-06-03T11:30'), 60, LUNCH_BREAK)).toBe(cst('2024-06-03T13:30'));
    expect(addWorkingMinutes(cst('2024-06-03T12:15'), 15, LUNCH_BREAK)).toBe(cst('2024-06-03T13:15'));
  });

  it('counts overlapping windows once', () => {
    const overlapping: BusinessCalendar = {
      days: [
        { weekday: 1, startMinute: 480, endMinute: 720 },
        { weekday: 1, startMinute: 600, endMinute: 1080 },
        { weekday: 1, startMinute: 700, endMinute: 800 },
      ],
    };
    expect(addWorkingMinutes(cst('2024-06-03T08:00'), 600, overlapping)).toBe(cst('2024-06-03T18:00'));
    expect(workingMinutesBetween(cst('2024-06-03T00:00'), cst('2024-06-04T00:00'), overlapping)).toBe(600);
  });

  it('runs on China time around midnight: a window over midnight is two rows', () => {
    const nights: BusinessCalendar = {
      days: [
        { weekday: 1, startMinute: 1320, endMinute: 1440 },
        { weekday: 2, startMinute: 0, endMinute: 120 },
      ],
    };
    expect(addWorkingMinutes(cst('2024-06-03T12:00'), 150, nights)).toBe(cst('2024-06-04T00:30'));
  });

  it('rejects negative or non-finite amounts and calendars without open time', () => {
    expect(() => addWorkingMinutes(0, -1, CAL)).toThrow(RangeError);
    expect(() => addWorkingMinutes(0, Number.NaN, null)).toThrow(RangeError);
    expect(() => addWorkingMinutes(Number.NaN, 1, null)).toThrow(RangeError);
    expect(() => addWorkingMinutes(0, 10, { days: [] })).toThrow(/no open time/);
    expect(() => addWorkingMinutes(0, 10, { days: [{ weekday: 1, startMinute: 600, endMinute: 600 }] })).toThrow(
      RangeError,
    );
  });
});

describe('workingMinutesBetween', () => {
  it('counts plain minutes without a calendar', () => {
    expect(workingMinutesBetween(cst('2024-06-01T17:30'), cst('2024-06-03T08:30'), null)).toBe(2340);
  });

  it('counts only open minutes', () => {
    expect(workingMinutesBetween(cst('2024-06-01T17:30'), cst('2024-06-03T08:30'), CAL)).toBe(60);
    expect(workingMinutesBetween(cst('2024-06-01T18:00'), cst('2024-06-03T08:00'), CAL)).toBe(0);
    // Fri 12:00 to next Fri 12:00: 360 + 600 (Sat) + 4 * 600 + 240.
    expect(workingMinutesBetween(cst('2024-06-07T12:00'), cst('2024-06-14T12:00'), CAL)).toBe(3600);
    expect(workingMinutesBetween(cst('2024-06-03T11:00'), cst('2024-06-03T14:00'), LUNCH_BREAK)).toBe(120);
  });

  it('leaves out holidays', () => {
    expect(workingMinutesBetween(cst('2024-06-08T08:00'), cst('2024-06-12T08:00'), WITH_HOLIDAY)).toBe(1200);
  });

  it('is zero for an empty span and negative for a reversed one', () => {
    const a = cst('2024-06-03T10:00');
    expect(workingMinutesBetween(a, a, CAL)).toBe(0);
    expect(workingMinutesBetween(cst('2024-06-03T12:00'), a, CAL)).toBe(-120);
    expect(workingMinutesBetween(a + HOUR, a, null)).toBe(-60);
  });

  it('rejects a calendar without open time', () => {
    expect(() => workingMinutesBetween(0, HOUR, { days: [] })).toThrow(RangeError);
  });
});

describe('validateBusinessCalendar', () => {
  it('names each problem', () => {
    const bad = {
      days: [
        { weekday: 8, startMinute: 0, endMinute: 60 },
        { weekday: 1, startMinute: 600, endMinute: 480 },
        { weekday: 2, startMinute: -5, endMinute: 2000 },
      ],
      holidays: ['2024-6-1', '2024-06-31'],
    } as unknown as BusinessCalendar;
    expect(validateBusinessCalendar(bad)).toEqual([
      'days[0]: weekday must be an integer 0..6 (0 = Sunday)',
      'days[1]: endMinute must be after startMinute',
      'days[2]: startMinute must be 0..1439',
      'days[2]: endMinute must be 1..1440',
      'holidays[0]: must be a date yyyy-mm-dd',
      'holidays[1]: must be a date yyyy-mm-dd',
    ]);
    expect(validateBusinessCalendar({ days: [] })).toEqual(['the calendar has no open time']);
  });
});

const calendarArb = fc.constantFrom<BusinessCalendar | null>(null, CAL, WITH_HOLIDAY, LUNCH_BREAK, ALL_WEEK, {
  days: [{ weekday: 3, startMinute: 1439, endMinute: 1440 }],
  holidays: ['2024-06-05'],
});
// 2024-01-01 .. 2025-12-31, whole minutes.
const minuteArb = fc.integer({ min: 0, max: 2 * 366 * 1440 }).map((m) => cst('2024-01-01T00:00') + m * MIN);

describe('working-time properties', () => {
  it('workingMinutesBetween(a, addWorkingMinutes(a, m)) = m', () => {
    fc.assert(
      fc.property(minuteArb, fc.integer({ min: 0, max: 20_000 }), calendarArb, (a, m, cal) => {
        const end = addWorkingMinutes(a, m, cal);
        expect(end).toBeGreaterThanOrEqual(a);
        expect(workingMinutesBetween(a, end, cal)).toBe(m);
      }),
      { numRuns: 300 },
    );
  });

  it('adding in two steps equals adding at once, and more minutes end later', () => {
    fc.assert(
      fc.property(
        minuteArb,
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 5000 }),
        calendarArb,
        (a, m1, m2, cal) => {
          const once = addWorkingMinutes(a, m1 + m2, cal);
          const first = addWorkingMinutes(a, m1, cal);
          expect(addWorkingMinutes(first, m2, cal)).toBe(once);
          expect(once).toBeGreaterThan(first);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('treats a 24-hour, 7-day calendar like no calendar', () => {
    fc.assert(
      fc.property(minuteArb, fc.integer({ min: 0, max: 20_000 }), minuteArb, (a, m, b) => {
        expect(addWorkingMinutes(a, m, ALL_WEEK)).toBe(addWorkingMinutes(a, m, null));
        expect(workingMinutesBetween(a, b, ALL_WEEK)).toBe(workingMinutesBetween(a, b, null));
      }),
    );
  });
});

const holidayDays = new WeakMap<BusinessCalendar, Set<number>>();

/** Minute by minute, independent of the implementation: is the minute starting at `t` open? */
function referenceOpen(calendar: BusinessCalendar, t: number): boolean {
  const local = Math.floor((t + 8 * HOUR) / MIN);
  const dayIndex = Math.floor(local / 1440);
  const minute = local - dayIndex * 1440;
  const weekday = (dayIndex + 4) % 7; // 1970-01-01 was a Thursday
  let holidays = holidayDays.get(calendar);
  if (!holidays) {
    holidays = new Set((calendar.holidays ?? []).map((h) => Date.parse(`${h}T00:00:00Z`) / DAY));
    holidayDays.set(calendar, holidays);
  }
  if (holidays.has(dayIndex)) return false;
  return calendar.days.some((d) => d.weekday === weekday && minute >= d.startMinute && minute < d.endMinute);
}

function referenceBetween(calendar: BusinessCalendar, a: number, b: number): number {
  let count = 0;
  for (let t = a; t < b; t += MIN) if (referenceOpen(calendar, t)) count += 1;
  return count;
}

describe('working time against a minute-by-minute reference', () => {
  const summer = ['2024-06-10', '2024-06-11', '2024-07-01', '2024-07-15', '2024-07-16'];
  const calendars: BusinessCalendar[] = [
    { ...CAL, holidays: summer },
    { ...LUNCH_BREAK, holidays: summer },
    { days: [{ weekday: 3, startMinute: 1000, endMinute: 1060 }], holidays: ['2024-06-05'] },
    {
      days: [
        { weekday: 0, startMinute: 0, endMinute: 1440 },
        { weekday: 1, startMinute: 0, endMinute: 360 },
        { weekday: 5, startMinute: 1200, endMinute: 1440 },
      ],
      holidays: summer,
    },
  ];
  // 2024-05-20 .. 2024-07-20, whole minutes; spans of up to five weeks.
  const startArb = fc.integer({ min: 0, max: 61 * 1440 }).map((m) => cst('2024-05-20T00:00') + m * MIN);
  const spanArb = fc.integer({ min: 0, max: 35 * 1440 });

  it('counts the same open minutes, including week skips past holidays', () => {
    fc.assert(
      fc.property(fc.constantFrom(...calendars), startArb, spanArb, (cal, a, span) => {
        const b = a + span * MIN;
        expect(workingMinutesBetween(a, b, cal)).toBe(referenceBetween(cal, a, b));
      }),
      { numRuns: 60 },
    );
  });

  it('ends a positive amount on an open minute, after exactly that many open minutes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...calendars), startArb, fc.integer({ min: 1, max: 6000 }), (cal, a, m) => {
        const end = addWorkingMinutes(a, m, cal);
        expect(referenceOpen(cal, end - MIN)).toBe(true);
        if (end - a <= 70 * 1440 * MIN) expect(referenceBetween(cal, a, end)).toBe(m);
      }),
      { numRuns: 60 },
    );
  });
});

describe('dueAt', () => {
  const clock: SlaClock = { startedAt: cst('2024-06-03T10:00'), targetMinutes: 120, pausedMs: 0 };

  it('scales the target by the fraction', () => {
    expect(dueAt(clock, 0.5, null)).toBe(cst('2024-06-03T11:00'));
    expect(dueAt(clock, 0.75, null)).toBe(cst('2024-06-03T11:30'));
    expect(dueAt(clock, 1, null)).toBe(cst('2024-06-03T12:00'));
  });

  it('adds paused time', () => {
    expect(dueAt({ ...clock, pausedMs: 30 * MIN }, 1, null)).toBe(cst('2024-06-03T12:30'));
  });

  it('counts business time and then adds pauses as wall-clock time', () => {
    const evening = { startedAt: cst('2024-06-03T17:00'), targetMinutes: 120, pausedMs: 0 };
    expect(dueAt(evening, 1, CAL)).toBe(cst('2024-06-04T09:00'));
    // Paused 17:30 to 08:30 next day: 15 wall-clock hours, although no working time passed.
    expect(dueAt({ ...evening, pausedMs: 15 * HOUR }, 1, CAL)).toBe(cst('2024-06-05T00:00'));
  });
});

describe('escalationLevelAt', () => {
  const clock: SlaClock = { startedAt: cst('2024-06-03T10:00'), targetMinutes: 100, pausedMs: 0 };
  const at = (minutes: number): number => clock.startedAt + minutes * MIN;

  it.each([
    [0, 0],
    [49, 0],
    [49.999, 0],
    [50, 1],
    [74, 1],
    [75, 2],
    [99, 2],
    [100, 3],
    [1000, 3],
  ])('at %s%% of the target is level %s', (percent, level) => {
    expect(escalationLevelAt(clock, at(percent), null, null)).toBe(level);
  });

  it('works on a P1 accept clock of 5 minutes', () => {
    const p1 = { startedAt: clock.startedAt, targetMinutes: 5, pausedMs: 0 };
    expect(escalationLevelAt(p1, at(2.4), null, null)).toBe(0);
    expect(escalationLevelAt(p1, at(2.5), null, null)).toBe(1);
    expect(escalationLevelAt(p1, at(3.75), null, null)).toBe(2);
    expect(escalationLevelAt(p1, at(5), null, null)).toBe(3);
  });

  it('stops the clock while paused', () => {
    // Paused at 40%: however late it is, no level is reached.
    expect(escalationLevelAt(clock, at(600), null, at(40))).toBe(0);
    expect(escalationLevelAt(clock, at(600), null, at(60))).toBe(1);
    // A pause that starts after now changes nothing.
    expect(escalationLevelAt(clock, at(60), null, at(90))).toBe(1);
  });

  it('shifts every level by the time already paused', () => {
    const paused = { ...clock, pausedMs: 20 * MIN };
    expect(escalationLevelAt(paused, at(69), null, null)).toBe(0);
    expect(escalationLevelAt(paused, at(70), null, null)).toBe(1);
    expect(escalationLevelAt(paused, at(95), null, null)).toBe(2);
    expect(escalationLevelAt(paused, at(119), null, null)).toBe(2);
    expect(escalationLevelAt(paused, at(120), null, null)).toBe(3);
  });

  it('follows the business calendar', () => {
    // Sat 17:30, 60 working minutes: 50% at Sat 18:00, 75% at Mon 08:15, 100% at Mon 08:30.
    const weekend = { startedAt: cst('2024-06-01T17:30'), targetMinutes: 60, pausedMs: 0 };
    expect(escalationLevelAt(weekend, cst('2024-06-01T17:59'), CAL, null)).toBe(0);
    expect(escalationLevelAt(weekend, cst('2024-06-02T12:00'), CAL, null)).toBe(1);
    expect(escalationLevelAt(weekend, cst('2024-06-03T08:15'), CAL, null)).toBe(2);
    expect(escalationLevelAt(weekend, cst('2024-06-03T08:30'), CAL, null)).toBe(3);
  });

  it('never goes down as time passes (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 0, max: 10 * HOUR }),
        fc.integer({ min: 0, max: 7 * 24 * 60 }),
        fc.integer({ min: 0, max: 7 * 24 * 60 }),
        calendarArb,
        (target, pausedMs, t1, t2, cal) => {
          const c = { startedAt: cst('2024-06-01T09:00'), targetMinutes: target, pausedMs };
          const [early, late] = t1 <= t2 ? [t1, t2] : [t2, t1];
          const a = escalationLevelAt(c, c.startedAt + early * MIN, cal, null);
          const b = escalationLevelAt(c, c.startedAt + late * MIN, cal, null);
          expect(b).toBeGreaterThanOrEqual(a);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('nextEscalation', () => {
  const clock: SlaClock = { startedAt: cst('2024-06-03T10:00'), targetMinutes: 100, pausedMs: 0 };

  it('gives the next level and when it is due', () => {
    expect(nextEscalation(clock, 0, null)).toEqual({ level: 1, at: cst('2024-06-03T10:50') });
    expect(nextEscalation(clock, 1, null)).toEqual({ level: 2, at: cst('2024-06-03T11:15') });
    expect(nextEscalation(clock, 2, null)).toEqual({ level: 3, at: cst('2024-06-03T11:40') });
  });

  it('gives null once breached', () => {
    expect(nextEscalation(clock, 3, null)).toBeNull();
  });

  it('uses the calendar and paused time', () => {
    const weekend = { startedAt: cst('2024-06-01T17:30'), targetMinutes: 60, pausedMs: 5 * MIN };
    expect(nextEscalation(weekend, 1, CAL)).toEqual({ level: 2, at: cst('2024-06-03T08:20') });
  });

  it('agrees with escalationLevelAt at the instant it gives (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 0, max: 5 * HOUR }),
        fc.constantFrom<0 | 1 | 2>(0, 1, 2),
        calendarArb,
        (target, pausedMs, level, cal) => {
          const c = { startedAt: cst('2024-06-01T09:00'), targetMinutes: target, pausedMs };
          const next = nextEscalation(c, level, cal)!;
          expect(next.level).toBe(level + 1);
          expect(escalationLevelAt(c, next.at, cal, null)).toBeGreaterThanOrEqual(next.level);
          expect(escalationLevelAt(c, next.at - 1, cal, null)).toBeLessThan(next.level);
        },
      ),
      { numRuns: 200 },
    );
  });
});
