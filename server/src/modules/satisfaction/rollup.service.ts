import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { chinaDay, RATING_DIMENSIONS, type RatingDimension } from '@linli/shared';
import { DataSource, type EntityManager } from 'typeorm';
import { JobRunner } from '../jobs/job-runner.service.js';
import { JobsRepository } from '../jobs/jobs.repository.js';
import type { WorkOrder } from '../work-orders/work-order.entities.js';
import { WorkOrderLifecycle, type LifecycleContext, type OrderChange } from '../work-orders/work-order-lifecycle.js';
import { ROLLUP_JOB, RollupQueue } from './rollup-queue.js';

// ---------------------------------------------------------------------------------------------
// Days and dialects

const DAY_MS = 86_400_000;
/** China Standard Time is UTC+8 all year: a China day starts at 16:00 UTC the day before. */
const CHINA_OFFSET_MS = 8 * 3_600_000;

export type Dialect = 'sqlite' | 'mysql';

export function dialectOf(em: EntityManager): Dialect {
  const type = em.connection.options.type;
  return type === 'mariadb' || type === 'mysql' ? 'mysql' : 'sqlite';
}

function dayUtcMs(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8)));
}

/** The instant a China day (yyyymmdd) starts. */
export function dayStart(day: string): Date {
  return new Date(dayUtcMs(day) - CHINA_OFFSET_MS);
}

