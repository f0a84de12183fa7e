import fc from 'fast-check';
import { PRIORITY_WEIGHT, backlogUrgency, matchBacklog, minCostAssignment, type BacklogOrder } from './assignment.js';
import { PRIORITIES } from './work-order.js';

const INF = Infinity;
const HOUR = 3_600_000;
const NOW = Date.parse('2024-06-03T10:00:00+08:00');

/**
 * The optimum by enumeration: each row takes an unused allowed column or none; the most
 * pairs win, then the lowest total cost.
 */
function bruteForce(cost: number[][]): { pairs: number; total: number } {
  const cols = cost[0]?.length ?? 0;
  const used = new Array<boolean>(cols).fill(false);
  let best = { pairs: -1, total: Infinity };
  const visit = (row: number, pairs: number, total: number): void => {
    if (row === cost.length) {
      if (pairs > best.pairs || (pairs === best.pairs && total < best.total)) {
        best = { pairs, total };
      }
      return;
    }
    visit(row + 1, pairs, total);
    for (let c = 0; c < cols; c++) {
      if (used[c] || cost[row][c] === Infinity) continue;
      used[c] = true;
      visit(row + 1, pairs + 1, total + cost[row][c]);
      used[c] = false;
    }
  };
  visit(0, 0, 0);
  return best;
}

function evaluate(cost: number[][], result: number[]): { pairs: number; total: number } {
  let pairs = 0;
  let total = 0;
  result.forEach((c, r) => {
    if (c < 0) return;
    pairs += 1;
    total += cost[r][c];
  });
  return { pairs, total };
}

function expectWellFormed(cost: number[][], result: number[]): void {
  const cols = cost[0]?.length ?? 0;
  expect(result).toHaveLength(cost.length);
  const taken = result.filter((c) => c >= 0);
  expect(new Set(taken).size).toBe(taken.length);
  result.forEach((c, r) => {
    expect(Number.isInteger(c)).toBe(true);
    expect(c).toBeGreaterThanOrEqual(-1);
    expect(c).toBeLessThan(cols);
    if (c >= 0) expect(cost[r][c]).not.toBe(Infinity);
  });
}

