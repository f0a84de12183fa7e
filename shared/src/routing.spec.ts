import fc from 'fast-check';
import {
  DEFAULT_ROUTING_WEIGHTS,
  EXCLUSION_REASONS,
  GRADE_NAMES,
  ROUTING_MODES,
  exclusionReasons,
  rankCandidates,
  ruleSpecificity,
  selectRule,
  validateWeights,
  type ExclusionReason,
  type RoutingCandidate,
  type RoutingOrder,
  type RoutingRuleMatch,
  type RoutingWeights,
} from './routing.js';
import { EXCLUSION_LABELS, GRADE_LABELS, ROUTING_MODE_LABELS } from './labels.js';
import { PRIORITIES, type Priority } from './work-order.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2024-06-03T10:00:00+08:00');

const ORDER: RoutingOrder = {
  category: 'plumbing',
  communityId: 10,
  buildingId: 5,
  priority: 'P3',
  excludedUserIds: [],
  teamId: null,
};

/** A technician who passes every filter; grades 0.8 / 0.6667 / 0.8 / 0.5 / 0.8. */
function tech(over: Partial<RoutingCandidate> = {}): RoutingCandidate {
  return {
    userId: 1,
    name: '张师傅',
    active: true,
    skills: { plumbing: 4, electrical: 2 },
    communityIds: [10, 11],
    buildingIds: null,
    teamIds: [100],
    onShift: true,
    onLeave: false,
    openOrders: 2,
    capacity: 6,
    quality: 0.8,
    lastAssignedAt: NOW - 12 * HOUR,
    distanceKm: 2,
    ...over,
  };
}

const ONLY = (name: keyof RoutingWeights): RoutingWeights => ({
  skill: 0,
  load: 0,
  quality: 0,
  rotation: 0,
  distance: 0,
  [name]: 1,
});

describe('constants', () => {
  it('has the default weights from the brief, summing to 1', () => {
    expect(DEFAULT_ROUTING_WEIGHTS).toEqual({
      skill: 0.3,
      load: 0.25,
      quality: 0.2,
      rotation: 0.15,
      distance: 0.1,
    });
    const sum = GRADE_NAMES.reduce((s, n) => s + DEFAULT_ROUTING_WEIGHTS[n], 0);
    expect(sum).toBeCloseTo(1, 12);
  });

  it('labels every exclusion reason and grade in Chinese', () => {
    expect(Object.keys(EXCLUSION_LABELS).sort()).toEqual([...EXCLUSION_REASONS].sort());
    expect(EXCLUSION_LABELS).toMatchObject({
      declined: '已拒单',
      no_skill: '无该类技能',
      on_leave: '请假中',
      off_shift: '不在班',
      at_capacity: '工单已满',
      not_serving_community: '不服务该小区',
      not_serving_building: '不服务该楼栋',
      not_in_team: '不属于指定班组',
      inactive: '已停用',
    });
    expect(GRADE_LABELS).toEqual({
      skill: '技能',
      load: '负载',
      quality: '质量',
      rotation: '轮换',
      distance: '距离',
    });
  });

  it('lists the routing modes, each labelled', () => {
    expect(ROUTING_MODES).toEqual(['auto', 'offer', 'pool', 'manual']);
    for (const mode of ROUTING_MODES) expect(ROUTING_MODE_LABELS[mode]).toMatch(/\S/);
  });
});

