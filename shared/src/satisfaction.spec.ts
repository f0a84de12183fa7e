import fc from 'fast-check';
import {
  DIMENSION_LABELS,
  RATING_DIMENSIONS,
  RATING_TAGS,
  addRating,
  complaintsPer1000,
  csat,
  decayWeight,
  effectiveSampleSize,
  emptySum,
  fairComparison,
  followUpCoverage,
  ftfRate,
  indexChain,
  isRatingTag,
  isSatisfied,
  keyDrivers,
  median,
  mergeSums,
  needsFollowUp,
  pearson,
  percentile,
  rankTechnicians,
  ratingScore,
  reopenRate,
  repeatRate,
  responseRate,
  shrunkIndex,
  slaCompliance,
  solveLinear,
  standardizedCoefficients,
  trend,
  weightedMean,
  wilsonInterval,
  type DriverRow,
  type WeightedSum,
} from './satisfaction.js';

/** Sums of ratings with weight 1. */
const sumOf = (scores: number[], w = 1): WeightedSum => scores.reduce((acc, x) => addRating(acc, x, w), emptySum());

describe('constants', () => {
  it('has the four dimensions with Chinese labels and the tags', () => {
    expect(RATING_DIMENSIONS).toEqual(['speed', 'workmanship', 'attitude', 'communication']);
    expect(RATING_DIMENSIONS.map((d) => DIMENSION_LABELS[d])).toEqual(['响应速度', '维修质量', '服务态度', '沟通']);
    expect(RATING_TAGS).toEqual(expect.arrayContaining(['准时', '专业', '没修好', '收费不清']));
    expect(new Set(RATING_TAGS).size).toBe(RATING_TAGS.length);
    expect(isRatingTag('态度好')).toBe(true);
    expect(isRatingTag('随便')).toBe(false);
  });
});

describe('one rating', () => {
  it('maps stars to 0..100 by (stars-1)/4*100', () => {
    // 1 -> 0/4, 2 -> 1/4, 3 -> 2/4, 4 -> 3/4, 5 -> 4/4 (times 100)
    expect([1, 2, 3, 4, 5].map(ratingScore)).toEqual([0, 25, 50, 75, 100]);
    expect(() => ratingScore(0)).toThrow(RangeError);
    expect(() => ratingScore(6)).toThrow(RangeError);
    expect(() => ratingScore(NaN)).toThrow(RangeError);
  });

  it('counts 4 and 5 stars as satisfied', () => {
    expect([1, 2, 3, 4, 5].map(isSatisfied)).toEqual([false, false, false, true, true]);
  });

  it('opens a follow-up for 1-2 stars or "not fixed"', () => {
    expect(needsFollowUp({ stars: 2 })).toBe(true);
    expect(needsFollowUp({ stars: 3 })).toBe(false);
    expect(needsFollowUp({ stars: 5, fixed: false })).toBe(true);
    expect(needsFollowUp({ stars: 5, fixed: null })).toBe(false);
  });
});

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

describe('rates', () => {
  it('divides, null on a zero denominator', () => {
    expect(responseRate(30, 40)).toBe(0.75);
    // an all-unrated slice: 12 completed, none rated -> response rate 0, CSAT null
    expect(responseRate(0, 12)).toBe(0);
    expect(csat(0, 0).csat).toBeNull();
    expect(responseRate(0, 0)).toBeNull();
    expect(ftfRate(45, 50)).toBe(0.9);
    expect(ftfRate(0, 0)).toBeNull();
    expect(repeatRate(6, 120)).toBe(0.05);
    expect(repeatRate(0, 0)).toBeNull();
    expect(reopenRate(3, 60)).toBe(0.05);
    expect(reopenRate(1, 0)).toBeNull();
    expect(followUpCoverage(18, 24)).toBe(0.75);
    expect(followUpCoverage(0, 0)).toBeNull();
    // 9 complaints / 1200 households * 1000 = 7.5
    expect(complaintsPer1000(9, 1200)).toBe(7.5);
    expect(complaintsPer1000(3, 0)).toBeNull();
    expect(slaCompliance(57, 60)).toBe(0.95);
    expect(slaCompliance(0, 0)).toBeNull();
    expect(() => ftfRate(-1, 3)).toThrow(RangeError);
  });
});

