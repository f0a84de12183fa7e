import { formatShiftPattern, parseShiftText, parseSkillsText, splitList, STAFF_ROLE_INPUTS } from './staff-accounts.js';

describe('parseShiftText', () => {
  it('reads day ranges, single days and several windows', () => {
    const { pattern, problems } = parseShiftText('周一至周五 08:00-17:00; 周六 09:00-12:00,14:00-18:00');
    expect(problems).toEqual([]);
    expect(pattern).toHaveLength(7);
    expect(pattern[0]).toEqual({ weekday: 1, startMinute: 480, endMinute: 1020 });
    expect(pattern.filter((p) => p.weekday === 6)).toEqual([
      { weekday: 6, startMinute: 540, endMinute: 720 },
      { weekday: 6, startMinute: 840, endMinute: 1080 },
    ]);
  });

  it('wraps a range over the weekend and splits an overnight window at midnight', () => {
    expect(parseShiftText('周六至周一 10:00-11:00').pattern.map((p) => p.weekday)).toEqual([0, 1, 6]);
    expect(parseShiftText('周日 22:00-06:00').pattern).toEqual([
      { weekday: 0, startMinute: 1320, endMinute: 1440 },
      { weekday: 1, startMinute: 0, endMinute: 360 },
    ]);
    expect(parseShiftText('每天 20:00-00:00').pattern).toHaveLength(7);
    expect(parseShiftText('周二、周四 08:00-12:00').pattern.map((p) => p.weekday)).toEqual([2, 4]);
  });

  it('reports what it cannot read, and overlaps', () => {
    expect(parseShiftText('周八 08:00-17:00').problems).toHaveLength(1);
    expect(parseShiftText('周一 25:00-26:00').problems).toHaveLength(1);
    expect(parseShiftText('周一 08:00').problems).toHaveLength(1);
    expect(parseShiftText('周一 08:00-12:00; 周一 11:00-13:00').problems).toEqual(['周一的时间段重叠']);
    expect(parseShiftText('')).toEqual({ pattern: [], problems: [] });
  });

  it('formatShiftPattern writes what parseShiftText reads back', () => {
    for (const text of [
      '周一至周五 08:00-17:00; 周六 09:00-12:00',
      '每天 08:00-20:00',
      '周二 08:00-12:00,13:00-17:00',
    ]) {
      const { pattern } = parseShiftText(text);
      expect(formatShiftPattern(pattern)).toBe(text);
      expect(parseShiftText(formatShiftPattern(pattern)).pattern).toEqual(pattern);
    }
  });
});

describe('parseSkillsText', () => {
  it('reads category:level pairs with either colon and separator', () => {
    expect(parseSkillsText('水电:4;门窗：2，electrical:5')).toEqual({
      skills: [
        { name: '水电', level: 4 },
        { name: '门窗', level: 2 },
        { name: 'electrical', level: 5 },
      ],
      problems: [],
    });
  });

  it('refuses levels outside 1..5, a missing level and repeats', () => {
    expect(parseSkillsText('水电:6').problems).toHaveLength(1);
    expect(parseSkillsText('水电:0').problems).toHaveLength(1);
    expect(parseSkillsText('水电').problems).toHaveLength(1);
    expect(parseSkillsText('水电:3;水电:4').problems).toHaveLength(1);
  });
});

it('splitList and the role inputs', () => {
  expect(splitList(' a ; b；c、 ')).toEqual(['a', 'b', 'c']);
  expect(STAFF_ROLE_INPUTS['维修师傅']).toBe('technician');
  expect(STAFF_ROLE_INPUTS['客服']).toBe('desk');
  expect(STAFF_ROLE_INPUTS['admin']).toBe('admin');
  expect(STAFF_ROLE_INPUTS['住户']).toBeUndefined();
});
