import {
  isLocalDate,
  isOnLeave,
  isOnShift,
  validateRoster,
  type LeavePeriod,
  type ShiftException,
  type WeeklyShift,
} from './shifts.js';

/** An instant given as China-local wall-clock time. */
const cst = (local: string): Date => new Date(`${local}:00+08:00`);

// 2024-06-01 is a Saturday, 2024-06-02 a Sunday, 2024-06-03 a Monday.
const WEEKDAYS_9_TO_6: WeeklyShift[] = [1, 2, 3, 4, 5].map((weekday) => ({
  weekday: weekday as WeeklyShift['weekday'],
  startMinute: 9 * 60,
  endMinute: 18 * 60,
}));

describe('isOnShift', () => {
  it('is on inside a weekly window and off outside it', () => {
    expect(isOnShift(cst('2024-06-03T10:00'), WEEKDAYS_9_TO_6, [])).toBe(true);
    expect(isOnShift(cst('2024-06-03T08:59'), WEEKDAYS_9_TO_6, [])).toBe(false);
    expect(isOnShift(cst('2024-06-03T19:00'), WEEKDAYS_9_TO_6, [])).toBe(false);
    expect(isOnShift(cst('2024-06-01T10:00'), WEEKDAYS_9_TO_6, [])).toBe(false); // Saturday
  });

  it('includes the start minute and excludes the end minute', () => {
    expect(isOnShift(cst('2024-06-03T09:00'), WEEKDAYS_9_TO_6, [])).toBe(true);
    expect(isOnShift(new Date('2024-06-03T17:59:59.999+08:00'), WEEKDAYS_9_TO_6, [])).toBe(true);
    expect(isOnShift(cst('2024-06-03T18:00'), WEEKDAYS_9_TO_6, [])).toBe(false);
  });

  it('uses the China-local weekday, not the UTC one', () => {
    const mondayEarly: WeeklyShift[] = [{ weekday: 1, startMinute: 0, endMinute: 120 }];
    // Monday 01:00 in Beijing = Sunday 17:00 UTC.
    expect(isOnShift(cst('2024-06-03T01:00'), mondayEarly, [])).toBe(true);
    expect(isOnShift(cst('2024-06-02T01:00'), mondayEarly, [])).toBe(false);
  });

  it('covers an overnight shift written as two rows', () => {
    const night: WeeklyShift[] = [
      { weekday: 5, startMinute: 22 * 60, endMinute: 1440 },
      { weekday: 6, startMinute: 0, endMinute: 6 * 60 },
    ];
    expect(isOnShift(cst('2024-05-31T23:30'), night, [])).toBe(true); // Friday
    expect(isOnShift(cst('2024-06-01T00:00'), night, [])).toBe(true); // Saturday
    expect(isOnShift(cst('2024-06-01T05:59'), night, [])).toBe(true);
    expect(isOnShift(cst('2024-06-01T06:00'), night, [])).toBe(false);
    expect(isOnShift(cst('2024-05-31T21:59'), night, [])).toBe(false);
  });

  it('treats an empty pattern as always on duty', () => {
    expect(isOnShift(cst('2024-06-02T03:00'), [], [])).toBe(true);
    expect(isOnShift(cst('2024-06-03T12:00'), [], [])).toBe(true);
  });

  it('lets an off exception win over an empty pattern', () => {
    const off: ShiftException[] = [{ date: '2024-06-03', off: true }];
    expect(isOnShift(cst('2024-06-03T12:00'), [], off)).toBe(false);
    expect(isOnShift(cst('2024-06-04T12:00'), [], off)).toBe(true);
  });

  it('replaces the weekly pattern on an exception date', () => {
    const swap: ShiftException[] = [
      { date: '2024-06-01', off: false, startMinute: 13 * 60, endMinute: 17 * 60 }, // Saturday
      { date: '2024-06-03', off: true }, // Monday off
    ];
    expect(isOnShift(cst('2024-06-01T14:00'), WEEKDAYS_9_TO_6, swap)).toBe(true);
    expect(isOnShift(cst('2024-06-01T10:00'), WEEKDAYS_9_TO_6, swap)).toBe(false);
    expect(isOnShift(cst('2024-06-01T17:00'), WEEKDAYS_9_TO_6, swap)).toBe(false);
    expect(isOnShift(cst('2024-06-03T10:00'), WEEKDAYS_9_TO_6, swap)).toBe(false);
    expect(isOnShift(cst('2024-06-04T10:00'), WEEKDAYS_9_TO_6, swap)).toBe(true);
  });

  it('narrows a weekday with an exception window instead of adding to it', () => {
    const short: ShiftException[] = [{ date: '2024-06-03', off: false, startMinute: 9 * 60, endMinute: 12 * 60 }];
    expect(isOnShift(cst('2024-06-03T11:00'), WEEKDAYS_9_TO_6, short)).toBe(true);
    expect(isOnShift(cst('2024-06-03T15:00'), WEEKDAYS_9_TO_6, short)).toBe(false);
  });

  it('treats a working exception without a window as the whole day', () => {
    const allDay: ShiftException[] = [{ date: '2024-06-02', off: false }];
    expect(isOnShift(cst('2024-06-02T00:00'), WEEKDAYS_9_TO_6, allDay)).toBe(true);
    expect(isOnShift(cst('2024-06-02T23:59'), WEEKDAYS_9_TO_6, allDay)).toBe(true);
  });

  it('takes the union of several exception windows, and any off row wins', () => {
    const split: ShiftException[] = [
      { date: '2024-06-02', off: false, startMinute: 8 * 60, endMinute: 10 * 60 },
      { date: '2024-06-02', off: false, startMinute: 14 * 60, endMinute: 16 * 60 },
    ];
    expect(isOnShift(cst('2024-06-02T09:00'), [], split)).toBe(true);
    expect(isOnShift(cst('2024-06-02T15:00'), [], split)).toBe(true);
    expect(isOnShift(cst('2024-06-02T12:00'), [], split)).toBe(false);
    const clash = [...split, { date: '2024-06-02', off: true }];
    expect(isOnShift(cst('2024-06-02T09:00'), [], clash)).toBe(false);
  });

  it('matches exceptions by the China-local date', () => {
    const off: ShiftException[] = [{ date: '2024-06-03', off: true }];
    // 2024-06-03 00:30 in Beijing is 2024-06-02 in UTC.
    expect(isOnShift(cst('2024-06-03T00:30'), [], off)).toBe(false);
    expect(isOnShift(cst('2024-06-02T23:30'), [], off)).toBe(true);
  });
});

