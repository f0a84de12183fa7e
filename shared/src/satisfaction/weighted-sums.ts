/**
 * Running (weighted) sums of a slice's rating scores, the form in which rollups are added up:
 * mean, Kish's effective sample size, and the second moment for the spread.
 */
import { assertFinite, assertNonNegative } from './checks.js';

/** Running sums of a slice's ratings: x = ratingScore (0..100), w = weight (1 or decayWeight). */
export interface WeightedSum {
  sumW: number;
  sumWX: number;
  sumW2: number;
}

export function emptySum(): WeightedSum {
  return { sumW: 0, sumWX: 0, sumW2: 0 };
}

/** Adds one rating (score 0..100, weight w ≥ 0) to `acc`, in place, and returns `acc`. */
export function addRating(acc: WeightedSum, score: number, w = 1): WeightedSum {
  assertFinite(score, 'score');
  if (score < 0 || score > 100) throw new RangeError(`score must be 0..100, got ${score}`);
  assertNonNegative(w, 'w');
  acc.sumW += w;
  acc.sumWX += w * score;
  acc.sumW2 += w * w;
  return acc;
}

/** The sums of two disjoint sets of ratings (e.g. two days' rollups), as a new object. */
export function mergeSums(a: WeightedSum, b: WeightedSum): WeightedSum {
  return { sumW: a.sumW + b.sumW, sumWX: a.sumWX + b.sumWX, sumW2: a.sumW2 + b.sumW2 };
}

/** sum(w·x) / sum(w); null when there are no (weighted) ratings. */
export function weightedMean(sum: WeightedSum): number | null {
  return sum.sumW > 0 ? sum.sumWX / sum.sumW : null;
}

/** Kish's effective sample size sum(w)² / sum(w²); n when every w = 1, 0 when empty. */
export function effectiveSampleSize(sum: WeightedSum): number {
  return sum.sumW2 > 0 ? (sum.sumW * sum.sumW) / sum.sumW2 : 0;
}

/** A WeightedSum with sum(w·x²), for the spread of the scores. */
export interface WeightedMoments extends WeightedSum {
  sumWX2: number;
}

export function emptyMoments(): WeightedMoments {
  return { ...emptySum(), sumWX2: 0 };
}

/** The moments of two disjoint sets of ratings, as a new object. */
export function mergeMoments(a: WeightedMoments, b: WeightedMoments): WeightedMoments {
  return { ...mergeSums(a, b), sumWX2: a.sumWX2 + b.sumWX2 };
}

/** Star counts of a set of ratings, as the rollups keep them. */
export interface StarCounts {
  rated: number;
  sumStars: number;
  sumStarsSq: number;
}

/**
 * The moments of `rated` ratings, each of weight w, from their star counts. With
 * x = ratingScore(stars) = 25 · (stars - 1): sum(x) = 25 · (sumStars - rated) and
 * sum(x²) = 625 · (sumStarsSq - 2 · sumStars + rated).
 */
export function starMoments(c: StarCounts, w = 1): WeightedMoments {
  return {
    sumW: w * c.rated,
    sumWX: w * 25 * (c.sumStars - c.rated),
    sumW2: w * w * c.rated,
    sumWX2: w * 625 * (c.sumStarsSq - 2 * c.sumStars + c.rated),
  };
}
