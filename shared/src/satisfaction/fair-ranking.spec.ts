import { fairComparison, rankTechnicians } from './index.js';

describe('fair comparison', () => {
  // company per category: plumbing mean 9000/100 = 90, locks 3000/50 = 60, painting 1600/20 = 80
  const reference = {
    plumbing: { n: 100, sumScore: 9000 },
    locks: { n: 50, sumScore: 3000 },
    painting: { n: 20, sumScore: 1600 },
  };

  it('compares with the mean of the same categories, mix-adjusted', () => {
    // A does mostly locks (hard to please): 2 plumbing (sum 180), 8 locks (sum 560)
    // actual = 740 / 10 = 74; expected = (2*90 + 8*60) / 10 = 66; delta = +8
    expect(fairComparison({ plumbing: { n: 2, sumScore: 180 }, locks: { n: 8, sumScore: 560 } }, reference)).toEqual({
      n: 10,
      actual: 74,
      expected: 66,
      delta: 8,
    });
    // B does mostly plumbing: 8 plumbing (sum 720), 2 locks (sum 100)
    // actual = 820 / 10 = 82 (higher than A); expected = (8*90 + 2*60) / 10 = 84; delta = -2
    expect(fairComparison({ plumbing: { n: 8, sumScore: 720 }, locks: { n: 2, sumScore: 100 } }, reference)).toEqual({
      n: 10,
      actual: 82,
      expected: 84,
      delta: -2,
    });
  });

  it('leaves out categories without reference data', () => {
    // glass is unknown to the reference: only painting counts, 3 ratings sum 270 -> 90 vs 80
    expect(fairComparison({ painting: { n: 3, sumScore: 270 }, glass: { n: 5, sumScore: 100 } }, reference)).toEqual({
      n: 3,
      actual: 90,
      expected: 80,
      delta: 10,
    });
    expect(fairComparison({}, reference)).toEqual({ n: 0, actual: null, expected: null, delta: null });
    expect(fairComparison({ glass: { n: 5, sumScore: 100 } }, reference).delta).toBeNull();
  });
});

describe('ranking', () => {
  it('ranks by delta, then index, then id; no rank without enough data', () => {
    const items = [
      { technicianId: 1, name: '王', effectiveN: 12, index: 70, delta: 8 },
      { technicianId: 2, name: '李', effectiveN: 15, index: 75, delta: -2 },
      { technicianId: 3, name: '张', effectiveN: 4, index: 90, delta: 20 },
      { technicianId: 4, name: '刘', effectiveN: 10, index: 65, delta: 8 },
      { technicianId: 5, name: '陈', effectiveN: 11, index: 60, delta: null },
      { technicianId: 6, name: '赵', effectiveN: 2, index: 95, delta: 1 },
    ];
    const ranked = rankTechnicians(items);
    expect(ranked.map((r) => [r.technicianId, r.rank, r.enoughData])).toEqual([
      [1, 1, true], // delta 8, index 70
      [4, 2, true], // delta 8, index 65 (effectiveN 10 is enough)
      [2, 3, true],
      [5, null, true], // nothing to compare with
      [6, null, false], // effectiveN 2: index 95 first among the unranked
      [3, null, false], // best delta but effectiveN 4
    ]);
    expect(ranked[0].name).toBe('王');
    // ties in delta and index: by id
    const tied = rankTechnicians([
      { technicianId: 9, effectiveN: 20, index: 50, delta: 0 },
      { technicianId: 7, effectiveN: 20, index: 50, delta: 0 },
    ]);
    expect(tied.map((r) => [r.technicianId, r.rank])).toEqual([
      [7, 1],
      [9, 2],
    ]);
    // a lower threshold
    expect(rankTechnicians(items, 2).find((r) => r.technicianId === 3)!.rank).toBe(1);
  });
});
