/**
 * The layers above satisfaction_daily (docs/scores.md, "Layers"):
 * - satisfaction_cube: counters per month x community x category x technician, cumulative
 *   within the month (row (month, dom) = days 1..dom), as columns (dimension sums included);
 * - satisfaction_sketch: duration sketches of the orders created per China day and per month,
 *   per community x technician (-1 = the whole community).
 * Both are kept by the partition recompute (rollup.service.ts) in the same transaction as the
 * day rows, and read by fromRollups / the scores' durations. Every function takes the
 * EntityManager to work in.
 */
import { addDays, chinaDay, RATING_DIMENSIONS, startOfChinaDay } from '@linli/shared';
import type { EntityManager } from 'typeorm';
import {
  addCounters,
  emptyCounters,
  fold,
  mergeByKey,
  readCounters,
  readKey,
  SUM_FIELDS,
  type CounterRow,
  type Counters,
  type DimensionSums,
  type GroupKey,
  type SumField,
} from './rollup-counters.js';
import { dialectOf, secondsExpr, sqlTime, toDate } from './rollup-days.js';
import { placeholders, type SliceFilter } from './rollup-sql.js';
import { DurationSketch } from './rollup-sketch.js';

/** The counter columns of satisfaction_cube. */
export const CUBE_FIELDS = [
  ...SUM_FIELDS,
  ...RATING_DIMENSIONS.flatMap((d) => [`d_${d}_n`, `d_${d}_sum`]),
] as readonly string[];
const RATING_FIELDS = ['rated', 'satisfied', 'sumStars', 'sumStarsSq'];
/** What hotspots read: orders created, complaints and repeats. */
export const HOTSPOT_FIELDS = ['created', 'complaints', 'repeats'];

/** A month-cumulative table: its name, its key besides month, day of month and community, its counters. */
export interface CubeSpec {
  table: string;
  keys: readonly GroupKey[];
  fields: readonly string[];
}
/** Every counter per category x technician. */
export const MAIN_CUBE: CubeSpec = {
  table: 'satisfaction_cube',
  keys: ['category', 'technicianId'],
  fields: CUBE_FIELDS,
};
/** Hotspots' counters per category x building. */
export const HOTSPOT_CUBE: CubeSpec = {
  table: 'satisfaction_hotspot',
  keys: ['category', 'buildingId'],
  fields: HOTSPOT_FIELDS,
};
/** Every counter per community alone: the company's and communities' summaries. */
export const COMMUNITY_CUBE: CubeSpec = { table: 'satisfaction_community', keys: [], fields: CUBE_FIELDS };
const CUBES = [MAIN_CUBE, HOTSPOT_CUBE, COMMUNITY_CUBE];

/**
 * The cube that serves a slice and grouping, or null (read satisfaction_daily): the main cube
 * without a building; the hotspot cube, for hotspot counters only, without a technician.
 */
export function cubeFor(filter: SliceFilter, keys: readonly GroupKey[], hotspotsOnly = false): CubeSpec | null {
  const serves = (spec: CubeSpec, unfiltered: Array<'buildingId' | 'technicianIds' | 'category'>) =>
    unfiltered.every((f) => filter[f] === undefined) && keys.every((k) => k === 'communityId' || spec.keys.includes(k));
  if (serves(COMMUNITY_CUBE, ['buildingId', 'technicianIds', 'category'])) return COMMUNITY_CUBE;
  if (serves(MAIN_CUBE, ['buildingId'])) return MAIN_CUBE;
  if (hotspotsOnly && serves(HOTSPOT_CUBE, ['technicianIds'])) return HOTSPOT_CUBE;
  return null;
}

const monthOf = (day: string) => day.slice(0, 6);
const domOf = (day: string) => Number(day.slice(6));
function lastDom(month: string): number {
  return new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(4, 6)), 0)).getUTCDate();
}
const lastDayOf = (month: string) => `${month}${String(lastDom(month)).padStart(2, '0')}`;

/** The months a period touches: [month, first day, last day] inside the period. */
function monthSegments(fromDay: string, toDay: string): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  for (let start = fromDay; start <= toDay;) {
    const month = monthOf(start);
    const end = lastDayOf(month) < toDay ? lastDayOf(month) : toDay;
    out.push([month, start, end]);
    start = addDays(end, 1);
  }
  return out;
}

