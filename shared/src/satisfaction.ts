/**
 * Satisfaction (满意度), the pure maths: per-rating scores, CSAT with a Wilson interval, the
 * shrunk (Bayesian) satisfaction index with time decay, operational KPIs, key drivers and fair
 * technician ranking (PRODUCT.md "Satisfaction" and "Closing the loop"). The server gathers the
 * counts and sums (rollups per China day) and calls these functions; every definition is
 * written out with a worked example in docs/satisfaction.md.
 */

export const RATING_DIMENSIONS = ['speed', 'workmanship', 'attitude', 'communication'] as const;
export type RatingDimension = (typeof RATING_DIMENSIONS)[number];

export const DIMENSION_LABELS: Record<RatingDimension, string> = {
  speed: '响应速度',
  workmanship: '维修质量',
  attitude: '服务态度',
  communication: '沟通',
};

export const POSITIVE_TAGS = ['准时', '专业', '干净整洁', '态度好', '沟通清楚', '收费合理'] as const;
export const NEGATIVE_TAGS = ['来得慢', '没修好', '收费不清', '态度差', '沟通不畅', '现场脏乱'] as const;
/** The tags a resident can pick when rating; positive first, then negative. */
export const RATING_TAGS = [...POSITIVE_TAGS, ...NEGATIVE_TAGS] as const;
export type RatingTag = (typeof RATING_TAGS)[number];

export function isRatingTag(tag: string): tag is RatingTag {
  return (RATING_TAGS as readonly string[]).includes(tag);
}

export const MIN_STARS = 1;
export const MAX_STARS = 5;
/** 4 and 5 stars count as satisfied (CSAT). */
export const SATISFIED_MIN_STARS = 4;
/** 1 and 2 stars (or "not fixed") open a follow-up task for the desk. */
export const FOLLOW_UP_MAX_STARS = 2;
/** z for a two-sided 95% interval: the 97.5% quantile of the standard normal. */
export const WILSON_Z_95 = 1.959963984540054;
/** Prior weight m of the shrunk index, in ratings. */
export const DEFAULT_PRIOR_WEIGHT = 10;
/** The prior of the top slice when it has no ratings at all: the middle of the 0..100 scale. */
export const DEFAULT_ROOT_PRIOR = 50;
/** Half-life of the time decay of rolling views. */
export const DEFAULT_HALF_LIFE_DAYS = 90;
/** No technician rank below this effective sample size ("not enough data"). */
export const MIN_EFFECTIVE_N = 10;
/** Key drivers: the regression needs at least this many ratings with all four dimensions. */
export const KEY_DRIVER_MIN_ROWS = 30;

function assertFinite(value: number, name: string): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number, got ${value}`);
}

function assertNonNegative(value: number, name: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite non-negative number, got ${value}`);
  }
}

function assertStars(stars: number, name = 'stars'): void {
  if (!Number.isFinite(stars) || stars < MIN_STARS || stars > MAX_STARS) {
    throw new RangeError(`${name} must be 1..5, got ${stars}`);
  }
}

// ---------------------------------------------------------------------------------------------
// One rating

/** A rating on the 0..100 scale: 1 star = 0, 2 = 25, 3 = 50, 4 = 75, 5 = 100. */
export function ratingScore(stars: number): number {
  assertStars(stars);
  return ((stars - 1) / 4) * 100;
}

/** 4-5 stars. Unrated orders are never satisfied: they have no stars to pass here. */
export function isSatisfied(stars: number): boolean {
  assertStars(stars);
  return stars >= SATISFIED_MIN_STARS;
}

/** PRODUCT.md "Closing the loop": 1-2 stars, or "not fixed", opens a follow-up task. */
export function needsFollowUp(rating: { stars: number; fixed?: boolean | null }): boolean {
  assertStars(rating.stars);
  return rating.stars <= FOLLOW_UP_MAX_STARS || rating.fixed === false;
}

// ---------------------------------------------------------------------------------------------
// Proportions

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

/** numerator / denominator, null when the denominator is 0. */
function ratio(numerator: number, denominator: number, names: [string, string]): number | null {
  assertNonNegative(numerator, names[0]);
  assertNonNegative(denominator, names[1]);
  return denominator === 0 ? null : numerator / denominator;
}

/** rated / completed (0..1); null when nothing was completed. Unrated orders count here only. */
export function responseRate(rated: number, completed: number): number | null {
  return ratio(rated, completed, ['rated', 'completed']);
}

/** Completed in one visit and not reopened within 7 days / completed. */
export function ftfRate(firstTimeFixed: number, completed: number): number | null {
  return ratio(firstTimeFixed, completed, ['firstTimeFixed', 'completed']);
}

/** Orders that are repeats or have a repeat (30 days, same house or area and category) / created. */
export function repeatRate(repeats: number, created: number): number | null {
  return ratio(repeats, created, ['repeats', 'created']);
}

/** Reopened / completed. */
export function reopenRate(reopened: number, completed: number): number | null {
  return ratio(reopened, completed, ['reopened', 'completed']);
}

/** Follow-up calls (回访) done / due. */
export function followUpCoverage(done: number, due: number): number | null {
  return ratio(done, due, ['done', 'due']);
}

/** Complaints per 1,000 households. */
export function complaintsPer1000(complaints: number, households: number): number | null {
  const r = ratio(complaints, households, ['complaints', 'households']);
  return r === null ? null : r * 1000;
}

/** Stage clocks met / stage clocks ended (per stage or overall). */
export function slaCompliance(met: number, total: number): number | null {
  return ratio(met, total, ['met', 'total']);
}

// ---------------------------------------------------------------------------------------------
// The satisfaction index

/**
 * Weight of a rating `ageDays` old in rolling views: 2^(-age/halfLife), 1 today, 1/2 at 90 days.
 * Rollups work per China day, so ages are whole days: `ageDays = asOfDay - ratingDay`.
 */
export function decayWeight(ageDays: number, halfLifeDays = DEFAULT_HALF_LIFE_DAYS): number {
  assertNonNegative(ageDays, 'ageDays');
  if (!Number.isFinite(halfLifeDays) || halfLifeDays <= 0) {
    throw new RangeError(`halfLifeDays must be positive, got ${halfLifeDays}`);
  }
  return 2 ** (-ageDays / halfLifeDays);
}

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

// ---------------------------------------------------------------------------------------------
// Durations

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

// ---------------------------------------------------------------------------------------------
// Key drivers

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

// ---------------------------------------------------------------------------------------------
// Fair technician comparison and ranking

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

// ---------------------------------------------------------------------------------------------
// Trends

export interface Trend {
  current: number;
  previous: number;
  /** current - previous, in the unit of the values (e.g. index points). */
  change: number;
  /** change / |previous| · 100; null when previous is 0. */
  changePct: number | null;
}

export function trend(current: number, previous: number): Trend {
  assertFinite(current, 'current');
  assertFinite(previous, 'previous');
  const change = current - previous;
  return { current, previous, change, changePct: previous === 0 ? null : (change / Math.abs(previous)) * 100 };
}

/** A WeightedSum with sum(w·x²), for the spread of the scores. */
export interface WeightedMoments extends WeightedSum {
  sumWX2: number;
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
