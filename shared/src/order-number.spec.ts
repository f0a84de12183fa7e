import fc from 'fast-check';
import { formatOrderNo } from './order-number.js';
import { chinaDay } from './time/china-time.js';

describe('formatOrderNo', () => {
  it('joins community, day and a sequence padded to four digits', () => {
    expect(formatOrderNo('HY', '20261127', 7)).toBe('HY-20261127-0007');
    expect(formatOrderNo('HY', '20261127', 1)).toBe('HY-20261127-0001');
    expect(formatOrderNo('HY', '20261127', 9999)).toBe('HY-20261127-9999');
  });

  it('lets the sequence grow past four digits instead of wrapping', () => {
    expect(formatOrderNo('HY', '20261127', 12345)).toBe('HY-20261127-12345');
  });

  it('rejects a day that is not yyyymmdd', () => {
    for (const day of ['2026-11-27', '2026112', '202611270', 'abcdefgh', '']) {
      expect(() => formatOrderNo('HY', day, 1)).toThrow(RangeError);
    }
  });

  it('rejects a sequence below 1 or not an integer', () => {
    for (const sequence of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => formatOrderNo('HY', '20261127', sequence)).toThrow(RangeError);
    }
  });

  it('is injective for one community and day: different sequences give different numbers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 10_000_000 }), (a, b) => {
        const same = formatOrderNo('HY', '20261127', a) === formatOrderNo('HY', '20261127', b);
        expect(same).toBe(a === b);
      }),
    );
  });
});

describe('chinaDay', () => {
  it('always gives a yyyymmdd that formatOrderNo accepts', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2099-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (at) => {
          const day = chinaDay(at);
          expect(day).toMatch(/^\d{8}$/);
          expect(formatOrderNo('HY', day, 1)).toBe(`HY-${day}-0001`);
        },
      ),
    );
  });
});
