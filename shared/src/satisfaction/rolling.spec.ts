import { decayWeight } from './index.js';

describe('time decay', () => {
  it('decays by half every 90 days', () => {
    // 2^(-0/90) = 1, 2^(-90/90) = 0.5, 2^(-180/90) = 0.25
    expect([0, 90, 180].map((age) => decayWeight(age))).toEqual([1, 0.5, 0.25]);
    expect(decayWeight(30, 30)).toBe(0.5);
    expect(() => decayWeight(-1)).toThrow(RangeError);
    expect(() => decayWeight(1, 0)).toThrow(RangeError);
  });
});
