/** Trends: a value against the previous period's. */
import { assertFinite } from './checks.js';

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