/** The cumulative rows whose sum is the period: each month's C(end) minus C(start - 1). */
function cubeTerms(fromDay: string, toDay: string): Array<{ month: string; dom: number; sign: 1 | -1 }> {
  const terms: Array<{ month: string; dom: number; sign: 1 | -1 }> = [];
  for (const [month, start, end] of monthSegments(fromDay, toDay)) {
    terms.push({ month, dom: domOf(end), sign: 1 });
    if (domOf(start) > 1) terms.push({ month, dom: domOf(start) - 1, sign: -1 });
  }
  return terms;
}

/** A cube column's value in counters (`d_<dimension>_n/_sum` are the dimension sums). */
function valueOf(c: Counters, field: string): number {
  const dim = /^d_(\w+)_(n|sum)$/.exec(field);
  return dim ? c.dimensions[dim[1] as keyof DimensionSums][dim[2] as 'n' | 'sum'] : c[field as SumField];
}

function isZero(c: Counters, fields: readonly string[]): boolean {
  return fields.every((f) => valueOf(c, f) === 0);
}

function cubeValues(c: Counters, fields: readonly string[]): number[] {
  return fields.map((f) => valueOf(c, f));
}

function minus(a: Counters, b: Counters): Counters {
  const out = emptyCounters();
  addCounters(out, a);
  for (const f of SUM_FIELDS) out[f] -= b[f];
  for (const d of RATING_DIMENSIONS) {
    out.dimensions[d].n -= b.dimensions[d].n;
    out.dimensions[d].sum -= b.dimensions[d].sum;
  }
  return out;
}

/** Counters of a slice from the cube (the caller checked cubeServes). */
export async function fromCube(
  em: EntityManager,
  spec: CubeSpec,
  filter: SliceFilter,
  keys: readonly GroupKey[],
  ratingsOnly = false,
): Promise<CounterRow[]> {
  const terms = cubeTerms(filter.fromDay, filter.toDay);
  const where = ['companyId = ?', `(${terms.map(() => '(`month` = ? AND dom = ?)').join(' OR ')})`];
  const params: unknown[] = [filter.companyId, ...terms.flatMap((t) => [t.month, t.dom])];
  const list = (column: string, ids: readonly number[] | undefined) => {
    if (!ids) return;
    if (ids.length === 0) where.push('1 = 0');
    else {
      where.push(`${column} IN (${placeholders(ids.length)})`);
      params.push(...ids);
    }
  };
  list('communityId', filter.communityIds);
  if (filter.category !== undefined) {
    where.push('category = ?');
    params.push(filter.category);
  }
  if (filter.buildingId !== undefined) {
    where.push('buildingId = ?');
    params.push(filter.buildingId);
  }
  list('technicianId', filter.technicianIds);
  const negative = terms.filter((t) => t.sign < 0);
  const sign = negative.length
    ? `(CASE WHEN ${negative.map(() => '(`month` = ? AND dom = ?)').join(' OR ')} THEN -1 ELSE 1 END)`
    : '';
  const signParams = negative.flatMap((t) => [t.month, t.dom]);
  const fields = spec === HOTSPOT_CUBE ? HOTSPOT_FIELDS : ratingsOnly ? RATING_FIELDS : CUBE_FIELDS;
  const select = [
    ...keys.map((k) => `${k} AS k_${k}`),
    ...fields.map((f) => (sign ? `SUM(${f} * ${sign}) AS ${f}` : `SUM(${f}) AS ${f}`)),
  ];
  const from = `${spec.table}${dialectOf(em) === 'mysql' ? ' FORCE INDEX (PRIMARY)' : ''}`;
  const rows: Array<Record<string, unknown>> = await em.query(
    `SELECT ${select.join(', ')} FROM ${from} WHERE ${where.join(' AND ')}` +
      (keys.length ? ` GROUP BY ${keys.map((k) => `k_${k}`).join(', ')}` : ''),
    [...fields.flatMap(() => signParams), ...params],
  );
  const merged = mergeByKey(
    rows.map((row) => ({ key: readKey(row, keys), part: readCounters(row) })),
    keys,
  );
  // A combination with events only outside the period sums to zero: raw rows have no such group.
  return keys.length ? merged.filter((r) => !isZero(r.counters, fields)) : merged;
}