describe('isOnLeave', () => {
  const leave: LeavePeriod[] = [
    { startAt: cst('2024-06-03T09:00'), endAt: cst('2024-06-05T09:00') },
    { startAt: cst('2024-06-10T00:00'), endAt: cst('2024-06-11T00:00') },
  ];

  it('is true inside any period, start inclusive and end exclusive', () => {
    expect(isOnLeave(cst('2024-06-03T09:00'), leave)).toBe(true);
    expect(isOnLeave(cst('2024-06-04T12:00'), leave)).toBe(true);
    expect(isOnLeave(cst('2024-06-10T23:59'), leave)).toBe(true);
    expect(isOnLeave(cst('2024-06-05T09:00'), leave)).toBe(false);
    expect(isOnLeave(cst('2024-06-03T08:59'), leave)).toBe(false);
    expect(isOnLeave(cst('2024-06-07T12:00').getTime(), leave)).toBe(false);
  });

  it('is false without leave', () => {
    expect(isOnLeave(cst('2024-06-04T12:00'), [])).toBe(false);
  });
});

describe('isLocalDate', () => {
  it('accepts real dates only', () => {
    expect(isLocalDate('2024-02-29')).toBe(true);
    expect(isLocalDate('2023-02-29')).toBe(false);
    expect(isLocalDate('2024-13-01')).toBe(false);
    expect(isLocalDate('2024-6-1')).toBe(false);
    expect(isLocalDate('2024-06-01T00:00')).toBe(false);
  });
});

describe('validateRoster', () => {
  it('accepts a valid pattern and exceptions', () => {
    expect(
      validateRoster(WEEKDAYS_9_TO_6, [
        { date: '2024-06-03', off: true },
        { date: '2024-06-04', off: false, startMinute: 0, endMinute: 1440 },
      ]),
    ).toEqual([]);
  });

  it('names each bad row', () => {
    const bad = [
      { weekday: 7, startMinute: 0, endMinute: 60 },
      { weekday: 1, startMinute: 1320, endMinute: 360 },
      { weekday: 2, startMinute: -1, endMinute: 1441 },
    ] as unknown as WeeklyShift[];
    expect(
      validateRoster(bad, [
        { date: '2024-02-30', off: true },
        { date: '2024-06-04', off: false, startMinute: 600, endMinute: 600 },
      ]),
    ).toEqual([
      'pattern[0]: weekday must be an integer 0..6 (0 = Sunday)',
      'pattern[1]: endMinute must be after startMinute (split an overnight shift)',
      'pattern[2]: startMinute must be an integer 0..1439',
      'pattern[2]: endMinute must be an integer 1..1440',
      'exceptions[0]: date must be yyyy-mm-dd',
      'exceptions[1]: endMinute must be after startMinute (split an overnight shift)',
    ]);
  });
});