describe('minCostAssignment', () => {
  it('solves a 3x3 matrix', () => {
    const cost = [
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ];
    expect(minCostAssignment(cost)).toEqual([1, 0, 2]); // 1 + 2 + 2 = 5
  });

  it('solves a 4x4 matrix where greedy fails', () => {
    const cost = [
      [9, 2, 7, 8],
      [6, 4, 3, 7],
      [5, 8, 1, 8],
      [7, 6, 9, 4],
    ];
    const result = minCostAssignment(cost);
    expect(result).toEqual([1, 0, 2, 3]);
    expect(evaluate(cost, result).total).toBe(13);
  });

  it('leaves extra columns unused when rows are fewer', () => {
    expect(
      minCostAssignment([
        [10, 1, 10],
        [10, 2, 1],
      ]),
    ).toEqual([1, 2]);
  });

  it('leaves the costliest rows out when rows are more', () => {
    // r1c1 + r2c0 = 1 beats every other pair of pairs.
    expect(
      minCostAssignment([
        [1, 5],
        [2, 1],
        [0, 9],
      ]),
    ).toEqual([-1, 1, 0]);
  });

  it('handles negative and fractional costs', () => {
    expect(
      minCostAssignment([
        [-1.5, -2.25],
        [-3.75, -0.5],
      ]),
    ).toEqual([1, 0]);
  });

  it('never returns a forbidden pair', () => {
    expect(
      minCostAssignment([
        [INF, 1],
        [INF, 2],
      ]),
    ).toEqual([1, -1]);
  });

  it('gives -1 to a row whose every option is forbidden', () => {
    expect(
      minCostAssignment([
        [INF, INF],
        [3, 4],
      ]),
    ).toEqual([-1, 0]);
    expect(
      minCostAssignment([
        [INF, INF],
        [INF, INF],
      ]),
    ).toEqual([-1, -1]);
  });

  it('moves a row off its favourite column so that a constrained row fits', () => {
    expect(
      minCostAssignment([
        [1, 2],
        [1, INF],
      ]),
    ).toEqual([1, 0]);
  });

  it('prefers more allowed pairs over a lower total', () => {
    // One pair at -100 is cheaper than two at -1 each, but two orders served beat one.
    expect(
      minCostAssignment([
        [-100, -1],
        [-1, INF],
      ]),
    ).toEqual([1, 0]);
  });

  it('copes with large finite costs next to forbidden ones', () => {
    expect(
      minCostAssignment([
        [1e9, INF, 2e9],
        [INF, 1e9, 1],
        [3e9, INF, INF],
      ]),
    ).toEqual([2, 1, 0]);
  });

  it('handles empty matrices', () => {
    expect(minCostAssignment([])).toEqual([]);
    expect(minCostAssignment([[]])).toEqual([-1]);
    expect(minCostAssignment([[], []])).toEqual([-1, -1]);
    expect(minCostAssignment([[7]])).toEqual([0]);
    expect(minCostAssignment([[INF]])).toEqual([-1]);
  });

  it('rejects ragged matrices, NaN and -Infinity', () => {
    expect(() => minCostAssignment([[1, 2], [3]])).toThrow(RangeError);
    expect(() => minCostAssignment([[1, Number.NaN]])).toThrow(RangeError);
    expect(() => minCostAssignment([[1, -Infinity]])).toThrow(RangeError);
  });

  it('matches brute force on random matrices up to 6x6 with forbidden pairs (property)', () => {
    const matrix = fc
      .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
      .chain(([rows, cols]) =>
        fc.array(
          fc.array(
            fc.oneof(
              { weight: 3, arbitrary: fc.integer({ min: -50, max: 50 }) },
              { weight: 1, arbitrary: fc.constant(INF) },
            ),
            { minLength: cols, maxLength: cols },
          ),
          { minLength: rows, maxLength: rows },
        ),
      );
    fc.assert(
      fc.property(matrix, (cost) => {
        const result = minCostAssignment(cost);
        expectWellFormed(cost, result);
        expect(evaluate(cost, result)).toEqual(bruteForce(cost));
      }),
      { numRuns: 400 },
    );
  });

  it('matches brute force on fractional costs (property)', () => {
    const matrix = fc
      .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }))
      .chain(([rows, cols]) =>
        fc.array(
          fc.array(
            fc.oneof(
              { weight: 4, arbitrary: fc.double({ min: -100, max: 100, noNaN: true }) },
              { weight: 1, arbitrary: fc.constant(INF) },
            ),
            { minLength: cols, maxLength: cols },
          ),
          { minLength: rows, maxLength: rows },
        ),
      );
    fc.assert(
      fc.property(matrix, (cost) => {
        const result = minCostAssignment(cost);
        expectWellFormed(cost, result);
        const got = evaluate(cost, result);
        const want = bruteForce(cost);
        expect(got.pairs).toBe(want.pairs);
        expect(got.total).toBeCloseTo(want.total, 6);
      }),
      { numRuns: 200 },
    );
  });
});

describe('backlogUrgency', () => {
  it('weighs priority 8/4/2/1 and grows by one weight per day waited', () => {
    expect(PRIORITY_WEIGHT).toEqual({ P1: 8, P2: 4, P3: 2, P4: 1 });
    expect(backlogUrgency({ id: 1, priority: 'P1', createdAt: NOW }, NOW)).toBe(8);
    expect(backlogUrgency({ id: 1, priority: 'P3', createdAt: NOW - 12 * HOUR }, NOW)).toBe(3);
    expect(backlogUrgency({ id: 1, priority: 'P4', createdAt: NOW - 72 * HOUR }, NOW)).toBe(4);
  });

  it('does not go below the priority weight for an order dated in the future', () => {
    expect(backlogUrgency({ id: 1, priority: 'P2', createdAt: NOW + HOUR }, NOW)).toBe(4);
  });
});

const order = (id: number, priority: BacklogOrder['priority'], ageHours: number): BacklogOrder => ({
  id,
  priority,
  createdAt: NOW - ageHours * HOUR,
});

