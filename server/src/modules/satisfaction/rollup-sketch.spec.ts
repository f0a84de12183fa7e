import { describe, expect, it } from '@jest/globals';
import { percentile } from '@linli/shared';
import { mulberry32 } from '../../database/seed/prng.js';
import { DurationSketch, SKETCH_RELATIVE_ERROR, STAGES } from './rollup-sketch.js';

/** Exact type-7 percentiles in minutes of whole seconds, as the raw path computes them. */
const exact = (seconds: number[], p: number) =>
  percentile(
    seconds.map((s) => s / 60).sort((a, b) => a - b),
    p,
  );

describe('duration sketches (fixed log buckets)', () => {
  const rand = mulberry32(7);
  const lognormal = (median: number, sigma: number) =>
    Math.round(median * Math.exp(sigma * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())));

  it('estimates type-7 median and P90 within 1% of the exact values, for every sample size', () => {
    let worst = 0;
    for (const n of [1, 2, 3, 5, 10, 101, 1000, 20_000]) {
      for (let round = 0; round < 5; round++) {
        const values = Array.from({ length: n }, () => lognormal(900 * (round + 1), 1.2));
        const sketch = new DurationSketch();
        for (const v of values) sketch.add('accept', v);
        const est = sketch.stats('accept');
        expect(est.n).toBe(n);
        expect(est.relativeError).toBe(SKETCH_RELATIVE_ERROR);
        for (const [p, got] of [
          [50, est.medianMinutes!],
          [90, est.p90Minutes!],
        ] as const) {
          const want = exact(values, p)!;
          const err = want === 0 ? Math.abs(got) : Math.abs(got - want) / want;
          worst = Math.max(worst, err);
          expect(err).toBeLessThanOrEqual(SKETCH_RELATIVE_ERROR);
        }
      }
    }
    expect(worst).toBeGreaterThan(0); // estimates, not the values themselves
  });

  it('keeps zero durations exact and answers null with no values', () => {
    const sketch = new DurationSketch();
    expect(sketch.stats('arrive')).toEqual({ n: 0, medianMinutes: null, p90Minutes: null, relativeError: 0.01 });
    sketch.add('arrive', 0);
    sketch.add('arrive', 0);
    expect(sketch.stats('arrive').medianMinutes).toBe(0);
  });

  it('merges and subtracts exactly: day and month sketches add up, encoded or not', () => {
    const a = new DurationSketch();
    const b = new DurationSketch();
    const all = new DurationSketch();
    for (let i = 0; i < 3000; i++) {
      const stage = STAGES[i % 3];
      const v = lognormal(600, 1.5);
      (i % 2 ? a : b).add(stage, v);
      all.add(stage, v);
    }
    const merged = new DurationSketch();
    merged.addEncoded(a.encode());
    merged.merge(b);
    expect(merged.encode().equals(all.encode())).toBe(true);
    merged.addEncoded(b.encode(), -1);
    expect(merged.encode().equals(a.encode())).toBe(true);
    for (const stage of STAGES) expect(merged.stats(stage)).toEqual(a.stats(stage));
  });
});
