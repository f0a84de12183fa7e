/** Argument checks of the satisfaction maths (internal: not re-exported). */
import { MAX_STARS, MIN_STARS } from './scale.js';

export function assertFinite(value: number, name: string): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number, got ${value}`);
}

export function assertNonNegative(value: number, name: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite non-negative number, got ${value}`);
  }
}

export function assertStars(stars: number, name = 'stars'): void {
  if (!Number.isFinite(stars) || stars < MIN_STARS || stars > MAX_STARS) {
    throw new RangeError(`${name} must be 1..5, got ${stars}`);
  }
}
