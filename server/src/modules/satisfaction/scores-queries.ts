/**
 * The scores' queries: counters of a slice (from the rollups or raw rows), weighted rating sums
 * (time-decayed when rolling), durations and key-driver rows from raw rows, team membership and
 * display names. Reads only; no formulas beyond summing (the assembly is scores.service.ts).
 */
import {
  addDays,
  daysBetween,
  decayWeight,
  emptyMoments,
  mergeMoments,
  starMoments,
  startOfChinaDay,
  type DriverRow,
  type WeightedMoments,
} from '@linli/shared';
import type { DataSource, EntityManager } from 'typeorm';
import { rowKey, type CounterRow, type GroupKey } from './rollup-counters.js';
import { dialectOf, secondsExpr, sqlTime } from './rollup-days.js';
import { orderConditions, orderKeyExpr, type SliceFilter } from './rollup-sql.js';
import type { RollupService } from './rollup.service.js';
import { readSketches } from './rollup-cube.js';
import type { DurationSketch } from './rollup-sketch.js';

/** Where counters come from: the daily rollups (the API), or raw rows (tests, benchmarks). */
export type Source = 'rollup' | 'raw';

/** Key drivers read raw rating rows: at most this many, the newest of the period. */
export const DRIVER_MAX_ROWS = 200_000;

/** Exact minutes per stage, or (large slices) a sketch whose percentiles are estimates. */
export type Durations = Record<'accept' | 'arrive' | 'resolve', number[]> & { sketch?: DurationSketch };

/** A slice with more orders than this reads its durations from the sketches (estimates). */
export const EXACT_DURATIONS_MAX = 2_000;
export type Row = Record<string, unknown>;

export function emptyDurations(): Durations {
  return { accept: [], arrive: [], resolve: [] };
}

/** The period a slice's rating sums are weighted by (ResolvedSlice has it). */
export interface RatingPeriod {
  rolling: boolean;
  asOfDay: string;
}

export class ScoreQueries {
  constructor(
    private readonly ds: DataSource,
    private readonly rollups: RollupService,
  ) {}

  private get em(): EntityManager {
    return this.ds.manager;
  }

  /** Counters per group; `ratingsOnly` lets the raw path skip the other event families. */
  counters(
    filter: SliceFilter,
    keys: readonly GroupKey[],
    source: Source,
    ratingsOnly = false,
    hotspotsOnly = false,
  ): Promise<CounterRow[]> {
    return source === 'rollup'
      ? this.rollups.fromRollups(this.em, filter, keys, { ratingsOnly, hotspotsOnly })
      : this.rollups.computeFromRaw(this.em, filter, keys, { ratingsOnly });
  }

  /**
   * The weighted rating sums per group: w = 1 for a fixed period; rolling, each day's ratings
   * weigh decayWeight(whole days from that day to asOf).
   */
  async ratingSums(
    s: RatingPeriod,
    filter: SliceFilter,
    keys: readonly GroupKey[],
    source: Source,
    rows?: CounterRow[],
  ): Promise<Map<string, WeightedMoments>> {
    const out = new Map<string, WeightedMoments>();
    if (!s.rolling) {
      for (const r of rows ?? (await this.counters(filter, keys, source, true))) {
        out.set(rowKey(r.key, keys), starMoments(r.counters));
      }
      return out;
    }
    const daily = await this.counters(filter, ['day', ...keys], source, true);
    for (const r of daily) {
      const k = rowKey(r.key, keys);
      const w = decayWeight(daysBetween(String(r.key.day), s.asOfDay));
      out.set(k, mergeMoments(out.get(k) ?? emptyMoments(), starMoments(r.counters, w)));
    }
    return out;
  }

  /**
   * Minutes from creation to first acceptance, arrival and completion of the period's orders:
   * from the duration sketches (estimates within SKETCH_RELATIVE_ERROR) when they serve the slice
   * and it holds more than EXACT_DURATIONS_MAX orders, else exact from raw rows.
   */
  async durations(
    filter: SliceFilter,
    key: GroupKey | null,
    source: Source = 'rollup',
  ): Promise<Map<string, Durations>> {
    if (source === 'rollup' && (key === null || key === 'technicianId')) {
      const sketches = await readSketches(this.em, filter, key === 'technicianId');
      let n = 0;
      for (const s of sketches?.values() ?? []) n += s.count('accept');
      if (sketches && n > EXACT_DURATIONS_MAX) {
        return new Map([...sketches].map(([k, sketch]) => [k, { ...emptyDurations(), sketch }]));
      }
    }
    return this.exactDurations(filter, key);
  }

