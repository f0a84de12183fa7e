import fc from 'fast-check';
import {
  addRating,
  emptyMoments,
  mergeMoments,
  ratingScore,
  starMoments,
  effectiveSampleSize,
  emptySum,
  mergeSums,
  weightedMean,
  type WeightedMoments,
  type WeightedSum,
} from './index.js';

/** Sums of ratings with weight 1. */
const sumOf = (scores: number[], w = 1): WeightedSum => scores.reduce((acc, x) => addRating(acc, x, w), emptySum());

describe('weighted sums', () => {
  it('has n as the effective sample size when every weight is 1, 0 when empty', () => {
    expect(effectiveSampleSize(sumOf([0, 50, 100, 75]))).toBe(4);
    expect(effectiveSampleSize(emptySum())).toBe(0);
    expect(weightedMean(emptySum())).toBeNull();
  });

  it('merges rollups and rejects bad scores', () => {
    expect(mergeSums(sumOf([100, 50]), sumOf([0], 0.5))).toEqual({ sumW: 2.5, sumWX: 150, sumW2: 2.25 });
    expect(() => addRating(emptySum(), 101, 1)).toThrow(RangeError);
    expect(() => addRating(emptySum(), 50, -1)).toThrow(RangeError);
  });
});

describe('star moments', () => {
  it('equal the moments of the ratings added one by one, each of weight w', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (stars, w) => {
          const one = stars.reduce<WeightedMoments>((acc, s) => {
            const x = ratingScore(s);
            return mergeMoments(acc, { sumW: w, sumWX: w * x, sumW2: w * w, sumWX2: w * x * x });
          }, emptyMoments());
          const counts = {
            rated: stars.length,
            sumStars: stars.reduce((t, s) => t + s, 0),
            sumStarsSq: stars.reduce((t, s) => t + s * s, 0),
          };
          const got = starMoments(counts, w);
          expect(got.sumW).toBeCloseTo(one.sumW, 9);
          expect(got.sumWX).toBeCloseTo(one.sumWX, 6);
          expect(got.sumW2).toBeCloseTo(one.sumW2, 9);
          expect(got.sumWX2).toBeCloseTo(one.sumWX2, 4);
        },
      ),
    );
  });

  it('are 5, 4 and 3 stars: sumW 3, sumWX 225, sumWX2 18125', () => {
    // x = 100, 75, 50: sum 225, sum of squares 10000 + 5625 + 2500 = 18125
    expect(starMoments({ rated: 3, sumStars: 12, sumStarsSq: 50 })).toEqual({
      sumW: 3,
      sumWX: 225,
      sumW2: 3,
      sumWX2: 18125,
    });
    expect(emptyMoments()).toEqual({ sumW: 0, sumWX: 0, sumW2: 0, sumWX2: 0 });
  });
});
