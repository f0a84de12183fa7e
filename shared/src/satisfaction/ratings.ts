/**
 * One rating: its dimensions, tags, score on the 0..100 scale and what it counts as (satisfied,
 * needs a follow-up). `SATISFIED_MIN_STARS` is the only definition of "satisfied": SQL that
 * counts satisfied ratings interpolates it (server rollups).
 */
import { assertStars } from './checks.js';

export const RATING_DIMENSIONS = ['speed', 'workmanship', 'attitude', 'communication'] as const;
export type RatingDimension = (typeof RATING_DIMENSIONS)[number];

export const POSITIVE_TAGS = ['准时', '专业', '干净整洁', '态度好', '沟通清楚', '收费合理'] as const;
export const NEGATIVE_TAGS = ['来得慢', '没修好', '收费不清', '态度差', '沟通不畅', '现场脏乱'] as const;
/** The tags a resident can pick when rating; positive first, then negative. */
export const RATING_TAGS = [...POSITIVE_TAGS, ...NEGATIVE_TAGS] as const;
export type RatingTag = (typeof RATING_TAGS)[number];

export function isRatingTag(tag: string): tag is RatingTag {
  return (RATING_TAGS as readonly string[]).includes(tag);
}

/** 4 and 5 stars count as satisfied (CSAT). */
export const SATISFIED_MIN_STARS = 4;
/** 1 and 2 stars (or "not fixed") open a follow-up task for the desk. */
export const FOLLOW_UP_MAX_STARS = 2;

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

/** docs/closed-loop.md "Follow-ups": 1-2 stars, or "not fixed", opens a follow-up task. */
export function needsFollowUp(rating: { stars: number; fixed?: boolean | null }): boolean {
  assertStars(rating.stars);
  return rating.stars <= FOLLOW_UP_MAX_STARS || rating.fixed === false;
}