/**
 * After a community-day partition was rebuilt: move each cube's cumulative rows of that day and
 * the rest of its month by the change of the day's counters (new - old).
 */
export async function updateCubeDay(
  em: EntityManager,
  companyId: number,
  communityId: number,
  day: string,
  partition: CounterRow[],
): Promise<void> {
  for (const spec of CUBES) await updateOneCube(em, spec, companyId, communityId, day, partition);
}

async function updateOneCube(
  em: EntityManager,
  spec: CubeSpec,
  companyId: number,
  communityId: number,
  day: string,
  partition: CounterRow[],
): Promise<void> {
  const month = monthOf(day);
  const dom = domOf(day);
  const comboOf = (key: CounterRow['key']) => JSON.stringify(spec.keys.map((k) => key[k]));
  // C(d) and C(d - 1) of every combination of the community, in one read.
  const rows: Array<Record<string, unknown>> = await em.query(
    `SELECT dom, ${[...spec.keys.map((k) => `${k} AS k_${k}`), ...spec.fields].join(', ')}
       FROM ${spec.table} WHERE \`month\` = ? AND dom IN (?, ?) AND communityId = ?`,
    [month, dom, dom - 1, communityId],
  );
  const atDay = new Map<string, Counters>();
  const before = new Map<string, Counters>();
  for (const row of rows) {
    const into = Number(row.dom) === dom ? atDay : before;
    into.set(comboOf(readKey(row, spec.keys)), addCounters(emptyCounters(), readCounters(row)));
  }
  const fresh = new Map(fold(partition, spec.keys).map((r) => [comboOf(r.key), r.counters]));
  const doms = Array.from({ length: lastDom(month) - dom + 1 }, (_, i) => dom + i);
  const inserts: unknown[][] = [];
  for (const combo of new Set([...atDay.keys(), ...fresh.keys()])) {
    const old = minus(atDay.get(combo) ?? emptyCounters(), before.get(combo) ?? emptyCounters());
    const delta = minus(fresh.get(combo) ?? emptyCounters(), old);
    if (isZero(delta, spec.fields)) continue;
    const values = JSON.parse(combo) as unknown[];
    if (atDay.has(combo)) {
      await em.query(
        `UPDATE ${spec.table} SET ${spec.fields.map((f) => `${f} = ${f} + ?`).join(', ')}
          WHERE \`month\` = ? AND dom IN (${placeholders(doms.length)}) AND communityId = ?` +
          spec.keys.map((k) => ` AND ${k} = ?`).join(''),
        [...cubeValues(delta, spec.fields), month, ...doms, communityId, ...values],
      );
    } else {
      const counters = cubeValues(delta, spec.fields);
      for (const d of doms) inserts.push([month, d, communityId, ...values, companyId, ...counters]);
    }
  }
  await insertCubeRows(em, spec, inserts);
}

async function insertCubeRows(em: EntityManager, spec: CubeSpec, rows: unknown[][]): Promise<void> {
  const columns = ['`month`', 'dom', 'communityId', ...spec.keys, 'companyId', ...spec.fields];
  const one = `(${placeholders(columns.length)})`;
  const CHUNK = 200;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await em.query(
      `INSERT INTO ${spec.table} (${columns.join(', ')}) VALUES ${new Array(chunk.length).fill(one).join(', ')}`,
      chunk.flat(),
    );
  }
}

