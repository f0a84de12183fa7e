import fc from 'fast-check';
import { csat, wilsonInterval } from './index.js';

describe('Wilson interval and CSAT', () => {
  // z = 1.959963984540054, z² = 3.841458820694124.
  it('is null without ratings', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('computes 8/10', () => {
    // p = 0.8, z²/n = 0.3841459, denominator = 1.3841459
    // centre = (0.8 + 0.1920729) / 1.3841459 = 0.716743
    // half = 1.959964 / 1.3841459 * sqrt(0.8*0.2/10 + 3.841459/400) = 1.416009 * 0.160011 = 0.226577
    const i = wilsonInterval(8, 10)!;
    expect(i.low).toBeCloseTo(0.490166, 5);
    expect(i.high).toBeCloseTo(0.94332, 5);
  });

  it('is [0, 0.2775] at 0/10 and [0.7225, 1] at 10/10', () => {
    // p = 0: low = centre - half = 0 exactly; high = 2 * centre = 2 * 0.1920729 / 1.3841459 = 0.277533
    expect(wilsonInterval(0, 10)).toEqual({ low: 0, high: expect.closeTo(0.277533, 5) });
    expect(wilsonInterval(10, 10)).toEqual({ low: expect.closeTo(0.722467, 5), high: 1 });
  });

  it('is wide for n = 1 and n = 2', () => {
    // 1/1: low = 1 - z²/(1+z²) = 1 - 3.841459/4.841459 = 0.206549
    expect(wilsonInterval(1, 1)).toEqual({ low: expect.closeTo(0.206549, 5), high: 1 });
    // 1/2: p = 0.5, centre = 0.5 by symmetry; half = z/(1+z²/2) * sqrt(0.125 + z²/16)
    //   = 1.959964 / 2.920729 * sqrt(0.125 + 0.240091) = 0.671051 * 0.604228 = 0.405468
    const half = wilsonInterval(1, 2)!;
    expect(half.low).toBeCloseTo(0.094532, 5);
    expect(half.high).toBeCloseTo(0.905468, 5);
  });

  it('rejects impossible counts', () => {
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
  });

  it('always contains p and stays in [0, 1]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const k = Math.round(f * n);
        const i = wilsonInterval(k, n)!;
        expect(i.low).toBeGreaterThanOrEqual(0);
        expect(i.high).toBeLessThanOrEqual(1);
        expect(i.low).toBeLessThanOrEqual(k / n + 1e-12);
        expect(i.high).toBeGreaterThanOrEqual(k / n - 1e-12);
      }),
    );
  });

  it('gives CSAT with its interval, null when nothing was rated', () => {
    // 8 of 10 ratings are 4-5 stars: 0.8
    expect(csat(8, 10)).toEqual({ rated: 10, satisfied: 8, csat: 0.8, interval: wilsonInterval(8, 10) });
    expect(csat(0, 0)).toEqual({ rated: 0, satisfied: 0, csat: null, interval: null });
    expect(csat(0, 3).csat).toBe(0);
  });
});