describe('validateWeights', () => {
  it('accepts the defaults and any weights in 0..1 with a positive sum', () => {
    expect(validateWeights(DEFAULT_ROUTING_WEIGHTS)).toEqual([]);
    expect(validateWeights(ONLY('distance'))).toEqual([]);
    expect(validateWeights({ skill: 1, load: 1, quality: 1, rotation: 1, distance: 1 })).toEqual([]);
  });

  it('names each weight that is not a number in 0..1', () => {
    expect(
      validateWeights({
        skill: -0.1,
        load: 1.5,
        quality: Number.NaN,
        rotation: Infinity,
        distance: '0.1',
      }),
    ).toEqual([
      'skill: weight must be a number between 0 and 1',
      'load: weight must be a number between 0 and 1',
      'quality: weight must be a number between 0 and 1',
      'rotation: weight must be a number between 0 and 1',
      'distance: weight must be a number between 0 and 1',
    ]);
  });

  it('reports a missing weight', () => {
    expect(validateWeights({ skill: 0.5, load: 0.5, quality: 0, rotation: 0 })).toEqual([
      'distance: weight must be a number between 0 and 1',
    ]);
  });

  it('rejects all-zero weights', () => {
    expect(validateWeights({ skill: 0, load: 0, quality: 0, rotation: 0, distance: 0 })).toEqual([
      'at least one weight must be above 0',
    ]);
  });

  it('makes rankCandidates throw a RangeError', () => {
    const zero = { skill: 0, load: 0, quality: 0, rotation: 0, distance: 0 };
    expect(() => rankCandidates(ORDER, [tech()], zero, NOW)).toThrow(RangeError);
    expect(() => rankCandidates(ORDER, [tech()], { ...zero, skill: 2 }, NOW)).toThrow(/skill: weight/);
  });
});

describe('hard filters', () => {
  const cases: Array<[ExclusionReason, Partial<RoutingCandidate>, Partial<RoutingOrder>]> = [
    ['inactive', { active: false }, {}],
    ['declined', {}, { excludedUserIds: [7, 1] }],
    ['not_in_team', { teamIds: [101] }, { teamId: 100 }],
    ['no_skill', { skills: { electrical: 5 } }, {}],
    ['not_serving_community', { communityIds: [11] }, {}],
    ['not_serving_building', { buildingIds: [4, 6] }, {}],
    ['on_leave', { onLeave: true }, {}],
    ['off_shift', { onShift: false }, {}],
    ['at_capacity', { openOrders: 6, capacity: 6 }, {}],
  ];

  it.each(cases)('excludes with %s', (reason, candidate, order) => {
    const decision = rankCandidates({ ...ORDER, ...order }, [tech(candidate)], DEFAULT_ROUTING_WEIGHTS, NOW);
    expect(decision.ranked).toEqual([]);
    expect(decision.excluded).toEqual([{ userId: 1, name: '张师傅', reasons: [reason] }]);
  });

  it('covers every reason in the catalogue, in its order', () => {
    expect(cases.map(([reason]) => reason)).toEqual([...EXCLUSION_REASONS]);
  });

  it('lists every failing filter in catalogue order', () => {
    const hopeless = tech({
      active: false,
      skills: {},
      communityIds: [],
      buildingIds: [],
      teamIds: [],
      onShift: false,
      onLeave: true,
      openOrders: 9,
      capacity: 6,
    });
    const order = { ...ORDER, excludedUserIds: [1], teamId: 100 };
    expect(exclusionReasons(order, hopeless)).toEqual([...EXCLUSION_REASONS]);
  });

  it('passes a team filter when the candidate is in the team, and ignores teams without one', () => {
    expect(exclusionReasons({ ...ORDER, teamId: 100 }, tech({ teamIds: [99, 100] }))).toEqual([]);
    expect(exclusionReasons(ORDER, tech({ teamIds: [] }))).toEqual([]);
  });

  it('treats a level of 0, a non-number or an inherited key as no skill', () => {
    expect(exclusionReasons(ORDER, tech({ skills: { plumbing: 0 } }))).toEqual(['no_skill']);
    expect(exclusionReasons(ORDER, tech({ skills: { plumbing: '3' as unknown as number } }))).toEqual(['no_skill']);
    expect(exclusionReasons({ ...ORDER, category: 'constructor' }, tech())).toEqual(['no_skill']);
    expect(exclusionReasons({ ...ORDER, category: 'toString' }, tech())).toEqual(['no_skill']);
  });

  it('serves every building when buildingIds is null, and any technician for a public area', () => {
    expect(exclusionReasons(ORDER, tech({ buildingIds: null }))).toEqual([]);
    expect(exclusionReasons(ORDER, tech({ buildingIds: [5] }))).toEqual([]);
    expect(exclusionReasons({ ...ORDER, buildingId: null }, tech({ buildingIds: [4] }))).toEqual([]);
  });

  it('reports a building only served in another community as not serving the community', () => {
    expect(exclusionReasons(ORDER, tech({ communityIds: [11], buildingIds: [5] }))).toEqual(['not_serving_community']);
  });

  it('is at capacity at or over the limit, and with capacity 0', () => {
    expect(exclusionReasons(ORDER, tech({ openOrders: 5, capacity: 6 }))).toEqual([]);
    expect(exclusionReasons(ORDER, tech({ openOrders: 7, capacity: 6 }))).toEqual(['at_capacity']);
    expect(exclusionReasons(ORDER, tech({ openOrders: 0, capacity: 0 }))).toEqual(['at_capacity']);
  });

  it('keeps the excluded in input order', () => {
    const decision = rankCandidates(
      ORDER,
      [tech({ userId: 3, onLeave: true }), tech({ userId: 2 }), tech({ userId: 1, active: false })],
      DEFAULT_ROUTING_WEIGHTS,
      NOW,
    );
    expect(decision.excluded.map((e) => e.userId)).toEqual([3, 1]);
    expect(decision.ranked.map((r) => r.userId)).toEqual([2]);
  });
});

