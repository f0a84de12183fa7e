/** CSAT: the share of satisfied ratings, with its Wilson score interval. */
import { assertNonNegative } from './checks.js';

/** z for a two-sided 95% interval: the 97.5% quantile of the standard normal. */
export const WILSON_Z_95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval of a proportion `successes / n`, as proportions 0..1; null when n = 0.
 * centre = (p + z²/2n) / (1 + z²/n), half-width = z / (1 + z²/n) · sqrt(p(1-p)/n + z²/4n²).
 */
export function wilsonInterval(successes: number, n: number, z = WILSON_Z_95): Interval | null {
  assertNonNegative(successes, 'successes');
  assertNonNegative(n, 'n');
  assertNonNegative(z, 'z');
  if (successes > n) throw new RangeError(`successes (${successes}) must not exceed n (${n})`);
  if (n === 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    // At 0/n and n/n the bounds are exactly 0 and 1; do not let rounding say otherwise.
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === n ? 1 : Math.min(1, centre + half),
  };
}

export interface CsatResult {
  rated: number;
  satisfied: number;
  /** satisfied / rated, 0..1; null when nothing was rated. */
  csat: number | null;
  /** 95% Wilson interval of csat; null when nothing was rated. */
  interval: Interval | null;
}

/** CSAT = ratings of 4-5 stars / ratings. Show it beside `responseRate`. */
export function csat(satisfied: number, rated: number): CsatResult {
  const interval = wilsonInterval(satisfied, rated);
  return { rated, satisfied, csat: rated === 0 ? null : satisfied / rated, interval };
}
