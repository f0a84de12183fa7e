/** The rating scale: 1..5 whole stars. */

export const MIN_STARS = 1;
export const MAX_STARS = 5;