/** yyyymmdd plus n days. */
export function addDays(day: string, n: number): string {
  return new Date(dayUtcMs(day) + n * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

/** Whole days from `from` to `to` (yyyymmdd each); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayUtcMs(to) - dayUtcMs(from)) / DAY_MS);
}

/** A Date as both drivers store and compare datetimes: UTC 'yyyy-mm-dd hh:mm:ss.sss'. */
export function sqlTime(at: Date): string {
  return at.toISOString().replace('T', ' ').replace('Z', '');
}

/** A datetime value as a driver returns it (Date on MariaDB, UTC text on SQLite). */
export function toDate(value: unknown): Date | null {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value !== 'string') return null;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
}

/** The China day (yyyymmdd) of a datetime column, in SQL. */
function chinaDayExpr(d: Dialect, column: string): string {
  return d === 'mysql'
    ? `DATE_FORMAT(DATE_ADD(${column}, INTERVAL 8 HOUR), '%Y%m%d')`
    : `strftime('%Y%m%d', ${column}, '+8 hours')`;
}

/** Whole seconds from `a` to `b`, in SQL. */
export function secondsExpr(d: Dialect, a: string, b: string): string {
  return d === 'mysql'
    ? `TIMESTAMPDIFF(SECOND, ${a}, ${b})`
    : `CAST(ROUND((julianday(${b}) - julianday(${a})) * 86400) AS INTEGER)`;
}

// ---------------------------------------------------------------------------------------------
// Counters: what a satisfaction_daily row holds, and what a raw-row computation returns

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
const STORED_FIELDS = SUM_FIELDS.filter((f) => f !== 'complaints');

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

/**
 * Which orders (and so which ratings, clocks, follow-ups) a computation covers. Days are China
 * days, yyyymmdd, both ends included. Leaving out a field means "any".
 */
export interface SliceFilter {
  companyId: number;
  communityIds?: readonly number[];
  /** The house's building, else the public area's, else 0. */
  buildingId?: number;
  category?: string;
  /** The technician who completed the order (0 = not completed yet). */
  technicianIds?: readonly number[];
  fromDay: string;
  toDay: string;
}

// ---------------------------------------------------------------------------------------------
// The raw-row computation: four GROUP BY queries, one per event family

/** An order's attribution: its building (house, else public area, else 0) and technician (completer, else 0). */
const ORDER_JOINS = 'LEFT JOIN house h ON h.id = o.houseId LEFT JOIN public_area pa ON pa.id = o.publicAreaId';
const BUILDING_EXPR = 'COALESCE(h.buildingId, pa.buildingId, 0)';
const TECHNICIAN_EXPR = 'COALESCE(o.completedById, 0)';

interface Family {
  name: 'created' | 'completed' | 'ratings' | 'sla';
  /** FROM ... with the order as `o`. */
  from: string;
  /** The timestamp whose China day the family's counts land on. */
  ts: string;
  where: string[];
  /** [output column, aggregate expression]. */
  fields: Array<[string, string]>;
}

const DIM_COLUMNS = (d: RatingDimension): Array<[string, string]> => [
  [`d_${d}_n`, `SUM(CASE WHEN r.${d} IS NOT NULL THEN 1 ELSE 0 END)`],
  [`d_${d}_sum`, `SUM(COALESCE(r.${d}, 0))`],
];

function slaFields(
  stage: 'accept' | 'arrive' | 'resolve',
  name: 'Accept' | 'Arrive' | 'Resolve',
): Array<[string, string]> {
  return [
    [
      `sla${name}Met`,
      `SUM(CASE WHEN s.stage = '${stage}' AND s.breachedAt IS NULL AND s.stoppedAt <= s.dueAt THEN 1 ELSE 0 END)`,
    ],
    [`sla${name}Total`, `SUM(CASE WHEN s.stage = '${stage}' THEN 1 ELSE 0 END)`],
  ];
}

/**
 * The definitions of every counter (docs/scores.md lists them in words):
 * - created / repeats / complaints land on the day the order was created; a repeat is an order
 *   that repeats a closed one (repeatOfId) or has been repeated by a later one;
 * - completed, firstTimeFixed, reopened, closedUnrated, followUpsDue/Done land on the day the
 *   order was first completed (a cohort: later reopens and follow-ups update that day);
 * - rated, satisfied, stars, fixed, dimensions land on the day the rating was given;
 * - SLA met/total land on the day the stage clock stopped (cancelled and running clocks are
 *   not counted); met = stopped by its deadline and never marked breached.
 */
function families(d: Dialect): Family[] {
  const sevenDaysAfterCompletion =
    d === 'mysql'
      ? 'DATE_ADD(o.firstCompletedAt, INTERVAL 7 DAY)'
      : "strftime('%Y-%m-%d %H:%M:%f', o.firstCompletedAt, '+7 days')";
  // Visits at the first completion: arrivals before the first `complete` event. An order never
  // reopened has had no arrival since, so its `visits` column says the same more cheaply.
  const firstTimeFixed = `SUM(CASE
      WHEN o.reopenCount = 0 THEN (CASE WHEN o.visits = 1 THEN 1 ELSE 0 END)
      WHEN EXISTS (SELECT 1 FROM work_order_event re WHERE re.workOrderId = o.id AND re.action = 'reopen'
                   AND re.createdAt <= ${sevenDaysAfterCompletion}) THEN 0
      WHEN (SELECT COUNT(*) FROM work_order_event ae WHERE ae.workOrderId = o.id AND ae.action = 'arrive'
            AND ae.id < (SELECT MIN(ce.id) FROM work_order_event ce WHERE ce.workOrderId = o.id AND ce.action = 'complete')) = 1
        THEN 1
      ELSE 0 END)`;
  return [
    {
      name: 'created',
      from: `work_order o ${ORDER_JOINS}`,
      ts: 'o.createdAt',
      where: [],
      fields: [
        ['created', 'COUNT(*)'],
        [
          'repeats',
          'SUM(CASE WHEN o.repeatOfId IS NOT NULL OR EXISTS (SELECT 1 FROM work_order rp WHERE rp.repeatOfId = o.id) THEN 1 ELSE 0 END)',
        ],
        ['complaints', "SUM(CASE WHEN o.kind = 'complaint' THEN 1 ELSE 0 END)"],
      ],
    },
    {
      name: 'completed',
      from: `work_order o ${ORDER_JOINS}`,
      ts: 'o.firstCompletedAt',
      where: [],
      fields: [
        ['completed', 'COUNT(*)'],
        ['firstTimeFixed', firstTimeFixed],
        ['reopened', 'SUM(CASE WHEN o.reopenCount > 0 THEN 1 ELSE 0 END)'],
        ['closedUnrated', "SUM(CASE WHEN o.unrated = 1 AND o.status = 'closed' THEN 1 ELSE 0 END)"],
        [
          'followUpsDue',
          "SUM((SELECT COUNT(*) FROM follow_up f WHERE f.workOrderId = o.id AND f.status <> 'cancelled'))",
        ],
        ['followUpsDone', "SUM((SELECT COUNT(*) FROM follow_up f WHERE f.workOrderId = o.id AND f.status = 'done'))"],
      ],
    },
    {
      name: 'ratings',
      from: `rating r JOIN work_order o ON o.id = r.workOrderId ${ORDER_JOINS}`,
      ts: 'r.createdAt',
      where: [],
      fields: [
        ['rated', 'COUNT(*)'],
        ['satisfied', 'SUM(CASE WHEN r.stars >= 4 THEN 1 ELSE 0 END)'],
        ['sumStars', 'SUM(r.stars)'],
        ['sumStarsSq', 'SUM(r.stars * r.stars)'],
        ['fixedYes', 'SUM(CASE WHEN r.fixed = 1 THEN 1 ELSE 0 END)'],
        ['fixedNo', 'SUM(CASE WHEN r.fixed = 0 THEN 1 ELSE 0 END)'],
        ...RATING_DIMENSIONS.flatMap(DIM_COLUMNS),
      ],
    },
    {
      name: 'sla',
      from: `sla_clock s JOIN work_order o ON o.id = s.workOrderId ${ORDER_JOINS}`,
      ts: 's.stoppedAt',
      where: ["s.status = 'stopped'"],
      fields: [...slaFields('accept', 'Accept'), ...slaFields('arrive', 'Arrive'), ...slaFields('resolve', 'Resolve')],
    },
  ];
}

function placeholders(n: number): string {
  return new Array(n).fill('?').join(', ');
}

/** WHERE conditions on the order `o` for a slice (the time range is the caller's). */
export function orderConditions(filter: SliceFilter): { where: string[]; params: unknown[] } {
  const where = ['o.companyId = ?'];
  const params: unknown[] = [filter.companyId];
  if (filter.communityIds) {
    if (filter.communityIds.length === 0) where.push('1 = 0');
    else {
      where.push(`o.communityId IN (${placeholders(filter.communityIds.length)})`);
      params.push(...filter.communityIds);
    }
  }
  if (filter.buildingId !== undefined) {
    where.push(`${BUILDING_EXPR} = ?`);
    params.push(filter.buildingId);
  }
  if (filter.category !== undefined) {
    where.push('o.category = ?');
    params.push(filter.category);
  }
  if (filter.technicianIds) {
    if (filter.technicianIds.length === 0) where.push('1 = 0');
    else {
      where.push(`${TECHNICIAN_EXPR} IN (${placeholders(filter.technicianIds.length)})`);
      params.push(...filter.technicianIds);
    }
  }
  return { where, params };
}

/** The SQL of an order attribute, for grouping raw rows (`day`/`month` of the given timestamp). */
export function orderKeyExpr(d: Dialect, key: GroupKey, ts: string): string {
  switch (key) {
    case 'day':
      return chinaDayExpr(d, ts);
    case 'month':
      return `SUBSTR(${chinaDayExpr(d, ts)}, 1, 6)`;
    case 'communityId':
      return 'o.communityId';
    case 'buildingId':
      return BUILDING_EXPR;
    case 'category':
      return 'o.category';
    case 'technicianId':
      return TECHNICIAN_EXPR;
    case 'kind':
      return 'o.kind';
  }
}

function keyString(key: GroupValues, keys: readonly GroupKey[]): string {
  return keys.map((k) => String(key[k])).join('\u0001');
}

function readKey(row: Record<string, unknown>, keys: readonly GroupKey[]): GroupValues {
  const key: GroupValues = {};
  for (const k of keys) {
    const v = row[`k_${k}`];
    key[k] = STRING_KEYS.has(k) ? String(v) : Number(v);
  }
  return key;
}

function readCounters(row: Record<string, unknown>): Partial<Counters> {
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
function mergeByKey(
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

const ROLLUP_COLUMNS = [
  'day',
  'communityId',
  'buildingId',
  'category',
  'technicianId',
  'kind',
  'companyId',
  ...STORED_FIELDS,
  'dimensions',
] as const;

const PARTITION_KEYS: readonly GroupKey[] = ['communityId', 'buildingId', 'category', 'technicianId', 'kind'];

/**
 * Satisfaction rollups: one satisfaction_daily row per (China day, community, building,
 * category, technician, kind), rebuilt per (community, day) partition from raw rows, and the
 * same raw-row computation for any slice (`computeFromRaw`), so the two can be compared.
 * Stateless: every method takes the EntityManager to work in.
 */
@Injectable()
export class RollupService {
  /** Counters straight from raw rows (orders, ratings, follow-ups, SLA clocks), grouped by `keys`. */
  async computeFromRaw(
    em: EntityManager,
    filter: SliceFilter,
    keys: readonly GroupKey[] = [],
    opts: { ratingsOnly?: boolean } = {},
  ): Promise<CounterRow[]> {
    const d = dialectOf(em);
    const from = sqlTime(dayStart(filter.fromDay));
    const to = sqlTime(dayStart(addDays(filter.toDay, 1)));
    const slice = orderConditions(filter);
    const parts: Array<{ key: GroupValues; part: Partial<Counters> }> = [];
    for (const fam of families(d)) {
      if (opts.ratingsOnly && fam.name !== 'ratings') continue;
      const select = [
        ...keys.map((k) => `${orderKeyExpr(d, k, fam.ts)} AS k_${k}`),
        ...fam.fields.map(([name, expr]) => `${expr} AS ${name}`),
      ];
      const where = [`${fam.ts} >= ?`, `${fam.ts} < ?`, ...slice.where, ...fam.where];
      const sql =
        `SELECT ${select.join(', ')} FROM ${fam.from} WHERE ${where.join(' AND ')}` +
        (keys.length ? ` GROUP BY ${keys.map((k) => `k_${k}`).join(', ')}` : '');
      const rows: Array<Record<string, unknown>> = await em.query(sql, [from, to, ...slice.params]);
      for (const row of rows) parts.push({ key: readKey(row, keys), part: readCounters(row) });
    }
    return mergeByKey(parts, keys);
  }

  /** The same counters summed from satisfaction_daily. */
  async fromRollups(
    em: EntityManager,
    filter: SliceFilter,
    keys: readonly GroupKey[] = [],
    opts: { ratingsOnly?: boolean } = {},
  ): Promise<CounterRow[]> {
    const where = ['companyId = ?', '`day` >= ?', '`day` <= ?'];
    const params: unknown[] = [filter.companyId, filter.fromDay, filter.toDay];
    const list = (column: string, ids: readonly number[] | undefined) => {
      if (!ids) return;
      if (ids.length === 0) where.push('1 = 0');
      else {
        where.push(`${column} IN (${placeholders(ids.length)})`);
        params.push(...ids);
      }
    };
    list('communityId', filter.communityIds);
    if (filter.buildingId !== undefined) {
      where.push('buildingId = ?');
      params.push(filter.buildingId);
    }
    if (filter.category !== undefined) {
      where.push('category = ?');
      params.push(filter.category);
    }
    list('technicianId', filter.technicianIds);
    const keyExpr = (k: GroupKey) => (k === 'month' ? 'SUBSTR(`day`, 1, 6)' : k === 'day' ? '`day`' : k);
    const keySelect = keys.map((k) => `${keyExpr(k)} AS k_${k}`);
    const fields = opts.ratingsOnly
      ? ['rated', 'satisfied', 'sumStars', 'sumStarsSq'].map((f) => `SUM(${f}) AS ${f}`)
      : [
          ...STORED_FIELDS.map((f) => `SUM(${f}) AS ${f}`),
          "SUM(CASE WHEN kind = 'complaint' THEN created ELSE 0 END) AS complaints",
        ];
    // The primary key starts with the day: a clustered range scan. MariaDB prefers the
    // (companyId, day) index by companyId alone, then a row lookup per entry (5x slower here).
    const from = `satisfaction_daily${dialectOf(em) === 'mysql' ? ' FORCE INDEX (PRIMARY)' : ''}`;
    const rows: Array<Record<string, unknown>> = await em.query(
      `SELECT ${[...keySelect, ...fields].join(', ')} FROM ${from} WHERE ${where.join(' AND ')}` +
        (keys.length ? ` GROUP BY ${keys.map((k) => `k_${k}`).join(', ')}` : ''),
      params,
    );
    const parts = rows.map((row) => ({ key: readKey(row, keys), part: readCounters(row) }));
    if (!opts.ratingsOnly) {
      // Dimension sums are JSON: fetched for the rows with ratings and added up here, which is
      // several times cheaper than json_extract per row and path in SQL.
      const rated: Array<Record<string, unknown>> = await em.query(
        `SELECT ${[...keySelect, 'dimensions'].join(', ')} FROM ${from} WHERE ${where.join(' AND ')} AND rated > 0`,
        params,
      );
      for (const row of rated) {
        const dims = JSON.parse(String(row.dimensions)) as Partial<DimensionSums>;
        const dimensions = Object.fromEntries(
          RATING_DIMENSIONS.map((d) => [d, { n: dims[d]?.n ?? 0, sum: dims[d]?.sum ?? 0 }]),
        ) as DimensionSums;
        parts.push({ key: readKey(row, keys), part: { dimensions } });
      }
    }
    return mergeByKey(parts, keys);
  }

  /** Rebuild one (community, China day) partition from raw rows. Returns the rows written. */
  async recompute(em: EntityManager, communityId: number, day: string): Promise<number> {
    const found: Array<{ companyId: unknown }> = await em.query('SELECT companyId FROM community WHERE id = ?', [
      communityId,
    ]);
    await em.query('DELETE FROM satisfaction_daily WHERE `day` = ? AND communityId = ?', [day, communityId]);
    if (!found.length) return 0;
    const companyId = Number(found[0].companyId);
    const rows = await this.computeFromRaw(
      em,
      { companyId, communityIds: [communityId], fromDay: day, toDay: day },
      PARTITION_KEYS,
    );
    await this.insertRows(
      em,
      companyId,
      rows.map((r) => ({ ...r, key: { ...r.key, day } })),
    );
    return rows.length;
  }

  /**
   * Rebuild every partition of a company in [fromDay, toDay] (a bulk load, a repair, the
   * benchmark): the same computation, grouped by day too, `chunkDays` at a time.
   */
  async rebuild(
    em: EntityManager,
    companyId: number,
    fromDay: string,
    toDay: string,
    chunkDays = 31,
  ): Promise<{ rows: number }> {
    let rows = 0;
    for (let start = fromDay; start <= toDay; start = addDays(start, chunkDays)) {
      const end = addDays(start, chunkDays - 1) < toDay ? addDays(start, chunkDays - 1) : toDay;
      await em.query('DELETE FROM satisfaction_daily WHERE companyId = ? AND `day` >= ? AND `day` <= ?', [
        companyId,
        start,
        end,
      ]);
      const computed = await this.computeFromRaw(em, { companyId, fromDay: start, toDay: end }, [
        'day',
        ...PARTITION_KEYS,
      ]);
      await this.insertRows(em, companyId, computed);
      rows += computed.length;
    }
    return { rows };
  }

  /**
   * The `rollup` job's work for one community: take its dirty days (locked, then deleted, so a
   * concurrent markDirty either waits and re-marks, or was seen by this recompute) and rebuild each.
   *
   * SKIP LOCKED: a day marked by a transaction still running is left for the next job (or the
   * sweep). Waiting for it could never end on its own: on MariaDB this runs in a transaction of
   * its own while the job's claim holds gap locks on scheduled_job, and the marking transaction
   * may be waiting to insert its own jobs there; InnoDB cannot see a cycle that passes through
   * the application, so all three sat until the 50 s lock wait timeout (seen as stalled creates
   * in the SIGKILL fault test).
   */
  async processDirty(em: EntityManager, communityId: number): Promise<string[]> {
    const lock = dialectOf(em) === 'mysql' ? ' FOR UPDATE SKIP LOCKED' : '';
    const dirty: Array<{ day: string }> = await em.query(
      `SELECT \`day\` FROM rollup_dirty WHERE communityId = ? ORDER BY \`day\`${lock}`,
      [communityId],
    );
    const days = dirty.map((r) => String(r.day));
    if (!days.length) return [];
    await em.query(`DELETE FROM rollup_dirty WHERE communityId = ? AND \`day\` IN (${placeholders(days.length)})`, [
      communityId,
      ...days,
    ]);
    for (const day of days) await this.recompute(em, communityId, day);
    return days;
  }

  private async insertRows(em: EntityManager, companyId: number, rows: CounterRow[]): Promise<void> {
    const CHUNK = 400;
    const columns = ROLLUP_COLUMNS.map((c) => (c === 'day' ? '`day`' : c)).join(', ');
    const one = `(${placeholders(ROLLUP_COLUMNS.length)})`;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const params: unknown[] = [];
      for (const { key, counters } of chunk) {
        const dims: Partial<DimensionSums> = {};
        for (const dim of RATING_DIMENSIONS) if (counters.dimensions[dim].n > 0) dims[dim] = counters.dimensions[dim];
        params.push(key.day, key.communityId, key.buildingId, key.category, key.technicianId, key.kind, companyId);
        for (const f of STORED_FIELDS) params.push(counters[f]);
        params.push(JSON.stringify(dims));
      }
      await em.query(
        `INSERT INTO satisfaction_daily (${columns}) VALUES ${new Array(chunk.length).fill(one).join(', ')}`,
        params,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Keeping rollups fresh

/** Actions that stop SLA clocks: the day they happen changes. */
const CLOCK_STOPPING = new Set(['accept', 'grab', 'arrive']);
/** Actions that change what an order counts on several days (attribution, cohort columns). */
const ORDER_WIDE = new Set(['complete', 'reopen', 'confirm', 'auto_close']);

/**
 * Marks partitions dirty on every order event (through the work-order lifecycle, in the
 * event's transaction), runs the `rollup` job that recomputes them, and sweeps up dirty days
 * whose job went missing (a mark that raced a finishing job).
 */
@Injectable()
export class RollupMaintainer implements OnModuleInit {
  private readonly logger = new Logger(RollupMaintainer.name);

  constructor(
    @Inject(WorkOrderLifecycle) private readonly lifecycle: WorkOrderLifecycle,
    @Inject(JobRunner) private readonly runner: JobRunner,
    @Inject(JobsRepository) private readonly jobs: JobsRepository,
    @Inject(RollupQueue) private readonly queue: RollupQueue,
    @Inject(RollupService) private readonly rollups: RollupService,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  onModuleInit(): void {
    this.lifecycle.register('rollups', {
      afterCreate: (ctx, order) => this.onCreate(ctx, order),
      afterTransition: (ctx, change) => this.onTransition(ctx, change),
    });
    this.runner.register(ROLLUP_JOB, async (em, job) => {
      const communityId = job.refId;
      if (communityId === null) return;
      // On MariaDB the job's transaction read its snapshot when it claimed the job: an event
      // committed since would be missed. Recompute in a READ COMMITTED transaction of its own
      // (idempotent if the job then fails and runs again). SQLite runs one writer at a time.
      if (dialectOf(em) === 'mysql') {
        await this.ds.transaction('READ COMMITTED', (own) => this.rollups.processDirty(own, communityId));
      } else {
        await this.rollups.processDirty(em, communityId);
      }
    });
    this.runner.addTickTask('rollup sweep', (now) => this.sweep(now));
  }

  private async onCreate(ctx: LifecycleContext, order: WorkOrder): Promise<void> {
    const days = new Set([chinaDay(order.createdAt)]);
    // The order it repeats now "has a repeat": its creation day changes too. The closed loop's
    // hook links repeats and runs before this one (ScoresModule imports RatingsModule for
    // that), setting order.repeatOfId on the object every hook sees.
    if (order.repeatOfId !== null) {
      const rows: Array<{ createdAt: unknown }> = await ctx.em.query('SELECT createdAt FROM work_order WHERE id = ?', [
        order.repeatOfId,
      ]);
      const at = toDate(rows[0]?.createdAt);
      if (at) days.add(chinaDay(at));
    }
    for (const day of days) await this.queue.markDirty(ctx.em, order.communityId, dayStart(day), ctx.now);
  }

  private async onTransition(ctx: LifecycleContext, change: OrderChange): Promise<void> {
    const days = new Set<string>();
    if (CLOCK_STOPPING.has(change.action) || ORDER_WIDE.has(change.action)) days.add(chinaDay(ctx.now));
    if (ORDER_WIDE.has(change.action)) for (const day of await this.daysOf(ctx.em, change.order)) days.add(day);
    for (const day of days) await this.queue.markDirty(ctx.em, change.order.communityId, dayStart(day), ctx.now);
  }

  /** Every day an order counts on: created, first completed, rated, its clocks stopped. */
  async daysOf(em: EntityManager, order: WorkOrder): Promise<Set<string>> {
    const days = new Set([chinaDay(order.createdAt)]);
    if (order.firstCompletedAt) days.add(chinaDay(order.firstCompletedAt));
    const rated: Array<{ at: unknown }> = await em.query('SELECT createdAt AS at FROM rating WHERE workOrderId = ?', [
      order.id,
    ]);
    const stopped: Array<{ at: unknown }> = await em.query(
      "SELECT stoppedAt AS at FROM sla_clock WHERE workOrderId = ? AND status = 'stopped'",
      [order.id],
    );
    for (const r of [...rated, ...stopped]) {
      const at = toDate(r.at);
      if (at) days.add(chinaDay(at));
    }
    return days;
  }

  /** Dirty days with no pending job (a mark that raced the job finishing): queue their job. */
  async sweep(now: Date): Promise<number> {
    const orphans: Array<{ communityId: unknown }> = await this.ds.query(
      `SELECT DISTINCT d.communityId FROM rollup_dirty d WHERE NOT EXISTS (
         SELECT 1 FROM scheduled_job j WHERE j.kind = ? AND j.refId = d.communityId AND j.status = 'pending')`,
      [ROLLUP_JOB],
    );
    for (const o of orphans) {
      await this.ds.transaction((em) =>
        this.jobs.schedule(em, { kind: ROLLUP_JOB, dueAt: now, refId: Number(o.communityId) }),
      );
    }
    if (orphans.length) this.logger.debug(`queued rollup jobs for ${orphans.length} communities with stray marks`);
    return orphans.length;
  }
}
