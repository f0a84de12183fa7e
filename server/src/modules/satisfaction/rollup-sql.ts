/**
 * The KPI SQL: which orders a slice covers, and the four GROUP BY queries over raw rows (one per
 * event family) that define every counter. The rollups store exactly what these compute
 * (rollup.service.ts runs them; docs/scores.md lists the counters in words). "Satisfied" is
 * `SATISFIED_MIN_STARS` of @linli/shared, interpolated, not a second definition.
 */
import { RATING_DIMENSIONS, SATISFIED_MIN_STARS, type RatingDimension } from '@linli/shared';
import { STORED_FIELDS, type GroupKey } from './rollup-counters.js';
import { chinaDayExpr, type Dialect } from './rollup-days.js';

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

/** An order's attribution: its building (house, else public area, else 0) and technician (completer, else 0). */
export const ORDER_JOINS = 'LEFT JOIN house h ON h.id = o.houseId LEFT JOIN public_area pa ON pa.id = o.publicAreaId';
export const BUILDING_EXPR = 'COALESCE(h.buildingId, pa.buildingId, 0)';
export const TECHNICIAN_EXPR = 'COALESCE(o.completedById, 0)';

export interface Family {
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
export function families(d: Dialect): Family[] {
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
        ['satisfied', `SUM(CASE WHEN r.stars >= ${SATISFIED_MIN_STARS} THEN 1 ELSE 0 END)`],
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

export function placeholders(n: number): string {
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

/** The columns of satisfaction_daily, in insert order. */
export const ROLLUP_COLUMNS = [
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

/** The key of a satisfaction_daily row besides its day. */
export const PARTITION_KEYS: readonly GroupKey[] = ['communityId', 'buildingId', 'category', 'technicianId', 'kind'];
