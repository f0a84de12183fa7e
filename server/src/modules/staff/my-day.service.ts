import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  chinaDayStart,
  chinaLocalTime,
  servedCommunities,
  servesRow,
  type CallerView,
  type ColleagueView,
  type HouseResidentView,
  type MyDayView,
} from '@linli/shared';
import { DataSource } from 'typeorm';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { BindingsRepository } from '../residents/bindings.repository.js';
import { ScoresService } from '../satisfaction/scores.service.js';
import { WorkOrdersRepository } from '../work-orders/work-orders.repository.js';
import { HELD_STATUSES, StaffRepository } from './staff.repository.js';
import { UsersRepository } from '../users/users.repository.js';

const DAY_MS = 86_400_000;
const SCORE_DAYS = 90;

@Injectable()
export class MyDayService {
  constructor(
    @Inject(UsersRepository) private readonly accounts: UsersRepository,
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(StaffRepository) private readonly staff: StaffRepository,
    @Inject(ScoresService) private readonly scores: ScoresService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(WorkOrdersRepository) private readonly orders: WorkOrdersRepository,
    @Inject(BindingsRepository) private readonly bindings: BindingsRepository,
  ) {}

  async today(actor: Actor): Promise<MyDayView> {
    if (actor.companyId === null) throw new AppError('FORBIDDEN', 'for company staff');
    const now = this.clock.now();
    const start = new Date(chinaDayStart(now));
    const end = new Date(start.getTime() + DAY_MS);
    const date = chinaLocalTime(now).date;
    const from = chinaLocalTime(start.getTime() - (SCORE_DAYS - 1) * DAY_MS).date;
    const [done, open, summary] = await Promise.all([
      this.orders.countCompletedBy(actor.userId, start, end),
      this.orders.countAssignedTo(actor.userId, HELD_STATUSES),
      // Own scope only: the technician slice is forced to the caller. Serving no community,
      // they have nothing to score (and the scores service would filter on an empty list).
      actor.communityIds.length ? this.scores.summary(actor, { from, to: date, technicianId: actor.userId }) : null,
    ]);
    return {
      date,
      doneToday: done,
      open,
      satisfaction: {
        from,
        to: date,
        rated: summary?.counts.rated ?? 0,
        completed: summary?.counts.completed ?? 0,
        index: summary?.index.value ?? null,
        csat: summary?.csat.value ?? null,
        meanStars: summary?.meanStars ?? null,
        firstTimeFixRate: summary?.firstTimeFixRate ?? null,
      },
    };
  }

  /** Active technicians sharing at least one community with the caller, the caller excluded. */
  async colleagues(actor: Actor): Promise<ColleagueView[]> {
    if (actor.companyId === null || !actor.communityIds.length) return [];
    const users = (
      await this.accounts.listStaff(actor.companyId, { role: 'technician', servingAny: actor.communityIds })
    ).filter((u) => u.active && u.id !== actor.userId);
    const facts = await this.staff.factsOf(
      users.map((u) => u.id),
      this.clock.now(),
    );
    return users.map((u) => {
      const f = facts.get(u.id)!;
      return {
        id: u.id,
        name: u.name,
        // Only the communities the caller shares: the rest is not theirs to see.
        communityIds: f.communityIds.filter((c) => actor.communityIds.includes(c)),
        openOrders: f.openOrders,
        capacity: f.capacity,
        onShift: f.onShift,
        onLeave: f.onLeave,
      };
    });
  }

  /**
   * The verified residents of a house in the caller's communities (admins: the company), so
   * the desk can file a phone report in the caller's name. Another company's or community's
   * house answers 404 as if it did not exist.
   */
  async houseResidents(actor: Actor, houseId: number): Promise<HouseResidentView[]> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      'SELECT h.communityId, c.companyId FROM house h JOIN community c ON c.id = h.communityId WHERE h.id = ?',
      [houseId],
    );
    const house = rows[0];
    const communityId = Number(house?.communityId);
    if (!house || !servesRow(actor, { companyId: Number(house.companyId), communityId })) {
      throw notFound('house');
    }
    const bindings = await this.bindings.verifiedOf(houseId);
    return bindings.map((b) => ({ userId: b.userId, name: b.name, phone: b.phone, relation: b.relation }));
  }

  /**
   * The verified residents whose binding or account has this phone, with their verified houses
   * in the communities the caller serves (admins: the company). One query.
   */
  async callers(actor: Actor, phone: string): Promise<CallerView[]> {
    const served = servedCommunities(actor);
    if (served !== 'all' && served.length === 0) return [];
    const params: unknown[] = [phone, phone, actor.companyId];
    let where = '';
    if (served !== 'all') {
      where = ` AND h.communityId IN (${served.map(() => '?').join(', ')})`;
      params.push(...served);
    }
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT b.userId, b.name, b.phone, b.relation, h.id AS houseId, h.label, h.buildingId,
              bu.name AS buildingName, c.id AS communityId, c.name AS communityName
         FROM house_binding b
         JOIN \`user\` u ON u.id = b.userId
         JOIN house h ON h.id = b.houseId
         JOIN building bu ON bu.id = h.buildingId
         JOIN community c ON c.id = h.communityId
        WHERE b.status = 'verified' AND (b.phone = ? OR u.phone = ?) AND c.companyId = ?${where}
        ORDER BY b.userId, b.id`,
      params,
    );
    const byUser = new Map<number, CallerView>();
    for (const r of rows) {
      const userId = Number(r.userId);
      let caller = byUser.get(userId);
      if (!caller) {
        caller = { userId, name: String(r.name), phone: String(r.phone), houses: [] };
        byUser.set(userId, caller);
      }
      caller.houses.push({
        houseId: Number(r.houseId),
        label: String(r.label),
        buildingId: Number(r.buildingId),
        buildingName: String(r.buildingName),
        communityId: Number(r.communityId),
        communityName: String(r.communityName),
        relation: String(r.relation),
      });
    }
    return [...byUser.values()];
  }
}
