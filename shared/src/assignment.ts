/**
 * Batch assignment: the Hungarian algorithm, and matching a backlog of orders to the free
 * slots of technicians (used when many orders wait, e.g. after a night or a storm).
 */
import type { Priority } from './work-order.js';

/**
 * Solve the rectangular assignment problem. Returns, for each row, its column or -1.
 * `Infinity` marks a forbidden pair, which is never returned. The result has as many
 * allowed pairs as possible and, among such assignments, the lowest total cost; when there
 * are more rows than columns (or forbidden pairs), some rows get -1.
 * O(min(r,c)^2 * max(r,c)). Throws RangeError for a ragged matrix, NaN or -Infinity.
 */
export function minCostAssignment(cost: readonly (readonly number[])[]): number[] {
  const rows = cost.length;
  const cols = rows === 0 ? 0 : cost[0].length;
  let maxAbs = 0;
  for (const row of cost) {
    if (row.length !== cols) throw new RangeError('cost matrix rows must all have the same length');
    for (const c of row) {
      if (Number.isNaN(c) || c === -Infinity) {
        throw new RangeError('cost must be a finite number or Infinity');
      }
      if (c !== Infinity && Math.abs(c) > maxAbs) maxAbs = Math.abs(c);
    }
  }
  if (rows === 0) return [];
  if (cols === 0) return new Array<number>(rows).fill(-1);

  // A forbidden pair costs more than any difference in finite cost between two complete
  // assignments (at most 2 * k * maxAbs), so one fewer forbidden pair always wins.
  const k = Math.min(rows, cols);
  const big = (2 * k + 1) * (maxAbs + 1);
  const transpose = rows > cols;
  const n = transpose ? cols : rows;
  const m = transpose ? rows : cols;
  const a = new Float64Array(n * m);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const c = cost[i][j];
      a[transpose ? j * m + i : i * m + j] = c === Infinity ? big : c;
    }
  }

  const match = hungarian(a, n, m);
  const result = new Array<number>(rows).fill(-1);
  for (let r = 0; r < n; r++) {
    const c = match[r];
    const [row, col] = transpose ? [c, r] : [r, c];
    if (cost[row][col] !== Infinity) result[row] = col;
  }
  return result;
}

/**
 * Shortest augmenting paths with potentials (the e-maxx formulation), for n <= m on a dense
 * row-major n x m matrix. Returns the column of each row.
 */
function hungarian(a: Float64Array, n: number, m: number): Int32Array {
  // 1-based: row 0 and column 0 are the virtual start of each augmenting path.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j] = row matched to column j (0 = none)
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      const base = (i0 - 1) * m - 1;
      const ui0 = u[i0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = a[base + j] - ui0 - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const match = new Int32Array(n).fill(-1);
  for (let j = 1; j <= m; j++) if (p[j] > 0) match[p[j] - 1] = j - 1;
  return match;
}

export interface BacklogOrder {
  id: number;
  priority: Priority;
  /** Epoch ms. */
  createdAt: number;
}

export interface TechnicianSlots {
  technicianId: number;
  /** How many more orders the technician can take now (capacity - open). */
  free: number;
}

export const PRIORITY_WEIGHT: Record<Priority, number> = { P1: 8, P2: 4, P3: 2, P4: 1 };

/** Urgency of a waiting order: priority weight * (1 + age in days). Grows with waiting time. */
export function backlogUrgency(order: BacklogOrder, now: number): number {
  const ageHours = Math.max(0, now - order.createdAt) / 3_600_000;
  return PRIORITY_WEIGHT[order.priority] * (1 + ageHours / 24);
}

/**
 * Match waiting orders to free technician slots, urgency first, then fit.
 * `score(order, technicianId)` is the routing score in [0,1] (values outside are clamped so
 * that fit never outweighs urgency), or null when the technician is not eligible.
 * Each pair costs -(urgency * 10 + score); as many orders as possible are matched, and among
 * those the most urgent and best fitting. Returns the pairs sorted by order id.
 */
export function matchBacklog(
  orders: readonly BacklogOrder[],
  slots: readonly TechnicianSlots[],
  score: (order: BacklogOrder, technicianId: number) => number | null,
  now: number,
): Array<{ orderId: number; technicianId: number }> {
  const techs = slots.filter((s) => Number.isFinite(s.free) && Math.floor(s.free) > 0);
  // One score call per order and technician, not per slot.
  const scores: Array<Array<number | null>> = orders.map((order) =>
    techs.map((t) => {
      const s = score(order, t.technicianId);
      return s === null || !Number.isFinite(s) ? null : Math.min(1, Math.max(0, s));
    }),
  );
  const rowOrders: number[] = [];
  orders.forEach((_, i) => {
    if (scores[i].some((s) => s !== null)) rowOrders.push(i);
  });
  // A technician needs no more slot columns than the orders that may go to them.
  const columnTech: number[] = [];
  techs.forEach((t, ti) => {
    const eligible = rowOrders.filter((i) => scores[i][ti] !== null).length;
    const n = Math.min(Math.floor(t.free), eligible);
    for (let c = 0; c < n; c++) columnTech.push(ti);
  });
  if (rowOrders.length === 0 || columnTech.length === 0) return [];

  const cost = rowOrders.map((i) => {
    const urgency = backlogUrgency(orders[i], now);
    return columnTech.map((ti) => {
      const s = scores[i][ti];
      return s === null || s === undefined ? Infinity : -(urgency * 10 + s);
    });
  });
  const assigned = minCostAssignment(cost);
  const pairs: Array<{ orderId: number; technicianId: number }> = [];
  assigned.forEach((col, r) => {
    if (col < 0) return;
    pairs.push({
      orderId: orders[rowOrders[r]].id,
      technicianId: techs[columnTech[col]].technicianId,
    });
  });
  return pairs.sort((x, y) => x.orderId - y.orderId);
}
