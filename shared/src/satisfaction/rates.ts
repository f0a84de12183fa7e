/** Operational KPIs: proportions of order counts (null when the denominator is 0). */
import { assertNonNegative } from './checks.js';

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
