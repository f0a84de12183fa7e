import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  chinaLocalTime,
  completionRate,
  MAINTENANCE_PRIORITY,
  nextOccurrence,
  ofViewersCompany,
  POINT_CODE_ALPHABET,
  scheduleProblems,
  servedCommunities,
  startOfChinaDay,
  addDays,
  type ChecklistItem,
  type InspectionPlanView,
  type InspectionPointView,
  type InspectionReportView,
  type PlanKind,
  type RoundStatus,
} from '@linli/shared';
import { DataSource, In } from 'typeorm';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { isUniqueViolation } from '../../common/db-errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { CategoriesRepository } from '../categories/categories.repository.js';
import { PlacesRepository } from '../places/places.repository.js';
import { TeamsRepository } from '../staff/teams.repository.js';
import { WorkOrdersService } from '../work-orders/work-orders.service.js';
import { InspectionScheduler } from './inspection-scheduler.js';
import { InspectionCheck, InspectionPlan, InspectionPoint, InspectionRound } from './inspection.entities.js';
import type {
  CreatePlanDto,
  CreatePointDto,
  ListPlansQuery,
  ListPointsQuery,
  MaintenanceOrderDto,
  ReportQuery,
  UpdatePlanDto,
  UpdatePointDto,
} from './inspections.dto.js';

const invalid = (field: string, problem: string) =>
  new AppError('VALIDATION_FAILED', `${field}: ${problem}`, [{ field, problems: [problem] }]);

export function newPointCode(): string {
  let code = '';
  for (let i = 0; i < 12; i++) code += POINT_CODE_ALPHABET[randomInt(POINT_CODE_ALPHABET.length)];
  return code;
}

