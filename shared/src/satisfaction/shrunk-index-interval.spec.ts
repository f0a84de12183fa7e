import { describe, expect, it } from '@jest/globals';
import { addRating, emptySum, ratingScore, shrunkIndex, shrunkIndexInterval, type WeightedMoments } from './index.js';

function moments(stars: number[], weights: number[] = stars.map(() => 1)): WeightedMoments {
  const sum = emptySum();
  let sumWX2 = 0;
  stars.forEach((s, i) => {
    const x = ratingScore(s);
    addRating(sum, x, weights[i]);
    sumWX2 += weights[i] * x * x;
  });
  return { ...sum, sumWX2 };
}

describe('shrunkIndexInterval', () => {
  it('5, 4 and 3 stars with prior 60: index 63.46 ± 6.53', () => {
    // x = 100, 75, 50: mean 75, s² = (18125/3 − 75²) · 3/2 = 625, s = 25;
    // index = (10·60 + 225) / 13 = 63.4615; half = 1.959964 · 3/13 · 25/√3 = 6.5284.
    const m = moments([5, 4, 3]);
    const interval = shrunkIndexInterval(m, 60)!;
    const centre = shrunkIndex(m, 60);
    expect(centre).toBeCloseTo(63.4615, 4);
    expect(centre - interval.low).toBeCloseTo(6.5284, 3);
    expect(interval.high - centre).toBeCloseTo(6.5284, 3);
  });

  it('is null without ratings or with one, zero-width when every rating is the same', () => {
    expect(shrunkIndexInterval(moments([]), 50)).toBeNull();
    expect(shrunkIndexInterval(moments([5]), 50)).toBeNull();
    const same = shrunkIndexInterval(moments([4, 4, 4, 4]), 50)!;
    expect(same.high - same.low).toBeCloseTo(0, 9);
  });

  it('narrows as ratings grow and stays within 0..100', () => {
    const few = shrunkIndexInterval(moments([5, 1, 5, 1]), 50)!;
    const many = shrunkIndexInterval(moments(Array.from({ length: 400 }, (_, i) => (i % 2 ? 5 : 1))), 50)!;
    expect(many.high - many.low).toBeLessThan(few.high - few.low);
    const top = shrunkIndexInterval(moments([5, 5, 5, 5, 5, 5, 5, 4]), 100)!;
    expect(top.high).toBeLessThanOrEqual(100);
    expect(top.low).toBeGreaterThanOrEqual(0);
  });

  it('uses the effective sample of decayed weights', () => {
    const decayed = shrunkIndexInterval(moments([5, 1, 5, 1], [1, 1, 0.25, 0.25]), 50)!;
    const plain = shrunkIndexInterval(moments([5, 1, 5, 1]), 50)!;
    expect(decayed.high - decayed.low).toBeGreaterThan(0);
    expect(decayed.high - decayed.low).not.toBeCloseTo(plain.high - plain.low, 3);
  });
});
