/**
 * The periodic community survey: an ACSI-style index from three 1-10 items, NPS (0-10) and five
 * SERVPERF dimensions. Pure functions; formulas and worked examples in docs/satisfaction.md
 * ("Community survey"), the survey flow in docs/closed-loop.md ("Surveys").
 */

export const ACSI_ITEMS = ['overall', 'expectation', 'ideal'] as const;
export type AcsiItem = (typeof ACSI_ITEMS)[number];

export const SERVPERF_DIMENSIONS = ['tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy'] as const;
export type ServperfDimension = (typeof SERVPERF_DIMENSIONS)[number];

/** ACSI items are answered 1..10. */
export const ACSI_MIN = 1;
export const ACSI_MAX = 10;
/** Equal weights by default. */
export const DEFAULT_ACSI_WEIGHTS: readonly [number, number, number] = Object.freeze<[number, number, number]>([
  1 / 3,
  1 / 3,
  1 / 3,
]);

/**
 * ACSI-style index 0..100: `sum(w_k · (mean_k - 1)) / 9 · 100` over the three items, with the
 * weights normalized to sum 1 (so [1, 1, 1] = equal weights). Means must be 1..10; weights
 * non-negative with a positive sum, else RangeError.
 */
export function acsiIndex(
  means: readonly [number, number, number],
  weights: readonly [number, number, number] = DEFAULT_ACSI_WEIGHTS,
): number {
  if (means.length !== 3 || weights.length !== 3) throw new RangeError('acsiIndex needs three means and three weights');
  means.forEach((mean, k) => {
    if (!Number.isFinite(mean) || mean < ACSI_MIN || mean > ACSI_MAX) {
      throw new RangeError(`means[${k}] must be 1..10, got ${mean}`);
    }
  });
  weights.forEach((w, k) => {
    if (!Number.isFinite(w) || w < 0) throw new RangeError(`weights[${k}] must be a non-negative number, got ${w}`);
  });
  const total = weights[0] + weights[1] + weights[2];
  if (!(total > 0)) throw new RangeError('weights must not all be 0');
  const weighted = means.reduce((s, mean, k) => s + (weights[k] / total) * (mean - ACSI_MIN), 0);
  return (weighted / (ACSI_MAX - ACSI_MIN)) * 100;
}

export interface NpsResult {
  n: number;
  /** Scores 9-10. */
  promoters: number;
  /** Scores 7-8. */
  passives: number;
  /** Scores 0-6. */
  detractors: number;
  /** (promoters - detractors) / n · 100, -100..100; null when n = 0. */
  nps: number | null;
}

/** Net Promoter Score of 0..10 answers (integers; anything else is a RangeError). */
export function nps(scores: readonly number[]): NpsResult {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  scores.forEach((s, i) => {
    if (!Number.isInteger(s) || s < 0 || s > 10)
      throw new RangeError(`scores[${i}] must be an integer 0..10, got ${s}`);
    if (s >= 9) promoters++;
    else if (s >= 7) passives++;
    else detractors++;
  });
  const n = scores.length;
  return { n, promoters, passives, detractors, nps: n === 0 ? null : ((promoters - detractors) / n) * 100 };
}

/** One survey answer sheet. SERVPERF answers may be missing (skipped question). */
export interface SurveyResponse {
  overall: number;
  expectation: number;
  ideal: number;
  /** 0..10; null = skipped. */
  nps: number | null;
  servperf: Partial<Record<string, number | null>>;
}

export interface SurveyResults {
  responses: number;
  /** Mean of each ACSI item (1..10); null when there are no responses. */
  means: Record<AcsiItem, number | null>;
  acsi: number | null;
  nps: NpsResult;
  /** Mean of each SERVPERF dimension over the responses that answered it; null when none did. */
  servperf: Record<ServperfDimension, number | null>;
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
}

/**
 * A survey's results: item means, the ACSI index of those means, NPS over the answered NPS
 * questions, and the mean of each SERVPERF dimension over the responses that answered it
 * (keys outside SERVPERF_DIMENSIONS are ignored).
 */
export function surveyResults(
  responses: readonly SurveyResponse[],
  weights: readonly [number, number, number] = DEFAULT_ACSI_WEIGHTS,
): SurveyResults {
  responses.forEach((r, i) => {
    for (const item of ACSI_ITEMS) {
      const v = r[item];
      if (!Number.isFinite(v) || v < ACSI_MIN || v > ACSI_MAX) {
        throw new RangeError(`responses[${i}].${item} must be 1..10, got ${v}`);
      }
    }
    for (const d of SERVPERF_DIMENSIONS) {
      const v = r.servperf[d];
      if (v != null && !Number.isFinite(v)) throw new RangeError(`responses[${i}].servperf.${d} must be a number`);
    }
  });
  const means = {
    overall: mean(responses.map((r) => r.overall)),
    expectation: mean(responses.map((r) => r.expectation)),
    ideal: mean(responses.map((r) => r.ideal)),
  };
  const acsi =
    means.overall === null || means.expectation === null || means.ideal === null
      ? null
      : acsiIndex([means.overall, means.expectation, means.ideal], weights);
  const servperf = Object.fromEntries(
    SERVPERF_DIMENSIONS.map((d) => [
      d,
      mean(responses.map((r) => r.servperf[d]).filter((v): v is number => v != null)),
    ]),
  ) as Record<ServperfDimension, number | null>;
  return {
    responses: responses.length,
    means,
    acsi,
    nps: nps(responses.map((r) => r.nps).filter((v): v is number => v != null)),
    servperf,
  };
}