/** Points, plans, the one-off maintenance order and the reports: the admin side of inspections. */
@Injectable()
export class InspectionsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(TeamsRepository) private readonly teams: TeamsRepository,
    @Inject(CategoriesRepository) private readonly categories: CategoriesRepository,
    @Inject(WorkOrdersService) private readonly orders: WorkOrdersService,
    @Inject(InspectionScheduler) private readonly scheduler: InspectionScheduler,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** The community if the actor may manage it (admins: their company; supervisors: their communities). */
  private async community(actor: Actor, id: number) {
    const community = await this.places.findCommunity(id);
    if (!community || !ofViewersCompany(actor, community)) throw notFound('community');
    const served = servedCommunities(actor);
    if (served !== 'all' && !served.includes(community.id)) throw notFound('community');
    return community;
  }

  private async publicAreaIn(communityId: number, publicAreaId: number) {
    const area = await this.places.findPublicArea(publicAreaId);
    if (!area || area.communityId !== communityId)
      throw invalid('publicAreaId', 'no such public area in the community');
    return area;
  }

  private scopeQb<T extends { companyId: number; communityId: number }>(
    actor: Actor,
    qb: import('typeorm').SelectQueryBuilder<T>,
    alias: string,
    communityId?: number,
  ): boolean {
    qb.where(`${alias}.companyId = :companyId`, { companyId: actor.companyId });
    const served = servedCommunities(actor);
    if (served !== 'all') {
      if (!served.length) return false;
      qb.andWhere(`${alias}.communityId IN (:...served)`, { served });
    }
    if (communityId) qb.andWhere(`${alias}.communityId = :communityId`, { communityId });
    return true;
  }

  // ---- points --------------------------------------------------------------------------------

  async listPoints(actor: Actor, query: ListPointsQuery): Promise<InspectionPointView[]> {
    const qb = this.ds.getRepository(InspectionPoint).createQueryBuilder('p');
    if (!this.scopeQb(actor, qb, 'p', query.communityId)) return [];
    return this.pointViews(await qb.orderBy('p.communityId').addOrderBy('p.id').take(500).getMany());
  }

  async findPoint(actor: Actor, id: number): Promise<InspectionPoint> {
    const point = await this.ds.getRepository(InspectionPoint).findOneBy({ id });
    if (!point || point.companyId !== actor.companyId) throw notFound('inspection point');
    const served = servedCommunities(actor);
    if (served !== 'all' && !served.includes(point.communityId)) throw notFound('inspection point');
    return point;
  }

  private checklistOf(items: ChecklistItem[]): ChecklistItem[] {
    const keys = new Set<string>();
    for (const item of items) {
      if (keys.has(item.key)) throw invalid('checklist', `the key "${item.key}" is used twice`);
      keys.add(item.key);
    }
    return items.map((i) => ({ key: i.key, label: i.label.trim(), photoRequired: i.photoRequired }));
  }

  async createPoint(actor: Actor, dto: CreatePointDto): Promise<InspectionPointView> {
    const community = await this.community(actor, dto.communityId);
    const area = await this.publicAreaIn(community.id, dto.publicAreaId);
    let buildingId = dto.buildingId ?? area.buildingId ?? null;
    if (dto.buildingId !== undefined) {
      const building = await this.places.findBuilding(dto.buildingId);
      if (!building || building.communityId !== community.id)
        throw invalid('buildingId', 'no such building in the community');
      buildingId = building.id;
    }
    const checklist = this.checklistOf(dto.checklist);
    for (let attempt = 0; ; attempt++) {
      try {
        const point = await this.ds.transaction(async (em) => {
          const row = await em.save(
            em.create(InspectionPoint, {
              companyId: community.companyId,
              communityId: community.id,
              buildingId,
              publicAreaId: area.id,
              name: dto.name.trim(),
              code: newPointCode(),
              checklist,
              active: true,
              createdAt: this.clock.now(),
            }),
          );
          await recordAudit(em, actor, 'create', 'inspection_point', row.id, null, {
            communityId: row.communityId,
            publicAreaId: row.publicAreaId,
            name: row.name,
            checklist,
          });
          return row;
        });
        return (await this.pointViews([point]))[0];
      } catch (e) {
        // A code collision (one in 10^17): draw again.
        if (!isUniqueViolation(e) || attempt >= 2) throw e;
      }
    }
  }

  async updatePoint(actor: Actor, id: number, dto: UpdatePointDto): Promise<InspectionPointView> {
    const point = await this.findPoint(actor, id);
    const before = { name: point.name, checklist: point.checklist, active: point.active };
    const after = {
      name: dto.name?.trim() ?? point.name,
      checklist: dto.checklist ? this.checklistOf(dto.checklist) : point.checklist,
      active: dto.active ?? point.active,
    };
    await this.ds.transaction(async (em) => {
      await em.update(InspectionPoint, { id }, after);
      await recordAudit(em, actor, 'update', 'inspection_point', id, before, after);
    });
    return (await this.pointViews([{ ...point, ...after }]))[0];
  }

  private async pointViews(points: InspectionPoint[]): Promise<InspectionPointView[]> {
    const communities = new Map<number, string>();
    for (const id of new Set(points.map((p) => p.communityId)))
      communities.set(id, (await this.places.findCommunity(id))?.name ?? '');
    const areas = new Map(
      (await this.places.findPublicAreas([...new Set(points.map((p) => p.publicAreaId))])).map((a) => [a.id, a.name]),
    );
    return points.map((p) => ({
      id: p.id,
      communityId: p.communityId,
      communityName: communities.get(p.communityId) ?? '',
      buildingId: p.buildingId,
      publicAreaId: p.publicAreaId,
      publicAreaName: areas.get(p.publicAreaId) ?? '',
      name: p.name,
      code: p.code,
      checklist: p.checklist,
      active: p.active,
    }));
  }

  // ---- plans ---------------------------------------------------------------------------------

  async listPlans(actor: Actor, query: ListPlansQuery): Promise<InspectionPlanView[]> {
    const qb = this.ds.getRepository(InspectionPlan).createQueryBuilder('p');
    if (!this.scopeQb(actor, qb, 'p', query.communityId)) return [];
    if (query.kind) qb.andWhere('p.kind = :kind', { kind: query.kind });
    return this.planViews(actor, await qb.orderBy('p.id', 'DESC').take(500).getMany());
  }

  async createPlan(actor: Actor, dto: CreatePlanDto): Promise<InspectionPlanView> {
    const community = await this.community(actor, dto.communityId);
    const kind: PlanKind = dto.kind ?? 'inspection';
    const now = this.clock.now();
    const startsOn = dto.startsOn ?? chinaLocalTime(now).date;
    const schedule = {
      frequency: dto.frequency,
      dayOf: dto.dayOf ?? null,
      windowStart: dto.windowStart,
      windowEnd: dto.windowEnd,
      startsOn,
    };
    const problems = scheduleProblems(schedule);
    if (problems.length) {
      throw new AppError(
        'VALIDATION_FAILED',
        'the schedule is invalid',
        problems.map((p) => ({ field: p.field, problems: [p.problem] })),
      );
    }
    let teamId: number | null = null;
    let pointIds: number[] = [];
    let publicAreaId: number | null = null;
    let buildingId: number | null = null;
    let category: string | null = null;
    if (kind === 'inspection') {
      if (dto.teamId === undefined) throw invalid('teamId', 'an inspection plan needs a team');
      if (!(await this.teams.findInCompany(community.companyId, dto.teamId))) throw invalid('teamId', 'no such team');
      teamId = dto.teamId;
      if (!dto.pointIds?.length) throw invalid('pointIds', 'an inspection plan needs at least one point');
      const points = await this.ds
        .getRepository(InspectionPoint)
        .findBy({ id: In(dto.pointIds), communityId: community.id, active: true });
      if (points.length !== dto.pointIds.length)
        throw invalid('pointIds', 'every point must be an active point of the community');
      pointIds = dto.pointIds;
    } else {
      if (dto.publicAreaId === undefined) throw invalid('publicAreaId', 'a maintenance plan needs a public area');
      const area = await this.publicAreaIn(community.id, dto.publicAreaId);
      publicAreaId = area.id;
      buildingId = area.buildingId ?? null;
      if (dto.buildingId !== undefined) {
        // A hotspot cell's building (the area may serve the whole community).
        const building = await this.places.findBuilding(dto.buildingId);
        if (!building || building.communityId !== community.id)
          throw invalid('buildingId', 'no such building in the community');
        buildingId = building.id;
      }
      if (!dto.category || !(await this.categories.exists(community.companyId, dto.category)))
        throw invalid('category', 'a maintenance plan needs a category of the company');
      category = dto.category;
      if (dto.teamId !== undefined) throw invalid('teamId', 'a maintenance plan files orders; routing picks who');
    }
    const plan = await this.ds.transaction(async (em) => {
      const row = await em.save(
        em.create(InspectionPlan, {
          companyId: community.companyId,
          communityId: community.id,
          kind,
          name: dto.name.trim(),
          ...schedule,
          teamId,
          pointIds,
          publicAreaId,
          buildingId,
          category,
          description: dto.description?.trim() ?? null,
          active: true,
          createdById: actor.userId,
          createdAt: now,
        }),
      );
      await this.scheduler.scheduleNext(em, row, now);
      await recordAudit(em, actor, 'create', 'inspection_plan', row.id, null, {
        ...schedule,
        kind,
        name: row.name,
        teamId,
        pointIds,
        publicAreaId,
        category,
      });
      return row;
    });
    return (await this.planViews(actor, [plan]))[0];
  }

  /** Pause or resume a plan: pausing cancels its next occurrence, resuming schedules one. */
  async updatePlan(actor: Actor, id: number, dto: UpdatePlanDto): Promise<InspectionPlanView> {
    const plan = await this.ds.getRepository(InspectionPlan).findOneBy({ id });
    if (!plan || plan.companyId !== actor.companyId) throw notFound('plan');
    await this.community(actor, plan.communityId).catch(() => {
      throw notFound('plan');
    });
    const now = this.clock.now();
    await this.ds.transaction(async (em) => {
      const res = await em.update(InspectionPlan, { id, active: !dto.active }, { active: dto.active });
      if (!res.affected) return;
      await this.scheduler.cancelNext(em, id);
      if (dto.active) await this.scheduler.scheduleNext(em, { ...plan, active: true }, now);
      await recordAudit(em, actor, 'update', 'inspection_plan', id, { active: plan.active }, { active: dto.active });
    });
    return (await this.planViews(actor, [{ ...plan, active: dto.active }]))[0];
  }

  private async planViews(actor: Actor, plans: InspectionPlan[]): Promise<InspectionPlanView[]> {
    const teams = new Map((await this.teams.listForCompany(actor.companyId!)).map((t) => [t.id, t.name]));
    const communities = new Map<number, string>();
    for (const id of new Set(plans.map((p) => p.communityId)))
      communities.set(id, (await this.places.findCommunity(id))?.name ?? '');
    const now = this.clock.now();
    return plans.map((p) => ({
      id: p.id,
      kind: p.kind as PlanKind,
      communityId: p.communityId,
      communityName: communities.get(p.communityId) ?? '',
      name: p.name,
      frequency: p.frequency,
      dayOf: p.dayOf,
      windowStart: p.windowStart,
      windowEnd: p.windowEnd,
      teamId: p.teamId,
      teamName: p.teamId ? (teams.get(p.teamId) ?? null) : null,
      pointIds: p.pointIds,
      publicAreaId: p.publicAreaId,
      buildingId: p.buildingId,
      category: p.category,
      description: p.description,
      startsOn: p.startsOn,
      active: p.active,
      nextAt: p.active ? nextOccurrence(p, now).windowStart.toISOString() : null,
    }));
  }

  // ---- maintenance ---------------------------------------------------------------------------

  /** One planned (P4) maintenance order on a public area now, filed by the actor. */
  async maintenanceOrder(actor: Actor, dto: MaintenanceOrderDto, idempotencyKey: string | undefined) {
    const area = await this.places.findPublicArea(dto.publicAreaId);
    if (!area) throw notFound('public area');
    await this.community(actor, area.communityId).catch(() => {
      throw notFound('public area');
    });
    return this.orders.create(
      actor,
      {
        category: dto.category,
        description: `【保养】${dto.description.trim()}`,
        publicAreaId: area.id,
        priority: MAINTENANCE_PRIORITY,
        channel: 'staff',
      },
      idempotencyKey,
    );
  }

  // ---- reports -------------------------------------------------------------------------------

  async report(actor: Actor, query: ReportQuery): Promise<InspectionReportView> {
    if (query.to < query.from) throw invalid('to', 'must not be before from');
    const fromAt = startOfChinaDay(query.from);
    const toAt = startOfChinaDay(addDays(query.to.replace(/-/g, ''), 1));
    const now = this.clock.now();
    const empty: InspectionReportView = { from: query.from, to: query.to, byTeam: [], byPoint: [], abnormal: [] };
    const qb = this.ds.getRepository(InspectionRound).createQueryBuilder('r');
    if (!this.scopeQb(actor, qb, 'r', query.communityId)) return empty;
    // Rounds that count: their window has ended, or they are done (early completions count).
    qb.andWhere('r.windowStart >= :fromAt AND r.windowStart < :toAt', { fromAt, toAt })
      .andWhere('r.teamId IS NOT NULL')
      .andWhere("(r.windowEnd <= :now OR r.status = 'completed')", { now });
    const rounds = await qb.getMany();
    if (!rounds.length) return empty;
    const teams = new Map((await this.teams.listForCompany(actor.companyId!)).map((t) => [t.id, t.name]));
    const byTeam = new Map<number, Array<{ status: RoundStatus; late: boolean }>>();
    for (const r of rounds) {
      const list = byTeam.get(r.teamId!) ?? [];
      list.push({ status: r.status as RoundStatus, late: r.late });
      byTeam.set(r.teamId!, list);
    }
    // Per point: a point counts as done in a round once all its items are checked.
    const roundIds = rounds.map((r) => r.id);
    const plans = new Map(
      (await this.ds.getRepository(InspectionPlan).findBy({ id: In([...new Set(rounds.map((r) => r.planId))]) })).map(
        (p) => [p.id, p],
      ),
    );
    const checks = await this.ds
      .getRepository(InspectionCheck)
      .createQueryBuilder('c')
      .where('c.roundId IN (:...roundIds)', { roundIds })
      .getMany();
    const pointIds = [...new Set(rounds.flatMap((r) => plans.get(r.planId)?.pointIds ?? []))];
    const points = new Map(
      (pointIds.length ? await this.ds.getRepository(InspectionPoint).findBy({ id: In(pointIds) }) : []).map((p) => [
        p.id,
        p,
      ]),
    );
    const checked = new Map<string, number>();
    for (const c of checks)
      checked.set(`${c.roundId}:${c.pointId}`, (checked.get(`${c.roundId}:${c.pointId}`) ?? 0) + 1);
    const byPoint = new Map<number, Array<{ status: RoundStatus; late: boolean }>>();
    for (const r of rounds) {
      for (const pid of plans.get(r.planId)?.pointIds ?? []) {
        const point = points.get(pid);
        if (!point) continue;
        const done = (checked.get(`${r.id}:${pid}`) ?? 0) >= point.checklist.length;
        const list = byPoint.get(pid) ?? [];
        list.push({ status: done ? 'completed' : 'missed', late: done && r.late });
        byPoint.set(pid, list);
      }
    }
    const communities = new Map<number, string>();
    for (const id of new Set(rounds.map((r) => r.communityId)))
      communities.set(id, (await this.places.findCommunity(id))?.name ?? '');
    const roundsById = new Map(rounds.map((r) => [r.id, r]));
    return {
      from: query.from,
      to: query.to,
      byTeam: [...byTeam].map(([id, list]) => ({ id, name: teams.get(id) ?? '', ...completionRate(list) })),
      byPoint: [...byPoint].map(([id, list]) => ({ id, name: points.get(id)?.name ?? '', ...completionRate(list) })),
      abnormal: checks
        .filter((c) => c.result === 'abnormal')
        .sort((a, b) => b.checkedAt.getTime() - a.checkedAt.getTime())
        .map((c) => ({
          roundId: c.roundId,
          pointId: c.pointId,
          pointName: points.get(c.pointId)?.name ?? '',
          itemKey: c.itemKey,
          itemLabel: points.get(c.pointId)?.checklist.find((i) => i.key === c.itemKey)?.label ?? c.itemKey,
          note: c.note,
          checkedAt: c.checkedAt.toISOString(),
          workOrderId: c.workOrderId,
          communityName: communities.get(roundsById.get(c.roundId)?.communityId ?? 0) ?? '',
        })),
    };
  }
}
