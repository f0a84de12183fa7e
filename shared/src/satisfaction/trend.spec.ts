import { trend } from './index.js';

describe('trend', () => {
  it('gives change and change %', () => {
    // 72 vs 64: +8, 8 / 64 = 12.5%
    expect(trend(72, 64)).toEqual({ current: 72, previous: 64, change: 8, changePct: 12.5 });
    expect(trend(48, 64)).toEqual({ current: 48, previous: 64, change: -16, changePct: -25 });
    expect(trend(5, 0)).toEqual({ current: 5, previous: 0, change: 5, changePct: null });
  });
});