/** Rebuild a company's cube rows of one month from satisfaction_daily (bulk loads, repairs). */
export async function rebuildCubeMonth(em: EntityManager, companyId: number, month: string): Promise<number> {
  const rows: Array<Record<string, unknown>> = await em.query(
    `SELECT \`day\` AS k_day, communityId AS k_communityId, category AS k_category, technicianId AS k_technicianId,
            buildingId AS k_buildingId, ${SUM_FIELDS.filter((f) => f !== 'complaints').join(', ')},
            CASE WHEN kind = 'complaint' THEN created ELSE 0 END AS complaints, dimensions
       FROM satisfaction_daily WHERE companyId = ? AND \`day\` >= ? AND \`day\` <= ?`,
    [companyId, `${month}01`, lastDayOf(month)],
  );
  const parts = rows.map((row) => {
    const part = readCounters(row);
    const dims = JSON.parse(String(row.dimensions)) as Partial<DimensionSums>;
    part.dimensions = Object.fromEntries(
      RATING_DIMENSIONS.map((d) => [d, { n: dims[d]?.n ?? 0, sum: dims[d]?.sum ?? 0 }]),
    ) as DimensionSums;
    return { key: readKey(row, ['day', 'communityId', 'category', 'technicianId', 'buildingId']), part };
  });
  let written = 0;
  for (const spec of CUBES) {
    await em.query(`DELETE FROM ${spec.table} WHERE companyId = ? AND \`month\` = ?`, [companyId, month]);
    const keys = ['day', 'communityId', ...spec.keys] as GroupKey[];
    const daily = mergeByKey(
      parts.map((p) => ({ key: Object.fromEntries(keys.map((k) => [k, p.key[k]])), part: p.part })),
      keys,
    );
    // Cumulative per combination, a row for every day from its first event to the month's end.
    const running = new Map<string, { key: CounterRow['key']; c: Counters }>();
    const byDom = new Map<number, CounterRow[]>();
    for (const r of daily) {
      const d = domOf(String(r.key.day));
      byDom.set(d, [...(byDom.get(d) ?? []), r]);
    }
    const inserts: unknown[][] = [];
    for (let d = 1; d <= lastDom(month); d++) {
      for (const r of byDom.get(d) ?? []) {
        const combo = keys
          .slice(1)
          .map((k) => String(r.key[k]))
          .join('|');
        const run = running.get(combo) ?? { key: r.key, c: emptyCounters() };
        addCounters(run.c, r.counters);
        running.set(combo, run);
      }
      for (const { key, c } of running.values()) {
        inserts.push([
          month,
          d,
          key.communityId,
          ...spec.keys.map((k) => key[k]),
          companyId,
          ...cubeValues(c, spec.fields),
        ]);
      }
    }
    await insertCubeRows(em, spec, inserts);
    if (spec === MAIN_CUBE) written = inserts.length;
  }
  return written;
}

// ---------------------------------------------------------------------------------------------
// Duration sketches

interface SketchOrder {
  communityId: number;
  technicianId: number;
  day: string;
  a: number | null;
  v: number | null;
  r: number | null;
}

async function ordersCreated(
  em: EntityManager,
  companyId: number,
  fromDay: string,
  toDay: string,
  communityId?: number,
): Promise<SketchOrder[]> {
  const d = dialectOf(em);
  const rows: Array<Record<string, unknown>> = await em.query(
    `SELECT o.communityId, COALESCE(o.completedById, 0) AS t, o.createdAt,
            ${secondsExpr(d, 'o.createdAt', 'o.acceptedAt')} AS a,
            ${secondsExpr(d, 'o.createdAt', 'o.arrivedAt')} AS v,
            ${secondsExpr(d, 'o.createdAt', 'o.firstCompletedAt')} AS r
       FROM work_order o
      WHERE o.createdAt >= ? AND o.createdAt < ? AND o.acceptedAt IS NOT NULL AND o.companyId = ?` +
      (communityId === undefined ? '' : ' AND o.communityId = ?'),
    [
      sqlTime(startOfChinaDay(fromDay)),
      sqlTime(startOfChinaDay(addDays(toDay, 1))),
      companyId,
      ...(communityId === undefined ? [] : [communityId]),
    ],
  );
  const num = (x: unknown) => (x === null || x === undefined ? null : Number(x));
  return rows.map((row) => {
    return {
      communityId: Number(row.communityId),
      technicianId: Number(row.t),
      day: chinaDay(toDate(row.createdAt)!),
      a: num(row.a),
      v: num(row.v),
      r: num(row.r),
    };
  });
}