describe('grades and score', () => {
  it('computes each grade, its weighted contribution, and the score by hand', () => {
    const [ranked] = rankCandidates(ORDER, [tech()], DEFAULT_ROUTING_WEIGHTS, NOW).ranked;
    // 0.3*0.8 + 0.25*(1-2/6) + 0.2*0.8 + 0.15*(12/24) + 0.1*(1-2/10)
    // = 0.24 + 0.166667 + 0.16 + 0.075 + 0.08 = 0.721667
    expect(ranked).toEqual({
      userId: 1,
      name: '张师傅',
      score: 0.7217,
      grades: {
        skill: { grade: 0.8, weight: 0.3, contribution: 0.24 },
        load: { grade: 0.6667, weight: 0.25, contribution: 0.1667 },
        quality: { grade: 0.8, weight: 0.2, contribution: 0.16 },
        rotation: { grade: 0.5, weight: 0.15, contribution: 0.075 },
        distance: { grade: 0.8, weight: 0.1, contribution: 0.08 },
      },
    });
  });

  it('grades unknown facts: no quality and no location neutral, never assigned full rotation', () => {
    const [ranked] = rankCandidates(
      ORDER,
      [tech({ quality: null, distanceKm: null, lastAssignedAt: null })],
      DEFAULT_ROUTING_WEIGHTS,
      NOW,
    ).ranked;
    expect(ranked.grades.quality.grade).toBe(0.5);
    expect(ranked.grades.distance.grade).toBe(0.5);
    expect(ranked.grades.rotation.grade).toBe(1);
    // 0.24 + 0.166667 + 0.1 + 0.15 + 0.05
    expect(ranked.score).toBe(0.7067);
  });

  it.each([
    ['skill 5 is full', { skills: { plumbing: 5 } }, 'skill', 1],
    ['skill 1', { skills: { plumbing: 1 } }, 'skill', 0.2],
    ['skill above 5 is clamped', { skills: { plumbing: 7 } }, 'skill', 1],
    ['no open orders', { openOrders: 0 }, 'load', 1],
    ['one slot left', { openOrders: 5 }, 'load', 0.1667],
    ['quality 1', { quality: 1 }, 'quality', 1],
    ['quality 0', { quality: 0 }, 'quality', 0],
    ['quality above 1 is clamped', { quality: 1.3 }, 'quality', 1],
    ['assigned just now', { lastAssignedAt: NOW }, 'rotation', 0],
    ['assigned 6 h ago', { lastAssignedAt: NOW - 6 * HOUR }, 'rotation', 0.25],
    ['assigned 24 h ago', { lastAssignedAt: NOW - 24 * HOUR }, 'rotation', 1],
    ['assigned 3 days ago', { lastAssignedAt: NOW - 72 * HOUR }, 'rotation', 1],
    ['assigned in the future (clock skew)', { lastAssignedAt: NOW + HOUR }, 'rotation', 0],
    ['on the spot', { distanceKm: 0 }, 'distance', 1],
    ['5 km', { distanceKm: 5 }, 'distance', 0.5],
    ['10 km', { distanceKm: 10 }, 'distance', 0],
    ['25 km', { distanceKm: 25 }, 'distance', 0],
  ] as const)('grades %s', (_, over, grade, expected) => {
    const [ranked] = rankCandidates(ORDER, [tech(over)], DEFAULT_ROUTING_WEIGHTS, NOW).ranked;
    expect(ranked.grades[grade].grade).toBe(expected);
  });

  it('divides by the sum of the weights, so the score stays in 0..1', () => {
    const weights = { skill: 1, load: 1, quality: 0, rotation: 0, distance: 0 };
    const [ranked] = rankCandidates(ORDER, [tech()], weights, NOW).ranked;
    // (0.8 + 0.666667) / 2
    expect(ranked.score).toBe(0.7333);
    expect(ranked.grades.skill).toEqual({ grade: 0.8, weight: 1, contribution: 0.4 });
    expect(ranked.grades.quality).toEqual({ grade: 0.8, weight: 0, contribution: 0 });
  });

  it('returns a copy of the weights used', () => {
    const weights = { ...DEFAULT_ROUTING_WEIGHTS };
    const decision = rankCandidates(ORDER, [], weights, NOW);
    weights.skill = 1;
    expect(decision.weights).toEqual(DEFAULT_ROUTING_WEIGHTS);
    expect(decision).toEqual({ ranked: [], excluded: [], weights: DEFAULT_ROUTING_WEIGHTS });
  });
});

