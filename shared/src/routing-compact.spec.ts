import fc from 'fast-check';
import {
  COMPACT_DECISION_MAX_BYTES,
  COMPACT_DECISION_VERSION,
  compactDecision,
  jsonBytes,
  storedDecisionSummary,
} from './routing-compact.js';
import {
  DEFAULT_ROUTING_WEIGHTS,
  EXCLUSION_REASONS,
  rankCandidates,
  type RoutingCandidate,
  type RoutingOrder,
} from './routing.js';

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

/** The i-th technician of a large company: about a third pass, the rest fail one or more filters. */
function tech(i: number, name = `第${i}号维修师傅`): RoutingCandidate {
  return {
    userId: 1000 + i,
    name,
    active: i % 17 !== 0,
    skills: i % 3 === 1 ? { electrical: 3 } : { plumbing: 1 + (i % 5) },
    communityIds: i % 4 === 0 ? [11] : [10, 11],
    buildingIds: null,
    teamIds: [],
    onShift: i % 5 !== 2,
    onLeave: i % 23 === 0,
    openOrders: i % 7,
    capacity: 6,
    quality: (i % 10) / 10,
    lastAssignedAt: NOW - (i % 30) * HOUR,
    distanceKm: (i % 12) * 0.7,
  };
}

const company = (n: number, name?: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => tech(i + 1, name?.(i + 1)));

describe('compactDecision', () => {
  it('keeps the top five with grades, the exclusion counts and the totals', () => {
    const decision = rankCandidates(ORDER, company(400), DEFAULT_ROUTING_WEIGHTS, NOW);
    const compact = compactDecision(decision);
    expect(compact.version).toBe(COMPACT_DECISION_VERSION);
    expect(compact.top).toEqual(decision.ranked.slice(0, 5).map((r, i) => ({ ...r, rank: i + 1 })));
    expect(compact.considered).toBe(400);
    expect(compact.eligible).toBe(decision.ranked.length);
    expect(compact.eligible).toBeGreaterThan(5);
    expect(compact.weights).toEqual(DEFAULT_ROUTING_WEIGHTS);
    // Counts per filter, from the full list; keys in EXCLUSION_REASONS order.
    for (const reason of EXCLUSION_REASONS) {
      const n = decision.excluded.filter((x) => x.reasons.includes(reason)).length;
      expect([reason, compact.excludedByReason[reason] ?? 0]).toEqual([reason, n]);
    }
    const keys = Object.keys(compact.excludedByReason);
    expect(keys).toEqual(EXCLUSION_REASONS.filter((r) => keys.includes(r)));
    // Too many excluded to list: counts only.
    expect(compact.excluded).toBeNull();
  });

  it('stays within 4 KB of JSON for 400 candidates', () => {
    const decision = rankCandidates(ORDER, company(400), DEFAULT_ROUTING_WEIGHTS, NOW);
    const full = Buffer.byteLength(JSON.stringify(decision));
    const compact = compactDecision(decision);
    const bytes = Buffer.byteLength(JSON.stringify(compact));
    expect(full).toBeGreaterThan(40_000);
    expect(bytes).toBeLessThanOrEqual(4096);
    expect(jsonBytes(compact)).toBe(bytes);
  });

  it('lists the excluded candidates with reasons when they are few', () => {
    const decision = rankCandidates(ORDER, company(6), DEFAULT_ROUTING_WEIGHTS, NOW);
    expect(decision.excluded.length).toBeLessThanOrEqual(5);
    expect(compactDecision(decision).excluded).toEqual(decision.excluded);
    expect(compactDecision(decision, { top: 0 }).excluded).toBeNull();
  });

  it('keeps the chosen candidate with its rank even when it ranked below the top', () => {
    const decision = rankCandidates(ORDER, company(400), DEFAULT_ROUTING_WEIGHTS, NOW);
    const ninth = decision.ranked[8];
    const compact = compactDecision(decision, { chosenUserId: ninth.userId });
    expect(compact.top.map((c) => c.rank)).toEqual([1, 2, 3, 4, 5, 9]);
    expect(compact.top[5]).toEqual({ ...ninth, rank: 9 });
    expect(compactDecision(decision, { top: 3 }).top).toHaveLength(3);
  });

  it('holds the bound with long names, every filter failed and odd weights', () => {
    const weights = { skill: 0.1234567891, load: 0.2345678912, quality: 1e-7, rotation: 0.3456789123, distance: 1 };
    const longName = (i: number) => `${'很长的名字'.repeat(30)}${i}`;
    const all = company(400, longName).map((c, i) => (i < 3 ? { ...c, active: false, onShift: false } : c));
    const decision = rankCandidates({ ...ORDER, excludedUserIds: [1001, 1002] }, all, weights, NOW);
    const compact = compactDecision(decision, { chosenUserId: decision.ranked[50].userId });
    expect(jsonBytes(compact)).toBeLessThanOrEqual(COMPACT_DECISION_MAX_BYTES);
    expect(compact.top.some((c) => c.userId === decision.ranked[50].userId)).toBe(true);
    expect(Array.from(compact.top[0].name)).toHaveLength(20);
  });

  it('never exceeds the bound (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 12 }),
        fc.string({ maxLength: 60 }),
        (n, top, name) => {
          const decision = rankCandidates(
            ORDER,
            company(n, (i) => `${name}${i}`),
            DEFAULT_ROUTING_WEIGHTS,
            NOW,
          );
          const compact = compactDecision(decision, { top });
          expect(jsonBytes(compact)).toBeLessThanOrEqual(COMPACT_DECISION_MAX_BYTES);
          expect(compact.considered).toBe(n);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('storedDecisionSummary', () => {
  it('returns a stored summary as it is, and compacts a row stored with the full lists', () => {
    const decision = rankCandidates(ORDER, company(60), DEFAULT_ROUTING_WEIGHTS, NOW);
    const compact = compactDecision(decision, { chosenUserId: decision.ranked[7].userId });
    expect(storedDecisionSummary({ summary: compact, weights: decision.weights, chosenUserId: null })).toBe(compact);
    const legacy = storedDecisionSummary({
      summary: null,
      ranked: decision.ranked,
      excluded: decision.excluded,
      weights: decision.weights,
      chosenUserId: decision.ranked[7].userId,
    });
    expect(legacy).toEqual(compact);
  });
});
