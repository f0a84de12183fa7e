import {
  followUpDueAt,
  followUpOnCompletion,
  followUpPolicyOf,
  followUpWhenUnrated,
  morePressingReason,
} from './follow-up.js';

describe('follow-up rules', () => {
  it('keeps the more pressing reason and calls the dissatisfied within a day', () => {
    expect(morePressingReason('policy', 'not_fixed')).toBe('not_fixed');
    expect(morePressingReason('low_rating', 'unrated')).toBe('low_rating');
    const now = new Date('2026-03-01T00:00:00Z');
    expect(followUpDueAt('low_rating', now).toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(followUpDueAt('unrated', now).toISOString()).toBe('2026-03-03T00:00:00.000Z');
  });

  it('follows up complaints always, other orders by the community policy', () => {
    expect(followUpOnCompletion('complaint', 'low')).toBe('complaint');
    expect(followUpOnCompletion('repair', 'all')).toBe('policy');
    expect(followUpOnCompletion('repair', 'unrated')).toBeNull();
    expect(followUpWhenUnrated('unrated')).toBe(true);
    expect(followUpWhenUnrated('low')).toBe(false);
    expect(followUpPolicyOf('bogus')).toBe('low');
    expect(followUpPolicyOf('all')).toBe('all');
  });
});
