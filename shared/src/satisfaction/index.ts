/**
 * Satisfaction (满意度), the pure maths, one concept per file. The server gathers the counts and
 * sums (rollups per China day) and calls these functions; every definition is written out with a
 * worked example in docs/satisfaction.md.
 *
 * - scale.ts: the 1..5 star scale
 * - ratings.ts: one rating (dimensions, tags, score, satisfied = 4-5 stars, follow-up trigger)
 * - csat.ts: CSAT and the Wilson score interval
 * - rates.ts: operational KPIs (response, first-time fix, repeat, reopen, follow-up, SLA rates)
 * - weighted-sums.ts: weighted sums and moments of rating scores (what rollups add up)
 * - rolling.ts: time decay of rolling views
 * - shrunk-index.ts: the shrunk satisfaction index, its chain of priors and its interval
 * - percentiles.ts: duration percentiles (median, P90)
 * - key-drivers.ts: correlation, regression and key drivers
 * - fair-ranking.ts: fair technician comparison and ranking
 * - trend.ts: change against the previous period
 * - survey.ts: the periodic community survey (ACSI, NPS, SERVPERF)
 * - survey-schedule.ts: its periods (open, remind, close) and the trend against the last period
 */
export * from './scale.js';
export * from './ratings.js';
export * from './csat.js';
export * from './rates.js';
export * from './weighted-sums.js';
export * from './rolling.js';
export * from './shrunk-index.js';
export * from './percentiles.js';
export * from './key-drivers.js';
export * from './fair-ranking.js';
export * from './trend.js';
export * from './survey.js';
export * from './survey-schedule.js';
