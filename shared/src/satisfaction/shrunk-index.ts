/**
 * The satisfaction index: a slice's mean score shrunk (Bayesian) towards its parent slice, the
 * chain of nested slices, and the index's approximate interval.
 */
import { assertFinite, assertNonNegative } from './checks.js';
import { WILSON_Z_95, type Interval } from './csat.js';
import { effectiveSampleSize, weightedMean, type WeightedMoments, type WeightedSum } from './weighted-sums.js';

/** Prior weight m of the shrunk index, in ratings. */
export const DEFAULT_PRIOR_WEIGHT = 10;
/** The prior of the top slice when it has no ratings at all: the middle of the 0..100 scale. */
export const DEFAULT_ROOT_PRIOR = 50;

/**
 * The satisfaction index 0..100: `(m·prior + sum(w·x)) / (m + sum(w))`. A slice with few
 * ratings stays near its prior (the parent slice); with many it approaches its own mean.
 * With no ratings (sumW = 0) it is the prior.
 */
export function shrunkIndex(sum: WeightedSum, prior: number, m = DEFAULT_PRIOR_WEIGHT): number {
  assertFinite(prior, 'prior');
  assertNonNegative(m, 'm');
  if (sum.sumW <= 0) return prior;
  return (m * prior + sum.sumWX) / (m + sum.sumW);
}

/**
 * The index of each level of a chain of nested slices, listed from the top down (e.g. company,
 * community, team, technician). The top's prior is its own weighted mean, so the top's index is
 * its raw mean; only a top without ratings falls back to `rootPrior`. Every lower level is shrunk
 * towards the index of the level above: `index[i] = shrunkIndex(levels[i], index[i-1], m)`.
 */
export function indexChain(levels: WeightedSum[], m = DEFAULT_PRIOR_WEIGHT, rootPrior = DEFAULT_ROOT_PRIOR): number[] {
  const out: number[] = [];
  levels.forEach((level, i) => {
    const prior = i === 0 ? (weightedMean(level) ?? rootPrior) : out[i - 1];
    out.push(shrunkIndex(level, prior, m));
  });
  return out;
}

/**
 * An approximate 95% interval of the shrunk index, in index points (0..100):
 *
 *     index ± z · (sumW / (m + sumW)) · s / sqrt(nEff)
 *
 * s² = the ratings' weighted variance (sumWX2/sumW − mean²) · nEff / (nEff − 1), nEff = Kish's
 * effective sample size. It is the sampling error of the slice's own ratings, scaled by the share
 * the ratings have in the index; the prior counts as known. Clamped to 0..100; null when
 * nEff ≤ 1 (no spread can be estimated).
 */
export function shrunkIndexInterval(
  sum: WeightedMoments,
  prior: number,
  m = DEFAULT_PRIOR_WEIGHT,
  z = WILSON_Z_95,
): Interval | null {
  assertNonNegative(sum.sumWX2, 'sumWX2');
  const nEff = effectiveSampleSize(sum);
  const mean = weightedMean(sum);
  if (mean === null || nEff <= 1) return null;
  const variance = Math.max(0, sum.sumWX2 / sum.sumW - mean * mean) * (nEff / (nEff - 1));
  const centre = shrunkIndex(sum, prior, m);
  const half = z * (sum.sumW / (m + sum.sumW)) * Math.sqrt(variance / nEff);
  return { low: Math.max(0, centre - half), high: Math.min(100, centre + half) };
}
