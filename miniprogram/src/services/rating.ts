/**
 * Rating vocabulary as the server accepts it (satisfaction/ratings.dto.ts). Mirrors
 * shared/src/satisfaction.ts (DIMENSION_LABELS, POSITIVE_TAGS, NEGATIVE_TAGS), which is not yet
 * exported by @linli/shared's index; import from there once it is.
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

/** 1-2 stars or "not fixed": the desk follows up, and the resident may ask for a reopen. */
export function mayReopen(stars: number, fixed: boolean | null): boolean {
  return (stars >= 1 && stars <= 2) || fixed === false;
}
