/** Durations: percentiles of minutes (P50, P90). */
import { assertFinite } from './checks.js';

/**
 * The p-th percentile (p in 0..100, e.g. 90 for P90) by linear interpolation between the
 * closest ranks (Hyndman-Fan type 7, numpy's default): with the values sorted ascending
 * x[0..n-1], h = (n-1)·p/100, result = x[⌊h⌋] + (h-⌊h⌋)·(x[⌊h⌋+1] - x[⌊h⌋]). null when empty.
 */
export function percentile(values: readonly number[], p: number): number | null {
  assertFinite(p, 'p');
  if (p < 0 || p > 100) throw new RangeError(`p must be 0..100, got ${p}`);
  values.forEach((v, i) => assertFinite(v, `values[${i}]`));
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const h = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The 50th percentile; the mean of the two middle values when n is even. */
export function median(values: readonly number[]): number | null {
  return percentile(values, 50);
}