/** A score table: scores[orderId][technicianId]; missing = not eligible. */
const table =
  (scores: Record<number, Record<number, number>>) =>
  (o: BacklogOrder, technicianId: number): number | null =>
    scores[o.id]?.[technicianId] ?? null;

describe('matchBacklog', () => {
  it('gives the only free slot to the older P1 over a newer P3', () => {
    const orders = [order(1, 'P3', 0), order(2, 'P1', 3)];
    const score = table({ 1: { 7: 1 }, 2: { 7: 0 } });
    expect(matchBacklog(orders, [{ technicianId: 7, free: 1 }], score, NOW)).toEqual([{ orderId: 2, technicianId: 7 }]);
  });

  it('matches both when the P1 can only go to X and the P3 can go to X or Y', () => {
    const orders = [order(1, 'P1', 1), order(2, 'P3', 5)];
    // The P3 fits X best, but taking X would leave the P1 without anyone.
    const score = table({ 1: { 10: 0.2 }, 2: { 10: 1, 20: 0.1 } });
    const slots = [
      { technicianId: 10, free: 1 },
      { technicianId: 20, free: 1 },
    ];
    expect(matchBacklog(orders, slots, score, NOW)).toEqual([
      { orderId: 1, technicianId: 10 },
      { orderId: 2, technicianId: 20 },
    ]);
  });

  it('lets waiting time raise a low priority above a fresh higher one', () => {
    const slot = [{ technicianId: 7, free: 1 }];
    const all = (o: BacklogOrder, t: number): number | null => (t === 7 ? 0.5 : null);
    // P3 waiting 4 days: 2 * 5 = 10 > fresh P2: 4.
    expect(matchBacklog([order(1, 'P2', 0), order(2, 'P3', 96)], slot, all, NOW)).toEqual([
      { orderId: 2, technicianId: 7 },
    ]);
    // P3 waiting 2 days: 2 * 3 = 6 < fresh P1: 8.
    expect(matchBacklog([order(1, 'P1', 0), order(2, 'P3', 48)], slot, all, NOW)).toEqual([
      { orderId: 1, technicianId: 7 },
    ]);
  });

  it('uses fit to choose between equally urgent orders', () => {
    const orders = [order(1, 'P2', 2), order(2, 'P2', 2)];
    const score = table({ 1: { 10: 0.9, 20: 0.1 }, 2: { 10: 0.8, 20: 0.7 } });
    const slots = [
      { technicianId: 10, free: 1 },
      { technicianId: 20, free: 1 },
    ];
    expect(matchBacklog(orders, slots, score, NOW)).toEqual([
      { orderId: 1, technicianId: 10 },
      { orderId: 2, technicianId: 20 },
    ]);
  });

  it('gives one technician several orders up to their free slots', () => {
    const orders = [order(3, 'P3', 0), order(1, 'P1', 0), order(2, 'P2', 0)];
    const all = (): number => 0.5;
    expect(matchBacklog(orders, [{ technicianId: 7, free: 2 }], all, NOW)).toEqual([
      { orderId: 1, technicianId: 7 },
      { orderId: 2, technicianId: 7 },
    ]);
  });

  it('clamps scores so that fit never outweighs urgency', () => {
    const orders = [order(1, 'P1', 0), order(2, 'P4', 0)];
    const score = table({ 1: { 7: 0 }, 2: { 7: 1000 } });
    expect(matchBacklog(orders, [{ technicianId: 7, free: 1 }], score, NOW)).toEqual([{ orderId: 1, technicianId: 7 }]);
  });

  it('ignores technicians without free slots and orders nobody may take', () => {
    const orders = [order(1, 'P1', 0), order(2, 'P2', 0)];
    const score = table({ 1: { 7: 1, 8: 1 }, 2: {} });
    const slots = [
      { technicianId: 7, free: 0 },
      { technicianId: 8, free: 1.7 },
      { technicianId: 9, free: -2 },
    ];
    expect(matchBacklog(orders, slots, score, NOW)).toEqual([{ orderId: 1, technicianId: 8 }]);
  });

  it('treats a non-finite score as not eligible', () => {
    const score = (): number => Number.NaN;
    expect(matchBacklog([order(1, 'P1', 0)], [{ technicianId: 7, free: 1 }], score, NOW)).toEqual([]);
  });

  it('asks for each order and technician once, not once per slot', () => {
    let calls = 0;
    const score = (): number => {
      calls += 1;
      return 0.5;
    };
    const orders = [order(1, 'P1', 0), order(2, 'P2', 0), order(3, 'P3', 0)];
    const slots = [
      { technicianId: 7, free: 3 },
      { technicianId: 8, free: 2 },
    ];
    expect(matchBacklog(orders, slots, score, NOW)).toHaveLength(3);
    expect(calls).toBe(6);
  });

  it('gives nothing for an empty backlog or no slots', () => {
    expect(matchBacklog([], [{ technicianId: 7, free: 1 }], () => 1, NOW)).toEqual([]);
    expect(matchBacklog([order(1, 'P1', 0)], [], () => 1, NOW)).toEqual([]);
  });

  const backlogArb = fc.record({
    orders: fc.uniqueArray(
      fc.record({
        id: fc.integer({ min: 1, max: 1000 }),
        priority: fc.constantFrom(...PRIORITIES),
        ageHours: fc.integer({ min: 0, max: 200 }),
      }),
      { maxLength: 7, selector: (o) => o.id },
    ),
    slots: fc.uniqueArray(
      fc.record({
        technicianId: fc.integer({ min: 1, max: 20 }),
        free: fc.integer({ max: 3, min: 0 }),
      }),
      { maxLength: 4, selector: (s) => s.technicianId },
    ),
    // Eligibility and fit per (order index, technician index).
    fit: fc.array(fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }), {
      minLength: 28,
      maxLength: 28,
    }),
  });

  it('respects slots and eligibility, and never leaves a more urgent order waiting for a technician given to a less urgent one (property)', () => {
    fc.assert(
      fc.property(backlogArb, ({ orders: raw, slots, fit }) => {
        const orders = raw.map((o) => order(o.id, o.priority, o.ageHours));
        const techIndex = new Map(slots.map((s, i) => [s.technicianId, i]));
        const orderIndex = new Map(orders.map((o, i) => [o.id, i]));
        const score = (o: BacklogOrder, t: number): number | null =>
          fit[orderIndex.get(o.id)! * 4 + techIndex.get(t)!] ?? null;
        const pairs = matchBacklog(orders, slots, score, NOW);

        expect(pairs.map((p) => p.orderId)).toEqual([...new Set(pairs.map((p) => p.orderId))].sort((a, b) => a - b));
        for (const s of slots) {
          const load = pairs.filter((p) => p.technicianId === s.technicianId).length;
          expect(load).toBeLessThanOrEqual(s.free);
        }
        const byOrder = new Map(pairs.map((p) => [p.orderId, p.technicianId]));
        for (const p of pairs) {
          expect(score(orders[orderIndex.get(p.orderId)!], p.technicianId)).not.toBeNull();
        }
        // Swapping a waiting order in for a matched one at the same technician must not help.
        const value = (o: BacklogOrder, t: number): number => backlogUrgency(o, NOW) * 10 + score(o, t)!;
        for (const waiting of orders.filter((o) => !byOrder.has(o.id))) {
          for (const p of pairs) {
            if (score(waiting, p.technicianId) === null) continue;
            const matched = orders[orderIndex.get(p.orderId)!];
            expect(value(waiting, p.technicianId)).toBeLessThanOrEqual(value(matched, p.technicianId) + 1e-9);
          }
        }
        // A technician with a slot left over serves nobody who is waiting and eligible.
        for (const s of slots) {
          const load = pairs.filter((p) => p.technicianId === s.technicianId).length;
          if (load >= s.free) continue;
          for (const waiting of orders.filter((o) => !byOrder.has(o.id))) {
            expect(score(waiting, s.technicianId)).toBeNull();
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
