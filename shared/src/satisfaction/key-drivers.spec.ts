import {
  RATING_DIMENSIONS,
  keyDrivers,
  pearson,
  solveLinear,
  standardizedCoefficients,
  type DriverRow,
} from './index.js';

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