describe('ranking order', () => {
  it('puts the higher score first', () => {
    const decision = rankCandidates(
      ORDER,
      [
        tech({ userId: 1, skills: { plumbing: 2 } }),
        tech({ userId: 2, skills: { plumbing: 5 } }),
        tech({ userId: 3, skills: { plumbing: 3 } }),
      ],
      DEFAULT_ROUTING_WEIGHTS,
      NOW,
    );
    expect(decision.ranked.map((r) => r.userId)).toEqual([2, 3, 1]);
  });

  it('breaks a tie by fewer open orders, then by lower user id', () => {
    const decision = rankCandidates(
      ORDER,
      [
        tech({ userId: 9, openOrders: 3 }),
        tech({ userId: 8, openOrders: 1 }),
        tech({ userId: 4, openOrders: 3 }),
        tech({ userId: 5, openOrders: 1 }),
      ],
      ONLY('skill'),
      NOW,
    );
    expect(decision.ranked.map((r) => r.score)).toEqual([0.8, 0.8, 0.8, 0.8]);
    expect(decision.ranked.map((r) => r.userId)).toEqual([5, 8, 4, 9]);
  });

  it('treats scores equal after rounding as a tie', () => {
    // 1 - 0.00001/10 rounds to 1 as well: the nearer one must not win on float noise.
    const decision = rankCandidates(
      ORDER,
      [tech({ userId: 2, distanceKm: 0.00001 }), tech({ userId: 1, distanceKm: 0.00002 })],
      ONLY('distance'),
      NOW,
    );
    expect(decision.ranked.map((r) => [r.userId, r.score])).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });
});

const candidateArb: fc.Arbitrary<RoutingCandidate> = fc.record({
  userId: fc.integer({ min: 1, max: 30 }),
  name: fc.constant('师傅'),
  active: fc.boolean(),
  skills: fc.dictionary(fc.constantFrom('plumbing', 'electrical', 'lift'), fc.integer({ min: 0, max: 6 })),
  communityIds: fc.subarray([10, 11, 12]),
  buildingIds: fc.option(fc.subarray([4, 5, 6]), { nil: null }),
  teamIds: fc.subarray([100, 101]),
  onShift: fc.boolean(),
  onLeave: fc.boolean(),
  openOrders: fc.integer({ min: 0, max: 8 }),
  capacity: fc.integer({ min: 0, max: 8 }),
  quality: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
  lastAssignedAt: fc.option(fc.integer({ min: NOW - 100 * HOUR, max: NOW }), { nil: null }),
  distanceKm: fc.option(fc.double({ min: 0, max: 30, noNaN: true }), { nil: null }),
});