  /** Exact durations from raw rows. */
  async exactDurations(filter: SliceFilter, key: GroupKey | null): Promise<Map<string, Durations>> {
    const d = dialectOf(this.em);
    const slice = orderConditions(filter);
    const keySql = key ? `${orderKeyExpr(d, key, 'o.createdAt')} AS k, ` : '';
    const rows: Row[] = await this.em.query(
      `SELECT ${keySql}${secondsExpr(d, 'o.createdAt', 'o.acceptedAt')} AS a,
              ${secondsExpr(d, 'o.createdAt', 'o.arrivedAt')} AS v,
              ${secondsExpr(d, 'o.createdAt', 'o.firstCompletedAt')} AS r
         FROM work_order o LEFT JOIN house h ON h.id = o.houseId LEFT JOIN public_area pa ON pa.id = o.publicAreaId
        WHERE o.createdAt >= ? AND o.createdAt < ? AND o.acceptedAt IS NOT NULL AND ${slice.where.join(' AND ')}`,
      [sqlTime(startOfChinaDay(filter.fromDay)), sqlTime(startOfChinaDay(addDays(filter.toDay, 1))), ...slice.params],
    );
    const out = new Map<string, Durations>();
    for (const row of rows) {
      const k = key ? String(row.k) : '';
      let acc = out.get(k);
      if (!acc) out.set(k, (acc = emptyDurations()));
      if (row.a !== null) acc.accept.push(Number(row.a) / 60);
      if (row.v !== null) acc.arrive.push(Number(row.v) / 60);
      if (row.r !== null) acc.resolve.push(Number(row.r) / 60);
    }
    return out;
  }

  /** The overall stars and dimensions of the period's ratings, newest first (raw rows). */
  async driverRows(filter: SliceFilter): Promise<DriverRow[]> {
    const slice = orderConditions(filter);
    const rows: Row[] = await this.em.query(
      `SELECT r.stars, r.speed, r.workmanship, r.attitude, r.communication
         FROM rating r JOIN work_order o ON o.id = r.workOrderId
         LEFT JOIN house h ON h.id = o.houseId LEFT JOIN public_area pa ON pa.id = o.publicAreaId
        WHERE r.createdAt >= ? AND r.createdAt < ? AND ${slice.where.join(' AND ')}
        ORDER BY r.createdAt DESC LIMIT ${DRIVER_MAX_ROWS}`,
      [sqlTime(startOfChinaDay(filter.fromDay)), sqlTime(startOfChinaDay(addDays(filter.toDay, 1))), ...slice.params],
    );
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    return rows.map((r) => ({
      overall: Number(r.stars),
      speed: num(r.speed),
      workmanship: num(r.workmanship),
      attitude: num(r.attitude),
      communication: num(r.communication),
    }));
  }

  // -------------------------------------------------------------------------------------------
  // Teams

  async teamMembers(teamId: number): Promise<number[]> {
    const rows: Row[] = await this.em.query('SELECT userId FROM team_member WHERE teamId = ? ORDER BY userId', [
      teamId,
    ]);
    return rows.map((r) => Number(r.userId));
  }

  /** technician -> the ids of their teams, lowest first. */
  async teamsOf(technicianIds: number[]): Promise<Map<number, number[]>> {
    const out = new Map<number, number[]>();
    if (!technicianIds.length) return out;
    const rows: Row[] = await this.em.query(
      `SELECT teamId, userId FROM team_member WHERE userId IN (${technicianIds.map(() => '?').join(', ')}) ORDER BY teamId`,
      technicianIds,
    );
    for (const r of rows) {
      const list = out.get(Number(r.userId)) ?? [];
      list.push(Number(r.teamId));
      out.set(Number(r.userId), list);
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Names

  async names(table: 'user' | 'team', ids: number[]): Promise<Map<number, string>> {
    if (!ids.length) return new Map();
    const rows: Row[] = await this.em.query(
      `SELECT id, name FROM \`${table}\` WHERE id IN (${ids.map(() => '?').join(', ')})`,
      ids,
    );
    return new Map(rows.map((r) => [Number(r.id), String(r.name)]));
  }

  async categoryNames(companyId: number): Promise<Map<string, string>> {
    const rows: Row[] = await this.em.query('SELECT code, name FROM category WHERE companyId = ?', [companyId]);
    return new Map(rows.map((r) => [String(r.code), String(r.name)]));
  }

  /** building id -> "小区 楼栋". */
  async buildingNames(ids: number[]): Promise<Map<string, string>> {
    const real = [...new Set(ids.filter((id) => id !== 0))];
    if (!real.length) return new Map();
    const rows: Row[] = await this.em.query(
      `SELECT b.id, b.name, c.name AS community FROM building b JOIN community c ON c.id = b.communityId
        WHERE b.id IN (${real.map(() => '?').join(', ')})`,
      real,
    );
    return new Map(rows.map((r) => [String(r.id), `${String(r.community)} ${String(r.name)}`]));
  }

  async buildingCommunities(ids: number[]): Promise<Map<number, number>> {
    const real = [...new Set(ids.filter((id) => id !== 0))];
    if (!real.length) return new Map();
    const rows: Row[] = await this.em.query(
      `SELECT id, communityId FROM building WHERE id IN (${real.map(() => '?').join(', ')})`,
      real,
    );
    return new Map(rows.map((r) => [Number(r.id), Number(r.communityId)]));
  }
}
