/** Fair technician comparison (the same categories, mix-adjusted) and ranking. */
import { assertFinite, assertNonNegative } from './checks.js';

/** No technician rank below this effective sample size ("not enough data"). */
export const MIN_EFFECTIVE_N = 10;

/** A slice's ratings in one category: n = count (or sum of weights), sumScore = sum of scores. */
export interface CategoryMoments {
  n: number;
  sumScore: number;
}

export interface FairComparison {
  /** The technician's ratings in categories the reference has data for. */
  n: number;
  /** The technician's mean score (0..100) over those ratings. */
  actual: number | null;
  /** The reference means of the same categories, weighted by the technician's mix. */
  expected: number | null;
  /** actual - expected: above 0 = better than others on the same kind of work. */
  delta: number | null;
}

/**
 * Compares a technician with the mean of the same categories, not across categories:
 * expected = sum over the technician's categories c of n_c · refMean_c / n. Categories the
 * reference has no ratings for are left out of n, actual and expected alike.
 */
export function fairComparison(
  tech: Readonly<Record<string, CategoryMoments>>,
  reference: Readonly<Record<string, CategoryMoments>>,
): FairComparison {
  let n = 0;
  let sumScore = 0;
  let sumExpected = 0;
  for (const [category, own] of Object.entries(tech)) {
    assertNonNegative(own.n, `tech.${category}.n`);
    assertFinite(own.sumScore, `tech.${category}.sumScore`);
    const ref = reference[category];
    if (own.n === 0 || ref === undefined || !(ref.n > 0)) continue;
    assertFinite(ref.sumScore, `reference.${category}.sumScore`);
    n += own.n;
    sumScore += own.sumScore;
    sumExpected += own.n * (ref.sumScore / ref.n);
  }
  if (n === 0) return { n: 0, actual: null, expected: null, delta: null };
  const actual = sumScore / n;
  const expected = sumExpected / n;
  return { n, actual, expected, delta: actual - expected };
}

export interface RankingInput {
  technicianId: number;
  effectiveN: number;
  index: number;
  delta: number | null;
}

export type RankedTechnician<T extends RankingInput = RankingInput> = T & {
  /** 1 = best; null when not ranked (not enough data, or nothing to compare with). */
  rank: number | null;
  /** effectiveN ≥ minEffectiveN. */
  enoughData: boolean;
};

/**
 * Ranks technicians by delta (fair comparison), highest first; ties by index (highest first),
 * then technicianId (ascending). Technicians with effectiveN below `minEffectiveN` get no rank
 * (enoughData false), nor do those with a null delta; the unranked follow the ranked, by index
 * then id, those with enough data first. Ranks are 1, 2, 3... in that order.
 */
export function rankTechnicians<T extends RankingInput>(
  items: readonly T[],
  minEffectiveN = MIN_EFFECTIVE_N,
): Array<RankedTechnician<T>> {
  const byIndex = (a: T, b: T): number => b.index - a.index || a.technicianId - b.technicianId;
  const enough = (item: T): boolean => item.effectiveN >= minEffectiveN;
  const ranked = items.filter((i) => enough(i) && i.delta !== null);
  ranked.sort((a, b) => (b.delta as number) - (a.delta as number) || byIndex(a, b));
  const unrankedEnough = items.filter((i) => enough(i) && i.delta === null).sort(byIndex);
  const unrankedShort = items.filter((i) => !enough(i)).sort(byIndex);
  return [
    ...ranked.map((item, i) => ({ ...item, rank: i + 1, enoughData: true })),
    ...unrankedEnough.map((item) => ({ ...item, rank: null, enoughData: true })),
    ...unrankedShort.map((item) => ({ ...item, rank: null, enoughData: false })),
  ];
}