const orderArb: fc.Arbitrary<RoutingOrder> = fc.record({
  category: fc.constantFrom('plumbing', 'electrical', 'lift'),
  communityId: fc.constantFrom(10, 11, 12),
  buildingId: fc.option(fc.constantFrom(4, 5, 6), { nil: null }),
  priority: fc.constantFrom(...PRIORITIES),
  excludedUserIds: fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 3 }),
  teamId: fc.option(fc.constantFrom(100, 101), { nil: null }),
});

const weightsArb: fc.Arbitrary<RoutingWeights> = fc
  .record({
    skill: fc.double({ min: 0, max: 1, noNaN: true }),
    load: fc.double({ min: 0, max: 1, noNaN: true }),
    quality: fc.double({ min: 0, max: 1, noNaN: true }),
    rotation: fc.double({ min: 0, max: 1, noNaN: true }),
    distance: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .filter((w) => GRADE_NAMES.reduce((s, n) => s + w[n], 0) > 1e-6);

describe('rankCandidates properties', () => {
  it('puts each candidate in exactly one list, sorted, with scores that add up', () => {
    fc.assert(
      fc.property(orderArb, fc.array(candidateArb, { maxLength: 12 }), weightsArb, (order, candidates, weights) => {
        const d = rankCandidates(order, candidates, weights, NOW);
        expect(d.ranked.length + d.excluded.length).toBe(candidates.length);
        for (const e of d.excluded) {
          expect(e.reasons.length).toBeGreaterThan(0);
          const positions = e.reasons.map((r) => EXCLUSION_REASONS.indexOf(r));
          expect(positions).toEqual([...positions].sort((a, b) => a - b));
        }
        const total = GRADE_NAMES.reduce((s, n) => s + weights[n], 0);
        for (const r of d.ranked) {
          expect(r.score).toBeGreaterThanOrEqual(0);
          expect(r.score).toBeLessThanOrEqual(1);
          const sum = GRADE_NAMES.reduce((s, n) => s + r.grades[n].grade * r.grades[n].weight, 0);
          expect(Math.abs(sum / total - r.score)).toBeLessThan(1e-3);
          for (const n of GRADE_NAMES) {
            expect(r.grades[n].grade).toBeGreaterThanOrEqual(0);
            expect(r.grades[n].grade).toBeLessThanOrEqual(1);
          }
        }
        for (let i = 1; i < d.ranked.length; i++) {
          expect(d.ranked[i - 1].score).toBeGreaterThanOrEqual(d.ranked[i].score);
        }
      }),
    );
  });

  it('ranks a filter-passing set the same whatever the input order', () => {
    fc.assert(
      fc.property(
        orderArb,
        fc.uniqueArray(candidateArb, { maxLength: 10, selector: (c) => c.userId }),
        fc.infiniteStream(fc.nat()),
        (order, candidates, noise) => {
          const shuffled = candidates
            .map((c) => ({ c, k: noise.next().value }))
            .sort((a, b) => a.k - b.k)
            .map(({ c }) => c);
          const a = rankCandidates(order, candidates, DEFAULT_ROUTING_WEIGHTS, NOW).ranked;
          const b = rankCandidates(order, shuffled, DEFAULT_ROUTING_WEIGHTS, NOW).ranked;
          expect(b).toEqual(a);
        },
      ),
    );
  });

  it('ranks exactly the candidates without exclusion reasons', () => {
    fc.assert(
      fc.property(orderArb, fc.array(candidateArb, { maxLength: 12 }), (order, candidates) => {
        const d = rankCandidates(order, candidates, DEFAULT_ROUTING_WEIGHTS, NOW);
        const passing = candidates.filter((c) => exclusionReasons(order, c).length === 0);
        expect(d.ranked.length).toBe(passing.length);
      }),
    );
  });
});

interface Rule extends RoutingRuleMatch {
  id: string;
}

const rule = (
  id: string,
  communityId: number | null,
  category: string | null,
  priority: Priority | null,
  enabled = true,
): Rule => ({ id, communityId, category, priority, enabled });

describe('selectRule', () => {
  const order = { communityId: 10, category: 'plumbing', priority: 'P1' as Priority };

  it('weighs community 4, category 2, priority 1', () => {
    expect(ruleSpecificity(rule('x', null, null, null))).toBe(0);
    expect(ruleSpecificity(rule('x', 1, null, null))).toBe(4);
    expect(ruleSpecificity(rule('x', null, 'a', null))).toBe(2);
    expect(ruleSpecificity(rule('x', null, null, 'P1'))).toBe(1);
    expect(ruleSpecificity(rule('x', 1, 'a', 'P1'))).toBe(7);
  });

  it('picks the most specific matching rule', () => {
    const rules = [
      rule('default', null, null, null),
      rule('p1', null, null, 'P1'),
      rule('plumbing', null, 'plumbing', null),
      rule('plumbing-p1', null, 'plumbing', 'P1'),
      rule('community', 10, null, null),
      rule('community-plumbing', 10, 'plumbing', null),
    ];
    expect(selectRule(rules, order)?.id).toBe('community-plumbing');
    expect(selectRule(rules.slice(0, 5), order)?.id).toBe('community');
    expect(selectRule(rules.slice(0, 4), order)?.id).toBe('plumbing-p1');
    expect(selectRule(rules.slice(0, 3), order)?.id).toBe('plumbing');
    expect(selectRule(rules.slice(0, 2), order)?.id).toBe('p1');
    expect(selectRule(rules.slice(0, 1), order)?.id).toBe('default');
  });

  it('lets a community rule beat a category-and-priority rule', () => {
    const rules = [rule('cat-pri', null, 'plumbing', 'P1'), rule('community', 10, null, null)];
    expect(selectRule(rules, order)?.id).toBe('community');
  });

  it('ignores rules that name another community, category or priority', () => {
    const rules = [
      rule('other-community', 11, 'plumbing', 'P1'),
      rule('other-category', 10, 'electrical', 'P1'),
      rule('other-priority', 10, 'plumbing', 'P2'),
      rule('fallback', null, null, null),
    ];
    expect(selectRule(rules, order)?.id).toBe('fallback');
  });

  it('ignores disabled rules', () => {
    const rules = [rule('exact', 10, 'plumbing', 'P1', false), rule('community', 10, null, null)];
    expect(selectRule(rules, order)?.id).toBe('community');
  });

  it('takes the first of equally specific rules', () => {
    const rules = [rule('first', null, 'plumbing', null), rule('second', null, 'plumbing', null)];
    expect(selectRule(rules, order)?.id).toBe('first');
  });

  it('gives null when nothing applies', () => {
    expect(selectRule([], order)).toBeNull();
    expect(selectRule([rule('x', 11, null, null)], order)).toBeNull();
    expect(selectRule([rule('x', null, null, null, false)], order)).toBeNull();
  });

  it('agrees with a brute-force search (property)', () => {
    const ruleArb = fc.record({
      id: fc.string(),
      communityId: fc.option(fc.constantFrom(10, 11), { nil: null }),
      category: fc.option(fc.constantFrom('plumbing', 'lift'), { nil: null }),
      priority: fc.option(fc.constantFrom<Priority>('P1', 'P2'), { nil: null }),
      enabled: fc.boolean(),
    });
    const orderArb2 = fc.record({
      communityId: fc.constantFrom(10, 11),
      category: fc.constantFrom('plumbing', 'lift'),
      priority: fc.constantFrom<Priority>('P1', 'P2'),
    });
    fc.assert(
      fc.property(fc.array(ruleArb, { maxLength: 10 }), orderArb2, (rules, o) => {
        const matching = rules
          .map((r, index) => ({ r, index }))
          .filter(
            ({ r }) =>
              r.enabled &&
              (r.communityId ?? o.communityId) === o.communityId &&
              (r.category ?? o.category) === o.category &&
              (r.priority ?? o.priority) === o.priority,
          )
          .sort((a, b) => ruleSpecificity(b.r) - ruleSpecificity(a.r) || a.index - b.index);
        expect(selectRule(rules, o)).toBe(matching[0]?.r ?? null);
      }),
    );
  });
});
