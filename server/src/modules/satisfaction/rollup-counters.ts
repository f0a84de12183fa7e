/**
 * Counter algebra of the rollups: what a satisfaction_daily row holds (summable counters and the
 * dimension sums), the keys counters are grouped by, and how rows of counters are read from SQL,
 * added, merged and folded onto fewer keys. No SQL is run here.
 */
import { RATING_DIMENSIONS, type RatingDimension } from '@linli/shared';

/** The summable columns of satisfaction_daily, plus complaints (created orders of kind complaint). */
export const SUM_FIELDS = [
  'created',
  'repeats',
  'complaints',
  'completed',
  'firstTimeFixed',
  'reopened',
  'closedUnrated',
  'rated',
  'satisfied',
  'sumStars',
  'sumStarsSq',
  'fixedYes',
  'fixedNo',
  'followUpsDue',
  'followUpsDone',
  'slaAcceptMet',
  'slaAcceptTotal',
  'slaArriveMet',
  'slaArriveTotal',
  'slaResolveMet',
  'slaResolveTotal',
] as const;
export type SumField = (typeof SUM_FIELDS)[number];
/** Stored per row; complaints are the `created` of the rows with kind = complaint. */
export const STORED_FIELDS = SUM_FIELDS.filter((f) => f !== 'complaints');

export type DimensionSums = Record<RatingDimension, { n: number; sum: number }>;
export type Counters = Record<SumField, number> & { dimensions: DimensionSums };

export function emptyCounters(): Counters {
  const c = Object.fromEntries(SUM_FIELDS.map((f) => [f, 0])) as Record<SumField, number>;
  const dimensions = Object.fromEntries(RATING_DIMENSIONS.map((d) => [d, { n: 0, sum: 0 }])) as DimensionSums;
  return { ...c, dimensions };
}

export function addCounters(into: Counters, more: Partial<Counters>): Counters {
  for (const f of SUM_FIELDS) into[f] += more[f] ?? 0;
  if (more.dimensions) {
    for (const d of RATING_DIMENSIONS) {
      into.dimensions[d].n += more.dimensions[d]?.n ?? 0;
      into.dimensions[d].sum += more.dimensions[d]?.sum ?? 0;
    }
  }
  return into;
}

/** What counters can be grouped by: the rollup key, plus the month of the day. */
export const GROUP_KEYS = ['day', 'month', 'communityId', 'buildingId', 'category', 'technicianId', 'kind'] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];
const STRING_KEYS: ReadonlySet<GroupKey> = new Set(['day', 'month', 'category', 'kind']);

export type GroupValues = Partial<Record<GroupKey, string | number>>;
export interface CounterRow {
  key: GroupValues;
  counters: Counters;
}

/** A key as one string, for merging rows by key. */
export function keyString(key: GroupValues, keys: readonly GroupKey[]): string {
  return keys.map((k) => String(key[k])).join('\u0001');
}

/** The group key of a SQL row, read from its `k_<key>` columns. */
export function readKey(row: Record<string, unknown>, keys: readonly GroupKey[]): GroupValues {
  const key: GroupValues = {};
  for (const k of keys) {
    const v = row[`k_${k}`];
    key[k] = STRING_KEYS.has(k) ? String(v) : Number(v);
  }
  return key;
}

/** The counters of a SQL row (the columns it has), dimension sums from `d_<dimension>_n/_sum`. */
export function readCounters(row: Record<string, unknown>): Partial<Counters> {
  const out: Partial<Counters> = {};
  for (const f of SUM_FIELDS) if (row[f] !== undefined) out[f] = Number(row[f] ?? 0);
  if (row[`d_${RATING_DIMENSIONS[0]}_n`] !== undefined) {
    out.dimensions = Object.fromEntries(
      RATING_DIMENSIONS.map((d) => [d, { n: Number(row[`d_${d}_n`] ?? 0), sum: Number(row[`d_${d}_sum`] ?? 0) }]),
    ) as DimensionSums;
  }
  return out;
}

/** Merge rows with the same key, in key order (stable for comparisons). */
export function mergeByKey(
  rows: Array<{ key: GroupValues; part: Partial<Counters> }>,
  keys: readonly GroupKey[],
): CounterRow[] {
  const byKey = new Map<string, CounterRow>();
  if (!keys.length) byKey.set('', { key: {}, counters: emptyCounters() });
  for (const { key, part } of rows) {
    const k = keyString(key, keys);
    let row = byKey.get(k);
    if (!row) byKey.set(k, (row = { key, counters: emptyCounters() }));
    addCounters(row.counters, part);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/** A key as one string joined by `|` (for maps keyed by a group and split back by callers). */
export const rowKey = (key: CounterRow['key'], keys: readonly GroupKey[]) => keys.map((k) => String(key[k])).join('|');

/** Sum rows onto fewer keys (a subset of theirs). */
export function fold(rows: CounterRow[], keys: readonly GroupKey[]): CounterRow[] {
  const out = new Map<string, CounterRow>();
  if (!keys.length) out.set('', { key: {}, counters: emptyCounters() });
  for (const r of rows) {
    const k = rowKey(r.key, keys);
    let row = out.get(k);
    if (!row)
      out.set(k, (row = { key: Object.fromEntries(keys.map((x) => [x, r.key[x]])), counters: emptyCounters() }));
    addCounters(row.counters, r.counters);
  }
  return [...out.values()];
}
