import { RATING_DIMENSIONS, RATING_TAGS, isRatingTag, isSatisfied, needsFollowUp, ratingScore } from './index.js';
import { DIMENSION_LABELS } from '../labels.js';

describe('constants', () => {
  it('has the four dimensions with Chinese labels and the tags', () => {
    expect(RATING_DIMENSIONS).toEqual(['speed', 'workmanship', 'attitude', 'communication']);
    expect(RATING_DIMENSIONS.map((d) => DIMENSION_LABELS[d])).toEqual(['响应速度', '维修质量', '服务态度', '沟通']);
    expect(RATING_TAGS).toEqual(expect.arrayContaining(['准时', '专业', '没修好', '收费不清']));
    expect(new Set(RATING_TAGS).size).toBe(RATING_TAGS.length);
    expect(isRatingTag('态度好')).toBe(true);
    expect(isRatingTag('随便')).toBe(false);
  });
});

describe('one rating', () => {
  it('maps stars to 0..100 by (stars-1)/4*100', () => {
    // 1 -> 0/4, 2 -> 1/4, 3 -> 2/4, 4 -> 3/4, 5 -> 4/4 (times 100)
    expect([1, 2, 3, 4, 5].map(ratingScore)).toEqual([0, 25, 50, 75, 100]);
    expect(() => ratingScore(0)).toThrow(RangeError);
    expect(() => ratingScore(6)).toThrow(RangeError);
    expect(() => ratingScore(NaN)).toThrow(RangeError);
  });

  it('counts 4 and 5 stars as satisfied', () => {
    expect([1, 2, 3, 4, 5].map(isSatisfied)).toEqual([false, false, false, true, true]);
  });

  it('opens a follow-up for 1-2 stars or "not fixed"', () => {
    expect(needsFollowUp({ stars: 2 })).toBe(true);
    expect(needsFollowUp({ stars: 3 })).toBe(false);
    expect(needsFollowUp({ stars: 5, fixed: false })).toBe(true);
    expect(needsFollowUp({ stars: 5, fixed: null })).toBe(false);
  });
});
