/** Rating vocabulary: the shared definitions the server validates against. */
export { DIMENSION_LABELS, NEGATIVE_TAGS, POSITIVE_TAGS, RATING_DIMENSIONS, type RatingDimension } from '@linli/shared';

/** 1-2 stars or "not fixed": the desk follows up, and the resident may ask for a reopen. */
export function mayReopen(stars: number, fixed: boolean | null): boolean {
  return (stars >= 1 && stars <= 2) || fixed === false;
}
