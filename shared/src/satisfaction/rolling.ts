/** Rolling views: the time decay of a rating's weight. */
import { assertNonNegative } from './checks.js';

/** Half-life of the time decay of rolling views. */
export const DEFAULT_HALF_LIFE_DAYS = 90;

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
