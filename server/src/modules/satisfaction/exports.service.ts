import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  addDays,
  DIMENSION_LABELS,
  formatChinaDateTime,
  KIND_LABELS,
  PRIORITY_LABELS,
  RATING_DIMENSIONS,
  SLA_STATE_LEVEL,
  startOfChinaDay,
  STATUS_LABELS,
  type Priority,
  type WorkOrderKind,
  type WorkOrderStatus,
} from '@linli/shared';
import ExcelJS from 'exceljs';
import { DataSource, type EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error.js';
import { escapeLike, LIKE_ESCAPE } from '../../common/db-errors.js';
import { LIVE_SLA_LEVEL_SQL } from '../sla/sla-sql.js';
import type { Actor } from '../../common/auth/actor.js';
import { sqlTime, toDate } from './rollup-days.js';
import { orderConditions, type SliceFilter } from './rollup-sql.js';
import type { BreakdownQuery, BreakdownRow, BreakdownView, ExportOrdersQuery, SummaryView } from './scores.dto.js';
import { ScoresService } from './scores.service.js';

/** The SLA module's live level of an order, on the export's alias `o` (the list's is `wo`). */
const LIVE_SLA_LEVEL_O = LIVE_SLA_LEVEL_SQL.replace(/\bwo\./g, 'o.');

/** SQL conditions (on work_order `o`) of the work-order list's filters an export also takes. */
function listConditions(q: ExportOrdersQuery): OrdersExportPlan['extra'] {
  const where: string[] = [];
  const params: unknown[] = [];
  const inList = (column: string, values: string[] | undefined) => {
    if (!values?.length) return;
    where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  inList('o.status', q.status);
  inList('o.priority', q.priority);
  if (q.category !== undefined) {
    where.push('o.category = ?');
    params.push(q.category);
  }
  if (q.kind !== undefined) {
    where.push('o.kind = ?');
    params.push(q.kind);
  }
  if (q.assigneeId !== undefined) {
    where.push('o.assigneeId = ?');
    params.push(q.assigneeId);
  }
  // The live SLA level and the keyword, as the list has them (work-orders.repository.ts).
  if (q.slaState?.length) {
    where.push(`${LIVE_SLA_LEVEL_O} IN (${q.slaState.map(() => '?').join(', ')})`);
    params.push(...q.slaState.map((st) => SLA_STATE_LEVEL[st]));
  }
  if (q.q !== undefined) {
    where.push(`(o.no = ? OR o.description LIKE ? ESCAPE '${LIKE_ESCAPE}')`);
    params.push(q.q, `%${escapeLike(q.q)}%`);
  }
  return { where, params };
}

/** An export may hold at most this many orders; narrow the period or the community beyond it. */
export const MAX_EXPORT_ROWS = 200_000;
const PAGE = 2_000;

/** Columns of the orders export: Chinese headers, as the property office reads them. */
const ORDER_COLUMNS = [
  '工单号',
  '小区',
  '楼栋',
  '位置',
  '类型',
  '类别',
  '优先级',
  '状态',
  '报修时间',
  '接单时间',
  '到场时间',
  '首次完工时间',
  '关闭时间',
  '维修师傅',
  '上门次数',
  '返修次数',
  '重复报修',
  '评价星级',
  '是否修好',
  '未评价关闭',
  '描述',
] as const;

export interface ScoresExportPlan {
  summary: SummaryView;
  breakdown: BreakdownView;
  name: string;
}

export interface OrdersExportPlan {
  filter: SliceFilter;
  /** Conditions of the list filters (status, priority, category, kind, assignee) on `o`. */
  extra: { where: string[]; params: unknown[] };
  rows: number;
  /** File name without extension, ASCII. */
  name: string;
}

type Cell = string | number | null;
type Row = Record<string, unknown>;

/** China local time, minutes: how the office reads times. */
function chinaTime(value: unknown): string {
  const at = toDate(value);
  return at ? formatChinaDateTime(at) : '';
}

/** A text column as the driver returns it. */
const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const yesNo = (v: unknown) => (v === null || v === undefined ? '' : Number(v) ? '是' : '否');

/**
 * Text that a spreadsheet would run as a formula (`=cmd|…`, `+`, `-`, `@`, a leading tab or CR)
 * gets a leading quote; numbers stay numbers. Both exports use it: an xlsx string cell is not
 * evaluated, but the sheet may be saved as CSV and opened again.
 */
export function defuseCell(value: Cell): Cell {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** A CSV field: quoted when needed; text that a spreadsheet would run as a formula is defused. */
export function csvField(value: Cell): string {
  if (value === null) return '';
  const text = String(defuseCell(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function write(out: Writable, chunk: string | Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

const pct = (v: number | null) => (v === null ? null : Math.round(v * 10000) / 100);
const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

/** Orders as CSV or Excel, and scores as Excel: streamed page by page, bounded in size. */
@Injectable()
export class ExportsService {
  constructor(
    // Only `query` is used: a DataSource (the primary) or a replica connection's EntityManager.
    @InjectDataSource() private readonly ds: Pick<DataSource, 'query'>,
    @Inject(ScoresService) private readonly scores: ScoresService,
  ) {}

  /** The same exports reading through `em` (a read replica's connection from ReplicaReader). */
  on(em: EntityManager): ExportsService {
    return new ExportsService(em, this.scores.on(em));
  }

  /** Check access and size before a byte is sent: an error can still be a proper answer. */
  async planOrders(actor: Actor, query: ExportOrdersQuery): Promise<OrdersExportPlan> {
    const slice = await this.scores.resolve(actor, { from: query.from, to: query.to, communityId: query.communityId });
    const extra = listConditions(query);
    const { sql, params } = this.ordersWhere(slice.filter, extra);
    const [{ n }] = await this.ds.query<Row[]>(`SELECT COUNT(*) AS n FROM work_order o WHERE ${sql}`, params);
    const rows = Number(n);
    if (rows > MAX_EXPORT_ROWS) {
      throw new AppError('VALIDATION_FAILED', `the export would hold ${rows} orders`, [
        {
          field: 'to',
          problems: [`at most ${MAX_EXPORT_ROWS} orders per export: shorten the period or pick a community`],
        },
      ]);
    }
    const name = `orders-${query.from}_${query.to}${query.communityId ? `-c${query.communityId}` : ''}`;
    return { filter: slice.filter, extra, rows, name };
  }

  private ordersWhere(filter: SliceFilter, extra: OrdersExportPlan['extra']): { sql: string; params: unknown[] } {
    const slice = orderConditions({ ...filter, buildingId: undefined, category: undefined, technicianIds: undefined });
    return {
      sql: ['o.createdAt >= ?', 'o.createdAt < ?', ...slice.where, ...extra.where].join(' AND '),
      params: [
        sqlTime(startOfChinaDay(filter.fromDay)),
        sqlTime(startOfChinaDay(addDays(filter.toDay, 1))),
        ...slice.params,
        ...extra.params,
      ],
    };
  }

  /** The export's rows, a page at a time, in order id order (keyset paging: no OFFSET scans). */
  async *orderPages(plan: OrdersExportPlan): AsyncGenerator<Cell[][]> {
    const { sql, params } = this.ordersWhere(plan.filter, plan.extra);
    const categories = await this.scores.categoryNames(plan.filter.companyId);
    let after = 0;
    for (;;) {
      const rows: Row[] = await this.ds.query(
        `SELECT o.id, o.no, c.name AS community, b.name AS building, h.label AS house, pa.name AS area,
                o.kind, o.category, o.priority, o.status, o.createdAt, o.acceptedAt, o.arrivedAt,
                o.firstCompletedAt, o.closedAt, u.name AS technician, o.visits, o.reopenCount, o.repeatOfId,
                r.stars, r.fixed, o.unrated, o.description
           FROM work_order o
           JOIN community c ON c.id = o.communityId
           LEFT JOIN house h ON h.id = o.houseId
           LEFT JOIN public_area pa ON pa.id = o.publicAreaId
           LEFT JOIN building b ON b.id = COALESCE(h.buildingId, pa.buildingId)
           LEFT JOIN \`user\` u ON u.id = o.completedById
           LEFT JOIN rating r ON r.id = COALESCE(
                  (SELECT MIN(r1.id) FROM rating r1 WHERE r1.workOrderId = o.id AND r1.raterId = o.reporterId),
                  (SELECT MIN(r2.id) FROM rating r2 WHERE r2.workOrderId = o.id))
          WHERE ${sql} AND o.id > ?
          ORDER BY o.id LIMIT ${PAGE}`,
        [...params, after],
      );
      if (!rows.length) return;
      after = Number(rows[rows.length - 1].id);
      yield rows.map((r) => [
        String(r.no),
        String(r.community),
        r.building === null ? '' : text(r.building),
        text(r.house ?? r.area ?? ''),
        KIND_LABELS[r.kind as WorkOrderKind] ?? String(r.kind),
        categories.get(String(r.category)) ?? String(r.category),
        PRIORITY_LABELS[r.priority as Priority] ?? String(r.priority),
        STATUS_LABELS[r.status as WorkOrderStatus] ?? String(r.status),
        chinaTime(r.createdAt),
        chinaTime(r.acceptedAt),
        chinaTime(r.arrivedAt),
        chinaTime(r.firstCompletedAt),
        chinaTime(r.closedAt),
        r.technician === null ? '' : text(r.technician),
        Number(r.visits),
        Number(r.reopenCount),
        r.repeatOfId === null ? '否' : '是',
        r.stars === null ? null : Number(r.stars),
        yesNo(r.fixed),
        yesNo(r.unrated),
        String(r.description),
      ]);
      if (rows.length < PAGE) return;
    }
  }

  /** UTF-8 with a byte-order mark, so Excel opens the Chinese text as such; CRLF lines. */
  async writeOrdersCsv(plan: OrdersExportPlan, out: Writable): Promise<void> {
    await write(out, `\uFEFF${ORDER_COLUMNS.join(',')}\r\n`);
    for await (const page of this.orderPages(plan)) {
      await write(out, page.map((row) => `${row.map(csvField).join(',')}\r\n`).join(''));
    }
  }

  async writeOrdersXlsx(plan: OrdersExportPlan, out: Writable): Promise<void> {
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
    const sheet = book.addWorksheet('工单');
    sheet.addRow([...ORDER_COLUMNS]).commit();
    for await (const page of this.orderPages(plan)) {
      for (const row of page) sheet.addRow(row.map(defuseCell)).commit();
    }
    sheet.commit();
    await book.commit();
  }

  /** The slice's summary and its breakdown by `by`: computed first (errors are still answers), then written. */
  async planScores(actor: Actor, query: BreakdownQuery): Promise<ScoresExportPlan> {
    const slice = await this.scores.resolve(actor, query);
    const summary = await this.scores.summaryOf(slice);
    const breakdown = await this.scores.breakdownOf(slice, query.by);
    return { summary, breakdown, name: `scores-${query.by}-${query.from}_${query.to}` };
  }

  /** Two sheets: 汇总 (the summary) and 分组 (one row per group). */
  async writeScoresXlsx({ summary, breakdown }: ScoresExportPlan, out: Writable): Promise<void> {
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
    const first = book.addWorksheet('汇总');
    first.addRow(['指标', '数值']).commit();
    for (const row of summaryRows(summary)) first.addRow(row.map(defuseCell)).commit();
    first.commit();
    const second = book.addWorksheet('分组');
    const technician = breakdown.by === 'technician';
    second.addRow([...BREAKDOWN_COLUMNS, ...(technician ? ['同类别期望指数', '公平比较差值', '排名'] : [])]).commit();
    for (const row of breakdown.rows) {
      const extra: Cell[] = technician
        ? [
            round1(row.fair?.expected ?? null),
            round1(row.fair?.delta ?? null),
            row.rank ?? (row.enoughData ? '无可比数据' : '数据不足'),
          ]
        : [];
      second.addRow([...breakdownCells(row), ...extra].map(defuseCell)).commit();
    }
    second.commit();
    await book.commit();
  }
}

const BREAKDOWN_COLUMNS = [
  '分组',
  '满意度指数',
  '有效样本',
  'CSAT%',
  'CSAT下限%',
  'CSAT上限%',
  '评价数',
  '完工数',
  '参评率%',
  '首次修复率%',
  '重复报修率%',
  '返修率%',
  '回访覆盖率%',
  '接单及时率%',
  '到场及时率%',
  '完工及时率%',
  '接单用时中位(分钟)',
  '接单用时P90(分钟)',
  '到场用时中位(分钟)',
  '到场用时P90(分钟)',
  '完工用时中位(分钟)',
  '完工用时P90(分钟)',
];

function breakdownCells(row: BreakdownRow): Cell[] {
  return [
    row.label,
    round1(row.index),
    round1(row.effectiveN),
    pct(row.csat.value),
    pct(row.csat.interval?.low ?? null),
    pct(row.csat.interval?.high ?? null),
    row.counts.rated,
    row.counts.completed,
    pct(row.responseRate),
    pct(row.firstTimeFixRate),
    pct(row.repeatRate),
    pct(row.reopenRate),
    pct(row.followUpCoverage),
    pct(row.sla.accept.compliance),
    pct(row.sla.arrive.compliance),
    pct(row.sla.resolve.compliance),
    round1(row.durations.accept.medianMinutes),
    round1(row.durations.accept.p90Minutes),
    round1(row.durations.arrive.medianMinutes),
    round1(row.durations.arrive.p90Minutes),
    round1(row.durations.resolve.medianMinutes),
    round1(row.durations.resolve.p90Minutes),
  ];
}

function summaryRows(s: SummaryView): Cell[][] {
  return [
    ['期间', `${s.period.from} 至 ${s.period.to}${s.period.rolling ? '（时间衰减）' : ''}`],
    ['满意度指数', round1(s.index.value)],
    ['有效样本', round1(s.index.effectiveN)],
    ['CSAT%', pct(s.csat.value)],
    ['CSAT 95%区间下限%', pct(s.csat.interval?.low ?? null)],
    ['CSAT 95%区间上限%', pct(s.csat.interval?.high ?? null)],
    ['报修数', s.counts.created],
    ['完工数', s.counts.completed],
    ['评价数', s.counts.rated],
    ['参评率%', pct(s.responseRate)],
    ['首次修复率%', pct(s.firstTimeFixRate)],
    ['重复报修率%', pct(s.repeatRate)],
    ['返修率%', pct(s.reopenRate)],
    ['回访覆盖率%', pct(s.followUpCoverage)],
    ['每千户投诉', round1(s.complaintsPer1000Households)],
    ['接单及时率%', pct(s.sla.accept.compliance)],
    ['到场及时率%', pct(s.sla.arrive.compliance)],
    ['完工及时率%', pct(s.sla.resolve.compliance)],
    ['接单用时中位(分钟)', round1(s.durations.accept.medianMinutes)],
    ['接单用时P90(分钟)', round1(s.durations.accept.p90Minutes)],
    ['到场用时中位(分钟)', round1(s.durations.arrive.medianMinutes)],
    ['到场用时P90(分钟)', round1(s.durations.arrive.p90Minutes)],
    ['完工用时中位(分钟)', round1(s.durations.resolve.medianMinutes)],
    ['完工用时P90(分钟)', round1(s.durations.resolve.p90Minutes)],
    ...RATING_DIMENSIONS.map((d): Cell[] => [`${DIMENSION_LABELS[d]}（均分）`, round1(s.dimensions[d].mean)]),
  ];
}