function sketchOf(orders: SketchOrder[]): Map<number, DurationSketch> {
  const out = new Map<number, DurationSketch>();
  const into = (t: number) => {
    let s = out.get(t);
    if (!s) out.set(t, (s = new DurationSketch()));
    return s;
  };
  for (const o of orders) {
    for (const s of [into(o.technicianId), into(-1)]) {
      if (o.a !== null) s.add('accept', o.a);
      if (o.v !== null) s.add('arrive', o.v);
      if (o.r !== null) s.add('resolve', o.r);
    }
  }
  return out;
}

/**
 * The grain stored for a whole community's sketch (technician -1): a letter of its own, so a
 * period range of totals is one contiguous stretch of the primary key (grain, period, ...).
 * Letters differ in more than case: MariaDB compares varchar without case.
 */
const WHOLE_COMMUNITY = { d: 'c', m: 'n' } as const;

async function writeSketches(
  em: EntityManager,
  companyId: number,
  rows: Array<{ grain: 'd' | 'm'; period: string; communityId: number; technicianId: number; sketch: DurationSketch }>,
): Promise<void> {
  const CHUNK = 200;
  const live = rows.filter((r) => r.sketch.count('accept') > 0);
  for (let i = 0; i < live.length; i += CHUNK) {
    const chunk = live.slice(i, i + CHUNK);
    await em.query(
      `INSERT INTO satisfaction_sketch (grain, period, communityId, technicianId, companyId, n, sketch) VALUES ${chunk
        .map(() => '(?, ?, ?, ?, ?, ?, ?)')
        .join(', ')}`,
      chunk.flatMap((r) => [
        r.technicianId === -1 ? WHOLE_COMMUNITY[r.grain] : r.grain,
        r.period,
        r.communityId,
        r.technicianId,
        companyId,
        r.sketch.count('accept'),
        r.sketch.encode(),
      ]),
    );
  }
}

/** After a community-day partition: its day sketches anew, its month's moved by the change. */
export async function updateSketchDay(
  em: EntityManager,
  companyId: number,
  communityId: number,
  day: string,
): Promise<void> {
  const month = monthOf(day);
  const fresh = sketchOf(await ordersCreated(em, companyId, day, day, communityId));
  // The day's and the month's sketches of the community (every technician and the whole), in one read.
  const both = "((grain IN ('d', 'c') AND period = ?) OR (grain IN ('m', 'n') AND period = ?)) AND communityId = ?";
  const rows: Array<{ grain: string; technicianId: unknown; sketch: Buffer }> = await em.query(
    `SELECT grain, technicianId, sketch FROM satisfaction_sketch WHERE ${both}`,
    [day, month, communityId],
  );
  const oldDay = new Map<number, Buffer>();
  const oldMonth = new Map<number, Buffer>();
  for (const r of rows) (r.grain === 'd' || r.grain === 'c' ? oldDay : oldMonth).set(Number(r.technicianId), r.sketch);
  const months = new Map<number, DurationSketch>();
  for (const t of new Set([...oldMonth.keys(), ...oldDay.keys(), ...fresh.keys()])) {
    const s = new DurationSketch();
    if (oldMonth.has(t)) s.addEncoded(oldMonth.get(t)!);
    if (oldDay.has(t)) s.addEncoded(oldDay.get(t)!, -1);
    if (fresh.has(t)) s.merge(fresh.get(t)!);
    months.set(t, s);
  }
  await em.query(`DELETE FROM satisfaction_sketch WHERE ${both}`, [day, month, communityId]);
  await writeSketches(em, companyId, [
    ...[...fresh].map(([t, sketch]) => ({ grain: 'd' as const, period: day, communityId, technicianId: t, sketch })),
    ...[...months].map(([t, sketch]) => ({ grain: 'm' as const, period: month, communityId, technicianId: t, sketch })),
  ]);
}

