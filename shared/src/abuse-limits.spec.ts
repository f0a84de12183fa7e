import {
  DUPLICATE_WINDOW_MINUTES,
  URGE_COOLDOWN_MINUTES,
  findDuplicateOf,
  duplicateOrderText,
  nextUrgeAt,
  normaliseDescription,
  urgeTooSoon,
  urgeTooSoonText,
} from './abuse-limits.js';

const at = (iso: string) => new Date(iso);

describe('abuse limits', () => {
  it('allows one urge per cooldown and says when the next one may come', () => {
    const last = at('2026-03-01T10:00:00Z');
    expect(URGE_COOLDOWN_MINUTES).toBe(30);
    expect(urgeTooSoon(null, last)).toBeNull();
    expect(nextUrgeAt(last)?.toISOString()).toBe('2026-03-01T10:30:00.000Z');
    expect(urgeTooSoon(last, at('2026-03-01T10:10:00.500Z'))).toEqual({
      nextUrgeAt: '2026-03-01T10:30:00.000Z',
      retryAfterSeconds: 1200,
    });
    expect(urgeTooSoon(last, at('2026-03-01T10:30:00Z'))).toBeNull();
    // China time (UTC+8) in the resident's text.
    expect(urgeTooSoonText('2026-03-01T10:30:00.000Z')).toBe('已催单，30分钟内只能催一次，18:30 后可再催');
    expect(duplicateOrderText('2026-03-01T10:00:00Z', at('2026-03-01T10:03:10Z'))).toBe(
      '您在3分钟前已提交相同报修，已为您打开该工单',
    );
  });

  it('compares descriptions without case, spaces or punctuation, but with digits', () => {
    expect(normaliseDescription(' 厨房 水管漏水！！ ')).toBe(normaliseDescription('厨房水管漏水'));
    expect(normaliseDescription('Leak, kitchen.')).toBe(normaliseDescription('leak kitchen'));
    expect(normaliseDescription('１栋漏水')).toBe(normaliseDescription('1栋漏水'));
    expect(normaliseDescription('漏水 1')).not.toBe(normaliseDescription('漏水 2'));
  });

  it('finds the latest open order of the same category and text in the window', () => {
    const now = at('2026-03-01T10:00:00Z');
    const ago = (min: number) => new Date(now.getTime() - min * 60_000);
    const base = { category: 'plumbing', description: '厨房漏水', status: 'submitted' };
    const order = { category: 'plumbing', description: '厨房 漏水。', createdAt: now };
    expect(
      findDuplicateOf(order, [
        { ...base, id: 1, createdAt: ago(5) },
        { ...base, id: 2, createdAt: ago(2) },
        { ...base, id: 3, createdAt: ago(1), status: 'cancelled' },
        { ...base, id: 4, createdAt: ago(1), category: 'electrical' },
        { ...base, id: 5, createdAt: ago(1), description: '卫生间漏水' },
        { ...base, id: 6, createdAt: ago(DUPLICATE_WINDOW_MINUTES + 1) },
      ]),
    ).toBe(2);
    expect(findDuplicateOf(order, [{ ...base, id: 7, createdAt: ago(1), status: 'completed' }])).toBeNull();
  });
});
