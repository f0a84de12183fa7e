import fc from 'fast-check';
import {
  addRating,
  decayWeight,
  effectiveSampleSize,
  emptySum,
  indexChain,
  ratingScore,
  shrunkIndex,
  weightedMean,
  type WeightedSum,
} from './index.js';

/** Sums of ratings with weight 1. */
const sumOf = (scores: number[], w = 1): WeightedSum => scores.reduce((acc, x) => addRating(acc, x, w), emptySum());

describe('the shrunk index', () => {
  it('weights ratings by age: 5, 3 and 1 stars at 0, 90 and 180 days', () => {
    // scores 100, 50, 0 with w = 1, 0.5, 0.25
    // sumW = 1.75, sumWX = 100 + 25 + 0 = 125, sumW2 = 1 + 0.25 + 0.0625 = 1.3125
    const acc = emptySum();
    addRating(acc, ratingScore(5), decayWeight(0));
    addRating(acc, ratingScore(3), decayWeight(90));
    addRating(acc, ratingScore(1), decayWeight(180));
    expect(acc).toEqual({ sumW: 1.75, sumWX: 125, sumW2: 1.3125 });
    // mean = 125 / 1.75 = 71.428571 (undecayed it would be 50)
    expect(weightedMean(acc)).toBeCloseTo(71.428571, 5);
    // ESS = 1.75² / 1.3125 = 3.0625 / 1.3125 = 2.333333
    expect(effectiveSampleSize(acc)).toBeCloseTo(2.333333, 5);
    // index with prior 60: (10*60 + 125) / (10 + 1.75) = 725 / 11.75 = 61.702128
    expect(shrunkIndex(acc, 60)).toBeCloseTo(61.702128, 5);
  });

  it('shrinks small samples towards the prior', () => {
    // n = 1: one 5-star rating, prior 60: (600 + 100) / 11 = 63.636364
    expect(shrunkIndex(sumOf([100]), 60)).toBeCloseTo(63.636364, 5);
    // n = 2: 100 and 50, prior 60: (600 + 150) / 12 = 62.5
    expect(shrunkIndex(sumOf([100, 50]), 60)).toBe(62.5);
    // zero ratings: the prior
    expect(shrunkIndex(emptySum(), 60)).toBe(60);
    // m = 0: the raw mean
    expect(shrunkIndex(sumOf([100, 50]), 60, 0)).toBe(75);
  });

  it('lies between the prior and the mean', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (stars, prior) => {
          const sum = sumOf(stars.map(ratingScore));
          const mean = weightedMean(sum)!;
          const index = shrunkIndex(sum, prior);
          expect(index).toBeGreaterThanOrEqual(Math.min(mean, prior) - 1e-9);
          expect(index).toBeLessThanOrEqual(Math.max(mean, prior) + 1e-9);
        },
      ),
    );
  });

  it('chains company -> team -> technician; a technician with 2 ratings stays near the team', () => {
    const company = sumOf(Array.from({ length: 100 }, (_, i) => (i < 60 ? 100 : 50))); // mean 80
    const team = sumOf(Array.from({ length: 20 }, (_, i) => (i < 4 ? 100 : 50))); // mean 60
    const technician = sumOf([100, 100]); // mean 100
    const [c, t, x] = indexChain([company, team, technician]);
    // company: its own mean, 8000 / 100 = 80
    expect(c).toBe(80);
    // team: (10*80 + 1200) / (10 + 20) = 2000 / 30 = 66.666667
    expect(t).toBeCloseTo(66.666667, 5);
    // technician: (10*66.666667 + 200) / (10 + 2) = 866.666667 / 12 = 72.222222, not 100
    expect(x).toBeCloseTo(72.222222, 5);
  });

  it('uses the root prior only for a company without ratings', () => {
    // company: no ratings -> 50; technician: one 5-star -> (10*50 + 100) / 11 = 54.545455
    const [c, t] = indexChain([emptySum(), sumOf([100])]);
    expect(c).toBe(50);
    expect(t).toBeCloseTo(54.545455, 5);
    expect(indexChain([emptySum()], 10, 70)).toEqual([70]);
    expect(indexChain([])).toEqual([]);
  });
});
