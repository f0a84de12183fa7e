/** Key drivers: which rating dimension moves overall stars most (correlation and regression). */
import { assertStars } from './checks.js';
import { MAX_STARS } from './scale.js';
import { RATING_DIMENSIONS, type RatingDimension } from './ratings.js';

/** Key drivers: the regression needs at least this many ratings with all four dimensions. */
export const KEY_DRIVER_MIN_ROWS = 30;

/** Pearson correlation; null when n < 3 or either side has no variance. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length) throw new RangeError(`xs and ys differ in length (${xs.length}, ${ys.length})`);
  const n = xs.length;
  if (n < 3) return null;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (!(sxx > 0) || !(syy > 0)) return null;
  const r = sxy / Math.sqrt(sxx * syy);
  return Math.max(-1, Math.min(1, r));
}

const SINGULAR_PIVOT = 1e-10;

/**
 * Solves A·x = b by Gaussian elimination with partial pivoting; null when A is singular (a pivot
 * below 1e-10 in absolute value; meant for correlation matrices, whose entries are ≤ 1).
 */
export function solveLinear(a: readonly (readonly number[])[], b: readonly number[]): number[] | null {
  const n = b.length;
  if (a.length !== n || a.some((row) => row.length !== n)) throw new RangeError('A must be n x n with n = b.length');
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    if (!(Math.abs(m[pivot][col]) > SINGULAR_PIVOT)) return null;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = col + 1; r < n; r++) {
      const f = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let c = r + 1; c < n; c++) s -= m[r][c] * x[c];
    x[r] = s / m[r][r];
  }
  return x;
}

/**
 * Standardized OLS coefficients of y on the columns of `xs` (xs[i] = the predictors of row i):
 * the solution of R·β = r, R the predictors' correlation matrix and r their correlations with y.
 * Equal to b_j·sd(x_j)/sd(y) of the ordinary regression with an intercept. null when there are
 * fewer rows than predictors + 2, a variable has no variance, or R is singular.
 */
export function standardizedCoefficients(xs: readonly (readonly number[])[], y: readonly number[]): number[] | null {
  if (xs.length !== y.length) throw new RangeError(`xs and y differ in length (${xs.length}, ${y.length})`);
  const k = xs[0]?.length ?? 0;
  if (k === 0 || xs.length < k + 2) return null;
  const columns = Array.from({ length: k }, (_, j) => xs.map((row) => row[j]));
  const r: number[] = [];
  const big: number[][] = [];
  for (let j = 0; j < k; j++) {
    const rjy = pearson(columns[j], y);
    if (rjy === null) return null;
    r.push(rjy);
    const row: number[] = [];
    for (let l = 0; l < k; l++) {
      if (l === j) row.push(1);
      else if (l < j) row.push(big[l][j]);
      else {
        const rjl = pearson(columns[j], columns[l]);
        if (rjl === null) return null;
        row.push(rjl);
      }
    }
    big.push(row);
  }
  return solveLinear(big, r);
}

/** One rating for key drivers: overall stars and the dimensions the resident gave (1..5). */
export type DriverRow = { overall: number } & Partial<Record<RatingDimension, number | null>>;

export interface KeyDriver {
  dimension: RatingDimension;
  /** Ratings with this dimension given. */
  n: number;
  /** Mean stars of the dimension (1..5); null when n = 0. */
  mean: number | null;
  /** Pearson correlation of overall stars with the dimension, over those n ratings. */
  correlation: number | null;
  /** Standardized coefficient of overall on all four dimensions (≥ 30 complete ratings). */
  beta: number | null;
  /** (beta ?? correlation) · (5 - mean): strength times room to improve. */
  impact: number | null;
}

/**
 * Which dimension moves overall satisfaction most. Per dimension: the correlation of overall
 * stars with it over the ratings that have it; over the ratings that have all four, when there
 * are at least `KEY_DRIVER_MIN_ROWS`, the standardized regression coefficients (they separate
 * dimensions that move together); and impact = strength x room to improve, where strength is
 * beta (else the correlation) and room to improve is 5 minus the dimension's mean stars.
 * Sorted by impact, largest first, nulls last (ties in dimension order).
 */
export function keyDrivers(rows: readonly DriverRow[]): KeyDriver[] {
  rows.forEach((row, i) => {
    assertStars(row.overall, `rows[${i}].overall`);
    for (const d of RATING_DIMENSIONS) {
      const v = row[d];
      if (v != null) assertStars(v, `rows[${i}].${d}`);
    }
  });
  const complete = rows.filter((row) => RATING_DIMENSIONS.every((d) => row[d] != null));
  const betas =
    complete.length >= KEY_DRIVER_MIN_ROWS
      ? standardizedCoefficients(
          complete.map((row) => RATING_DIMENSIONS.map((d) => row[d] as number)),
          complete.map((row) => row.overall),
        )
      : null;
  const drivers = RATING_DIMENSIONS.map((dimension, j): KeyDriver => {
    const present = rows.filter((row) => row[dimension] != null);
    const values = present.map((row) => row[dimension] as number);
    const n = present.length;
    const mean = n === 0 ? null : values.reduce((s, v) => s + v, 0) / n;
    const correlation = pearson(
      present.map((row) => row.overall),
      values,
    );
    const beta = betas === null ? null : betas[j];
    const strength = beta ?? correlation;
    const impact = strength === null || mean === null ? null : strength * (MAX_STARS - mean);
    return { dimension, n, mean, correlation, beta, impact };
  });
  return drivers
    .map((driver, order) => ({ driver, order }))
    .sort((a, b) => {
      const x = a.driver.impact;
      const y = b.driver.impact;
      if (x === null || y === null) return x === y ? a.order - b.order : x === null ? 1 : -1;
      return y - x || a.order - b.order;
    })
    .map(({ driver }) => driver);
}