describe('the shrunk index', () => {
  it('decays by half every 90 days', () => {
    // 2^(-0/90) = 1, 2^(-90/90) = 0.5, 2^(-180/90) = 0.25
    expect([0, 90, 180].map((age) => decayWeight(age))).toEqual([1, 0.5, 0.25]);
    expect(decayWeight(30, 30)).toBe(0.5);
    expect(() => decayWeight(-1)).toThrow(RangeError);
    expect(() => decayWeight(1, 0)).toThrow(RangeError);
  });

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

  it('has n as the effective sample size when every weight is 1, 0 when empty', () => {
    expect(effectiveSampleSize(sumOf([0, 50, 100, 75]))).toBe(4);
    expect(effectiveSampleSize(emptySum())).toBe(0);
    expect(weightedMean(emptySum())).toBeNull();
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

  it('merges rollups and rejects bad scores', () => {
    expect(mergeSums(sumOf([100, 50]), sumOf([0], 0.5))).toEqual({ sumW: 2.5, sumWX: 150, sumW2: 2.25 });
    expect(() => addRating(emptySum(), 101, 1)).toThrow(RangeError);
    expect(() => addRating(emptySum(), 50, -1)).toThrow(RangeError);
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

describe('correlation and regression', () => {
  it('computes Pearson r', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBe(1);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBe(-1);
    // dx = [-1.5, -0.5, 0.5, 1.5], dy = [-1.5, 0.5, -0.5, 1.5]: sxy = 2.25 - 0.25 - 0.25 + 2.25 = 4, sxx = syy = 5
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 12);
    expect(pearson([1, 2], [1, 2])).toBeNull();
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(() => pearson([1, 2, 3], [1, 2])).toThrow(RangeError);
  });

  it('solves linear systems with pivoting and detects singular ones', () => {
    // 0x + 2y = 4, 3x + y = 5 -> needs a row swap: y = 2, x = 1
    expect(
      solveLinear(
        [
          [0, 2],
          [3, 1],
        ],
        [4, 5],
      ),
    ).toEqual([1, 2]);
    expect(
      solveLinear(
        [
          [1, 2],
          [2, 4],
        ],
        [1, 2],
      ),
    ).toBeNull();
  });

  it('gives standardized coefficients of an exact small dataset', () => {
    // x1 = 1..5, x2 = [2, 1, 4, 3, 5], y = 2*x1 + x2 = [4, 5, 10, 11, 15]
    // var(x1) = var(x2) = 2, var(y) = (25 + 16 + 1 + 4 + 36) / 5 = 16.4, exact fit b = (2, 1)
    // beta_j = b_j * sd(x_j) / sd(y): beta1 = 2 * sqrt(2 / 16.4) = 0.698430, beta2 = 0.349215
    // check: r12 = 0.8, r1y = 5.6 / sqrt(2 * 16.4) = 0.977802, r2y = 5.2 / sqrt(32.8) = 0.907958,
    //   beta1 = (r1y - r12 * r2y) / (1 - r12²) = (0.977802 - 0.726367) / 0.36 = 0.698431
    const x1 = [1, 2, 3, 4, 5];
    const x2 = [2, 1, 4, 3, 5];
    const y = x1.map((v, i) => 2 * v + x2[i]);
    const betas = standardizedCoefficients(
      x1.map((v, i) => [v, x2[i]]),
      y,
    )!;
    expect(betas[0]).toBeCloseTo(0.69843, 5);
    expect(betas[1]).toBeCloseTo(0.349215, 5);
    // collinear predictors (x3 = 2 * x1): singular
    expect(
      standardizedCoefficients(
        x1.map((v, i) => [v, x2[i], 2 * v]),
        y,
      ),
    ).toBeNull();
    // too few rows for 2 predictors and an intercept
    expect(standardizedCoefficients([[1, 2]], [3])).toBeNull();
  });
});

describe('key drivers', () => {
  // A 2x2x2x2 design, each dimension 2 or 4 stars, uncorrelated with the others.
  // overall = 1 + 2*[speed = 4] + [workmanship = 4] + [attitude = 4] (1..5 stars); communication has no effect.
  const factorial: DriverRow[] = [];
  for (let i = 0; i < 16; i++) {
    const [speed, workmanship, attitude, communication] = [1, 2, 4, 8].map((bit) => (i & bit ? 4 : 2));
    const overall = 1 + (speed === 4 ? 2 : 0) + (workmanship === 4 ? 1 : 0) + (attitude === 4 ? 1 : 0);
    factorial.push({ overall, speed, workmanship, attitude, communication });
  }

  it('finds the dimension that drives overall (orthogonal design: beta = r)', () => {
    // centred overall = ±1 (speed) ± 0.5 (workmanship) ± 0.5 (attitude): var = 1 + 0.25 + 0.25 = 1.5
    // each dimension = 3 ± 1: var 1; cov(overall, speed) = 1, workmanship and attitude 0.5, communication 0
    // r_speed = 1 / sqrt(1.5) = 0.816497, r_workmanship = r_attitude = 0.5 / sqrt(1.5) = 0.408248
    // orthogonal predictors: beta = r. mean 3 each, room to improve 5 - 3 = 2:
    // impact: speed 1.632993, workmanship and attitude 0.816497, communication 0
    const drivers = keyDrivers([...factorial, ...factorial]); // 32 complete rows >= 30
    expect(drivers.map((d) => d.dimension)).toEqual(['speed', 'workmanship', 'attitude', 'communication']);
    const [speed, workmanship, , communication] = drivers;
    expect(speed.n).toBe(32);
    expect(speed.mean).toBe(3);
    expect(speed.correlation).toBeCloseTo(0.816497, 5);
    expect(speed.beta).toBeCloseTo(0.816497, 5);
    expect(speed.impact).toBeCloseTo(1.632993, 5);
    expect(workmanship.beta).toBeCloseTo(0.408248, 5);
    expect(workmanship.impact).toBeCloseTo(0.816497, 5);
    expect(communication.correlation).toBeCloseTo(0, 10);
    expect(communication.beta).toBeCloseTo(0, 10);
  });

  it('uses the correlation below 30 complete rows', () => {
    const drivers = keyDrivers(factorial); // 16 rows
    expect(drivers.every((d) => d.beta === null)).toBe(true);
    expect(drivers[0].dimension).toBe('speed');
    expect(drivers[0].impact).toBeCloseTo(2 * 0.816497, 5);
  });

  it('gives no beta when two dimensions always move together (singular)', () => {
    const twins = [...factorial, ...factorial].map((row) => ({ ...row, workmanship: row.speed }));
    const drivers = keyDrivers(twins);
    expect(drivers.every((d) => d.beta === null)).toBe(true);
    // impact falls back to the correlation: speed and workmanship both 0.816497 * 2
    expect(drivers.slice(0, 2).map((d) => [d.dimension, d.impact])).toEqual([
      ['speed', expect.closeTo(1.632993, 5)],
      ['workmanship', expect.closeTo(1.632993, 5)],
    ]);
  });

  it('separates a driver from a dimension that only moves with it', () => {
    // overall = workmanship exactly; speed follows workmanship most of the time, with no effect
    // of its own. Regression: b_workmanship = 1, the rest 0, so beta_workmanship = sd(w)/sd(overall) = 1.
    const rows: DriverRow[] = Array.from({ length: 40 }, (_, i) => {
      const workmanship = 1 + (i % 5);
      const speed = i % 4 === 0 ? 1 + ((i + 2) % 5) : workmanship;
      return { overall: workmanship, workmanship, speed, attitude: 1 + (i % 3), communication: 1 + ((i >> 1) % 4) };
    });
    const byDim = Object.fromEntries(keyDrivers(rows).map((d) => [d.dimension, d]));
    expect(byDim.speed.correlation).toBeGreaterThan(0.5);
    expect(byDim.speed.beta).toBeCloseTo(0, 8);
    expect(byDim.workmanship.beta).toBeCloseTo(1, 8);
    // mean workmanship = 3: impact = 1 * (5 - 3) = 2
    expect(byDim.workmanship.impact).toBeCloseTo(2, 8);
    expect(keyDrivers(rows)[0].dimension).toBe('workmanship');
  });

  it('counts each dimension over the rows that have it; nulls last', () => {
    const rows: DriverRow[] = [
      { overall: 5, speed: 5, communication: null },
      { overall: 3, speed: 2 },
      { overall: 4, speed: 4, workmanship: 4 },
      { overall: 1 },
    ];
    const drivers = keyDrivers(rows);
    const speed = drivers.find((d) => d.dimension === 'speed')!;
    // speed over 3 rows: overall [5, 3, 4], speed [5, 2, 4]; mean 11/3
    // overall - 4 = [1, -1, 0], speed - 11/3 = [4/3, -5/3, 1/3]: sxy = 3, 2 and 42/9 -> r = 3 / sqrt(2 * 42/9) = 0.981981
    expect(speed.n).toBe(3);
    expect(speed.mean).toBeCloseTo(11 / 3, 10);
    expect(speed.correlation).toBeCloseTo(0.981981, 5);
    // impact = 0.981981 * (5 - 11/3) = 1.309307
    expect(speed.impact).toBeCloseTo(1.309307, 5);
    expect(drivers[0]).toBe(speed);
    const attitude = drivers.find((d) => d.dimension === 'attitude')!;
    expect(attitude).toEqual({ dimension: 'attitude', n: 0, mean: null, correlation: null, beta: null, impact: null });
    expect(drivers.slice(1).map((d) => d.impact)).toEqual([null, null, null]);
    expect(keyDrivers([]).map((d) => d.dimension)).toEqual(RATING_DIMENSIONS);
    expect(() => keyDrivers([{ overall: 6 }])).toThrow(RangeError);
  });
});

describe('fair comparison', () => {
  // company per category: plumbing mean 9000/100 = 90, locks 3000/50 = 60, painting 1600/20 = 80
  const reference = {
    plumbing: { n: 100, sumScore: 9000 },
    locks: { n: 50, sumScore: 3000 },
    painting: { n: 20, sumScore: 1600 },
  };

  it('compares with the mean of the same categories, mix-adjusted', () => {
    // A does mostly locks (hard to please): 2 plumbing (sum 180), 8 locks (sum 560)
    // actual = 740 / 10 = 74; expected = (2*90 + 8*60) / 10 = 66; delta = +8
    expect(fairComparison({ plumbing: { n: 2, sumScore: 180 }, locks: { n: 8, sumScore: 560 } }, reference)).toEqual({
      n: 10,
      actual: 74,
      expected: 66,
      delta: 8,
    });
    // B does mostly plumbing: 8 plumbing (sum 720), 2 locks (sum 100)
    // actual = 820 / 10 = 82 (higher than A); expected = (8*90 + 2*60) / 10 = 84; delta = -2
    expect(fairComparison({ plumbing: { n: 8, sumScore: 720 }, locks: { n: 2, sumScore: 100 } }, reference)).toEqual({
      n: 10,
      actual: 82,
      expected: 84,
      delta: -2,
    });
  });

  it('leaves out categories without reference data', () => {
    // glass is unknown to the reference: only painting counts, 3 ratings sum 270 -> 90 vs 80
    expect(fairComparison({ painting: { n: 3, sumScore: 270 }, glass: { n: 5, sumScore: 100 } }, reference)).toEqual({
      n: 3,
      actual: 90,
      expected: 80,
      delta: 10,
    });
    expect(fairComparison({}, reference)).toEqual({ n: 0, actual: null, expected: null, delta: null });
    expect(fairComparison({ glass: { n: 5, sumScore: 100 } }, reference).delta).toBeNull();
  });
});

describe('ranking', () => {
  it('ranks by delta, then index, then id; no rank without enough data', () => {
    const items = [
      { technicianId: 1, name: '王', effectiveN: 12, index: 70, delta: 8 },
      { technicianId: 2, name: '李', effectiveN: 15, index: 75, delta: -2 },
      { technicianId: 3, name: '张', effectiveN: 4, index: 90, delta: 20 },
      { technicianId: 4, name: '刘', effectiveN: 10, index: 65, delta: 8 },
      { technicianId: 5, name: '陈', effectiveN: 11, index: 60, delta: null },
      { technicianId: 6, name: '赵', effectiveN: 2, index: 95, delta: 1 },
    ];
    const ranked = rankTechnicians(items);
    expect(ranked.map((r) => [r.technicianId, r.rank, r.enoughData])).toEqual([
      [1, 1, true], // delta 8, index 70
      [4, 2, true], // delta 8, index 65 (effectiveN 10 is enough)
      [2, 3, true],
      [5, null, true], // nothing to compare with
      [6, null, false], // effectiveN 2: index 95 first among the unranked
      [3, null, false], // best delta but effectiveN 4
    ]);
    expect(ranked[0].name).toBe('王');
    // ties in delta and index: by id
    const tied = rankTechnicians([
      { technicianId: 9, effectiveN: 20, index: 50, delta: 0 },
      { technicianId: 7, effectiveN: 20, index: 50, delta: 0 },
    ]);
    expect(tied.map((r) => [r.technicianId, r.rank])).toEqual([
      [7, 1],
      [9, 2],
    ]);
    // a lower threshold
    expect(rankTechnicians(items, 2).find((r) => r.technicianId === 3)!.rank).toBe(1);
  });
});

describe('trend', () => {
  it('gives change and change %', () => {
    // 72 vs 64: +8, 8 / 64 = 12.5%
    expect(trend(72, 64)).toEqual({ current: 72, previous: 64, change: 8, changePct: 12.5 });
    expect(trend(48, 64)).toEqual({ current: 48, previous: 64, change: -16, changePct: -25 });
    expect(trend(5, 0)).toEqual({ current: 5, previous: 0, change: 5, changePct: null });
  });
});
