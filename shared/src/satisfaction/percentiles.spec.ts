import { median, percentile } from './index.js';

describe('percentiles', () => {
  it('interpolates between closest ranks (type 7)', () => {
    // n = 4: h = 3 * p / 100
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5); // h = 1.5: 2 + 0.5 * (3 - 2)
    expect(percentile([4, 1, 3, 2], 90)).toBeCloseTo(3.7, 10); // h = 2.7: 3 + 0.7 * (4 - 3)
    expect(percentile([4, 1, 3, 2], 0)).toBe(1);
    expect(percentile([4, 1, 3, 2], 100)).toBe(4);
    // numpy.percentile([15, 20, 35, 40, 50], 40) = 29: h = 4 * 0.4 = 1.6, 20 + 0.6 * 15
    expect(percentile([15, 20, 35, 40, 50], 40)).toBeCloseTo(29, 10);
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('takes the median as the 50th percentile without touching the input', () => {
    const values = [30, 10, 20];
    expect(median(values)).toBe(20);
    expect(values).toEqual([30, 10, 20]);
    expect(median([10, 20])).toBe(15);
    expect(median([])).toBeNull();
  });

  it('rejects p outside 0..100 and non-finite values', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1, NaN], 50)).toThrow(RangeError);
  });
});