/** Rebuild a company's sketches of one month from raw orders (bulk loads, repairs). */
export async function rebuildSketchMonth(em: EntityManager, companyId: number, month: string): Promise<void> {
  const days = Array.from({ length: lastDom(month) }, (_, i) => `${month}${String(i + 1).padStart(2, '0')}`);
  await em.query(
    `DELETE FROM satisfaction_sketch WHERE companyId = ? AND ((grain IN ('m', 'n') AND period = ?) OR (grain IN ('d', 'c') AND period >= ? AND period <= ?))`,
    [companyId, month, days[0], days[days.length - 1]],
  );
  const orders = await ordersCreated(em, companyId, days[0], days[days.length - 1]);
  const rows: Parameters<typeof writeSketches>[2] = [];
  const byCommunity = new Map<number, SketchOrder[]>();
  const byDay = new Map<string, SketchOrder[]>();
  for (const o of orders) {
    byCommunity.set(o.communityId, [...(byCommunity.get(o.communityId) ?? []), o]);
    const k = `${o.communityId}|${o.day}`;
    byDay.set(k, [...(byDay.get(k) ?? []), o]);
  }
  for (const [communityId, list] of byCommunity) {
    for (const [t, sketch] of sketchOf(list))
      rows.push({ grain: 'm', period: month, communityId, technicianId: t, sketch });
  }
  for (const [k, list] of byDay) {
    const [communityId, day] = k.split('|');
    for (const [t, sketch] of sketchOf(list)) {
      rows.push({ grain: 'd', period: day, communityId: Number(communityId), technicianId: t, sketch });
    }
  }
  await writeSketches(em, companyId, rows);
}

/**
 * Duration sketches of a slice, per technician or in total, or null when the sketches do not
 * serve the slice (building or category narrowed: read raw rows).
 */
export async function readSketches(
  em: EntityManager,
  filter: SliceFilter,
  byTechnician: boolean,
): Promise<Map<string, DurationSketch> | null> {
  if (filter.buildingId !== undefined || filter.category !== undefined) return null;
  // Whole months from month rows; a partial month from its day rows, or from its month row less
  // the day rows outside the period when those are fewer (sketches subtract exactly).
  const months: string[] = [];
  const ranges: Array<{ from: string; to: string; sign: 1 | -1 }> = [];
  for (const [month, start, end] of monthSegments(filter.fromDay, filter.toDay)) {
    const inside = domOf(end) - domOf(start) + 1;
    if (inside === lastDom(month)) months.push(month);
    else if (1 + lastDom(month) - inside < inside) {
      months.push(month);
      if (domOf(start) > 1) ranges.push({ from: `${month}01`, to: addDays(start, -1), sign: -1 });
      if (end < lastDayOf(month)) ranges.push({ from: addDays(end, 1), to: lastDayOf(month), sign: -1 });
    } else ranges.push({ from: start, to: end, sign: 1 });
  }
  const perTechnician = byTechnician || filter.technicianIds !== undefined;
  const [day, month] = perTechnician ? ['d', 'm'] : [WHOLE_COMMUNITY.d, WHOLE_COMMUNITY.m];
  const periods = [
    ...(months.length ? [`(grain = '${month}' AND period IN (${placeholders(months.length)}))`] : []),
    ...ranges.map(() => `(grain = '${day}' AND period >= ? AND period <= ?)`),
  ];
  const where = ['companyId = ?', `(${periods.join(' OR ')})`];
  const params: unknown[] = [filter.companyId, ...months, ...ranges.flatMap((r) => [r.from, r.to])];
  for (const [column, ids] of [
    ['communityId', filter.communityIds],
    ['technicianId', filter.technicianIds],
  ] as const) {
    if (!ids) continue;
    if (!ids.length) where.push('1 = 0');
    else {
      where.push(`${column} IN (${placeholders(ids.length)})`);
      params.push(...ids);
    }
  }
  const rows: Array<{ grain: string; period: string; technicianId: unknown; sketch: Buffer }> = await em.query(
    `SELECT grain, period, technicianId, sketch FROM satisfaction_sketch WHERE ${where.join(' AND ')}`,
    params,
  );
  const signOf = (row: { grain: string; period: string }) =>
    row.grain === day ? (ranges.find((r) => row.period >= r.from && row.period <= r.to)?.sign ?? 1) : 1;
  const out = new Map<string, DurationSketch>();
  for (const row of rows) {
    const k = byTechnician ? String(Number(row.technicianId)) : '';
    let s = out.get(k);
    if (!s) out.set(k, (s = new DurationSketch()));
    s.addEncoded(row.sketch, signOf(row));
  }
  // A technician whose orders of a month all lie outside the period nets to nothing.
  for (const [k, s] of out) if (s.count('accept') === 0) out.delete(k);
  return out;
}
