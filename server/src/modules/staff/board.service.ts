import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  OPEN_STATUSES,
  type BoardEscalation,
  type BoardStatus,
  type BoardTechnician,
  type BoardView,
} from '@linli/shared';
import { DataSource } from 'typeorm';
import { AppError } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { LIVE_SLA_LEVEL_SQL } from '../sla/sla-sql.js';
import { HELD_STATUSES, StaffRepository } from './staff.repository.js';
import { UsersRepository } from '../users/users.repository.js';

const ACTIVE_STATUSES = ['on_the_way', 'in_progress', 'paused', 'quoted'];
const UNASSIGNED_STATUSES = ['submitted', 'pooled', 'reopened'];
const MAX_ESCALATIONS = 20;

type Row = Record<string, unknown>;
const num = (v: unknown) => Number(v ?? 0);
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * The supervisor's team board: every technician serving the caller's communities (admins: the
 * company) with load, status and risk, plus the open orders' SLA totals and recent escalations.
 * A fixed number of queries whatever the team size.
 */
@Injectable()
export class BoardService {
  constructor(
    @Inject(UsersRepository) private readonly accounts: UsersRepository,
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(StaffRepository) private readonly staff: StaffRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async board(actor: Actor, communityId?: number): Promise<BoardView> {
    const companyId = actor.companyId;
    if (companyId === null) throw new AppError('FORBIDDEN', 'the board is for company staff');
    const now = this.clock.now();
    // The communities in view: a supervisor's own (narrowed by communityId); an admin's whole
    // company, or the one community asked for. An unseen community gives an empty board.
    let communities: number[] | null;
    if (actor.role === 'admin') {
      communities = communityId === undefined ? null : await this.companyCommunity(companyId, communityId);
    } else {
      communities =
        communityId === undefined ? actor.communityIds : actor.communityIds.filter((c) => c === communityId);
    }
    if (communities && !communities.length) return this.empty(now);

    const users = await this.accounts.listStaff(companyId, {
      role: 'technician',
      servingAny: communities ?? undefined,
    });
    const active = users.filter((u) => u.active);
    const ids = active.map((u) => u.id);
    const [facts, load, totals, escalations] = await Promise.all([
      this.staff.factsOf(ids, now),
      this.loadOf(ids),
      this.totals(companyId, communities),
      this.escalations(companyId, communities),
    ]);
    const technicians = active.map((u): BoardTechnician => {
      const f = facts.get(u.id)!;
      const l = load.get(u.id) ?? { inProgress: 0, atRisk: 0, breached: 0 };
      const status: BoardStatus = f.onLeave
        ? 'on_leave'
        : !f.onShift
          ? 'off_shift'
          : l.inProgress > 0 || f.openOrders >= f.capacity
            ? 'busy'
            : 'available';
      return {
        id: u.id,
        name: u.name,
        phone: u.phone,
        status,
        onShift: f.onShift,
        onLeave: f.onLeave,
        capacity: f.capacity,
        openOrders: f.openOrders,
        ...l,
      };
    });
    // Most at risk first, then the busiest.
    technicians.sort((a, b) => b.atRisk - a.atRisk || b.openOrders - a.openOrders || a.id - b.id);
    return { generatedAt: now.toISOString(), technicians, totals, escalations };
  }

  private empty(now: Date): BoardView {
    return {
      generatedAt: now.toISOString(),
      technicians: [],
      totals: { open: 0, unassigned: 0, warning: 0, critical: 0, breached: 0 },
      escalations: [],
    };
  }

  private async companyCommunity(companyId: number, communityId: number): Promise<number[]> {
    const rows: Row[] = await this.ds.query('SELECT id FROM community WHERE id = ? AND companyId = ?', [
      communityId,
      companyId,
    ]);
    return rows.length ? [communityId] : [];
  }

  private scopeSql(companyId: number, communities: number[] | null): { sql: string; params: unknown[] } {
    return communities
      ? {
          sql: `wo.companyId = ? AND wo.communityId IN (${placeholders(communities.length)})`,
          params: [companyId, ...communities],
        }
      : { sql: 'wo.companyId = ?', params: [companyId] };
  }

  private async loadOf(ids: number[]) {
    const out = new Map<number, { inProgress: number; atRisk: number; breached: number }>();
    if (!ids.length) return out;
    const rows: Row[] = await this.ds.query(
      `SELECT t.assigneeId AS userId,
              SUM(CASE WHEN t.status IN (${placeholders(ACTIVE_STATUSES.length)}) THEN 1 ELSE 0 END) AS inProgress,
              SUM(CASE WHEN t.lvl >= 1 THEN 1 ELSE 0 END) AS atRisk,
              SUM(CASE WHEN t.lvl >= 3 THEN 1 ELSE 0 END) AS breached
         FROM (SELECT wo.assigneeId, wo.status, ${LIVE_SLA_LEVEL_SQL} AS lvl FROM work_order wo
                WHERE wo.assigneeId IN (${placeholders(ids.length)}) AND wo.status IN (${placeholders(HELD_STATUSES.length)})) t
        GROUP BY t.assigneeId`,
      [...ACTIVE_STATUSES, ...ids, ...HELD_STATUSES],
    );
    for (const r of rows) {
      out.set(num(r.userId), { inProgress: num(r.inProgress), atRisk: num(r.atRisk), breached: num(r.breached) });
    }
    return out;
  }

  private async totals(companyId: number, communities: number[] | null): Promise<BoardView['totals']> {
    const scope = this.scopeSql(companyId, communities);
    const rows: Row[] = await this.ds.query(
      `SELECT COUNT(*) AS open,
              SUM(CASE WHEN t.status IN (${placeholders(UNASSIGNED_STATUSES.length)}) THEN 1 ELSE 0 END) AS unassigned,
              SUM(CASE WHEN t.lvl = 1 THEN 1 ELSE 0 END) AS warning,
              SUM(CASE WHEN t.lvl = 2 THEN 1 ELSE 0 END) AS critical,
              SUM(CASE WHEN t.lvl >= 3 THEN 1 ELSE 0 END) AS breached
         FROM (SELECT wo.status, ${LIVE_SLA_LEVEL_SQL} AS lvl FROM work_order wo
                WHERE ${scope.sql} AND wo.status IN (${placeholders(OPEN_STATUSES.length)})) t`,
      [...UNASSIGNED_STATUSES, ...scope.params, ...OPEN_STATUSES],
    );
    const r = rows[0] ?? {};
    return {
      open: num(r.open),
      unassigned: num(r.unassigned),
      warning: num(r.warning),
      critical: num(r.critical),
      breached: num(r.breached),
    };
  }

  private async escalations(companyId: number, communities: number[] | null): Promise<BoardEscalation[]> {
    const scope = this.scopeSql(companyId, communities);
    const rows: Row[] = await this.ds.query(
      `SELECT e.workOrderId, e.level, e.createdAt AS at, sc.stage, wo.no, wo.status, wo.priority,
              wo.assigneeId, u.name AS assigneeName, u.phone AS assigneePhone,
              c.name AS communityName, h.label AS houseLabel, pa.name AS areaName
         FROM sla_escalation e
         JOIN sla_clock sc ON sc.id = e.clockId
         JOIN work_order wo ON wo.id = e.workOrderId
         JOIN community c ON c.id = wo.communityId
         LEFT JOIN \`user\` u ON u.id = wo.assigneeId
         LEFT JOIN house h ON h.id = wo.houseId
         LEFT JOIN public_area pa ON pa.id = wo.publicAreaId
        WHERE ${scope.sql} AND e.level >= 2 AND sc.status IN ('running', 'paused')
          AND sc.cycle = wo.reopenCount AND wo.status IN (${placeholders(OPEN_STATUSES.length)})
        ORDER BY e.createdAt DESC, e.id DESC
        LIMIT ${MAX_ESCALATIONS}`,
      [...scope.params, ...OPEN_STATUSES],
    );
    return rows.map((r) => ({
      workOrderId: num(r.workOrderId),
      orderNo: r.no as string,
      status: r.status as string,
      priority: r.priority as string,
      location: [r.communityName, r.houseLabel ?? r.areaName].filter(Boolean).join(' ') || null,
      stage: r.stage as string,
      level: num(r.level),
      at: toIso(r.at),
      assignee:
        r.assigneeId === null || r.assigneeId === undefined
          ? null
          : {
              id: num(r.assigneeId),
              name: (r.assigneeName as string | null) ?? '',
              phone: (r.assigneePhone as string | null) ?? null,
            },
    }));
  }
}

/** Raw datetimes: a Date (MariaDB) or 'yyyy-mm-dd hh:mm:ss[.fff]' in UTC (SQLite). */
function toIso(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  const s = String(v);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`).toISOString();
}
