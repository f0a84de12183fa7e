import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  addDays,
  chinaLocalTime,
  clientTimeAccepted,
  pointCodeOf,
  roundLate,
  servedCommunities,
  startOfChinaDay,
  type ErrorCode,
  type InspectionRoundDetailView,
  type InspectionRoundView,
  type RoundActionResult,
  type RoundActionsResponse,
  type RoundStatus,
} from '@linli/shared';
import { DataSource, type EntityManager, In, IsNull } from 'typeorm';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { isUniqueViolation } from '../../common/db-errors.js';
import { CategoriesRepository } from '../categories/categories.repository.js';
import { PlacesRepository } from '../places/places.repository.js';
import { TeamsRepository } from '../staff/teams.repository.js';
import { UploadsRepository } from '../uploads/uploads.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { WorkOrdersService } from '../work-orders/work-orders.service.js';
import {
  InspectionCheck,
  InspectionPlan,
  InspectionPoint,
  InspectionRound,
  InspectionVisit,
} from './inspection.entities.js';
import type { ListRoundsQuery, RoundActionDto, RoundActionsDto } from './inspections.dto.js';

const fail = (code: ErrorCode, message: string) => new AppError(code, message);

/**
 * Rounds on site: the technician's list, a round's points and checklist, and the actions done
 * there (scan a point's QR, tick an item), sent one by one online or as a batch when an offline
 * phone finds signal again. Every action carries a client key and the phone's time; a replay
 * answers the first result and writes nothing (docs/inspections.md "Offline").
 */
@Injectable()
export class RoundsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(TeamsRepository) private readonly teams: TeamsRepository,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(UploadsRepository) private readonly uploads: UploadsRepository,
    @Inject(WorkOrdersService) private readonly orders: WorkOrdersService,
    @Inject(CategoriesRepository) private readonly categories: CategoriesRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  private async myTeamIds(actor: Actor): Promise<number[]> {
    return this.teams.teamIdsOf(this.ds.manager, actor.userId);
  }

  async list(actor: Actor, query: ListRoundsQuery): Promise<InspectionRoundView[]> {
    const qb = this.ds
      .getRepository(InspectionRound)
      .createQueryBuilder('r')
      .innerJoin(InspectionPlan, 'p', "p.id = r.planId AND p.kind = 'inspection'")
      .where('r.companyId = :companyId', { companyId: actor.companyId });
    if (actor.role === 'technician' || query.mine) {
      const teamIds = await this.myTeamIds(actor);
      if (!teamIds.length) return [];
      qb.andWhere('r.teamId IN (:...teamIds)', { teamIds });
      // Open rounds whose window has opened, and today's done ones (the list of the day).
      const now = this.clock.now();
      const today = startOfChinaDay(chinaLocalTime(now).date);
      qb.andWhere('r.windowStart <= :now', { now }).andWhere(
        "(r.status IN ('pending', 'in_progress', 'missed') OR r.windowStart >= :today)",
        { today },
      );
      qb.andWhere('r.windowStart >= :since', { since: new Date(today.getTime() - 7 * 86_400_000) });
    } else {
      const served = servedCommunities(actor);
      if (served !== 'all') {
        if (!served.length) return [];
        qb.andWhere('r.communityId IN (:...served)', { served });
      }
    }
    if (query.communityId) qb.andWhere('r.communityId = :c', { c: query.communityId });
    if (query.status) qb.andWhere('r.status = :s', { s: query.status });
    if (query.from) qb.andWhere('r.windowStart >= :from', { from: startOfChinaDay(query.from) });
    if (query.to) qb.andWhere('r.windowStart < :to', { to: startOfChinaDay(addDays(query.to.replace(/-/g, ''), 1)) });
    const rounds = await qb.orderBy('r.windowStart', 'DESC').addOrderBy('r.id', 'DESC').take(300).getMany();
    return this.views(actor, rounds);
  }

  /** The round if the actor may see it: technicians of its team, staff of its community. */
  private async findVisible(actor: Actor, id: number, em: EntityManager = this.ds.manager): Promise<InspectionRound> {
    const round = Number.isSafeInteger(id) ? await em.findOneBy(InspectionRound, { id }) : null;
    if (!round || round.companyId !== actor.companyId) throw notFound('round');
    if (actor.role === 'technician') {
      if (round.teamId === null || !(await this.myTeamIds(actor)).includes(round.teamId)) throw notFound('round');
    } else {
      const served = servedCommunities(actor);
      if (served !== 'all' && !served.includes(round.communityId)) throw notFound('round');
    }
    return round;
  }

  async detail(actor: Actor, id: number): Promise<InspectionRoundDetailView> {
    return this.detailOf(actor, await this.findVisible(actor, id));
  }

  private async detailOf(actor: Actor, round: InspectionRound): Promise<InspectionRoundDetailView> {
    const [view] = await this.views(actor, [round]);
    const visits = await this.ds
      .getRepository(InspectionVisit)
      .find({ where: { roundId: round.id }, order: { seq: 'ASC' } });
    const points = new Map(
      (visits.length
        ? await this.ds.getRepository(InspectionPoint).findBy({ id: In(visits.map((v) => v.pointId)) })
        : []
      ).map((p) => [p.id, p]),
    );
    const checks = await this.ds
      .getRepository(InspectionCheck)
      .find({ where: { roundId: round.id }, order: { id: 'ASC' } });
    return {
      ...view,
      version: round.version,
      points: visits.map((v) => ({
        pointId: v.pointId,
        seq: v.seq,
        name: points.get(v.pointId)?.name ?? '',
        checklist: points.get(v.pointId)?.checklist ?? [],
        scannedAt: v.scannedAt?.toISOString() ?? null,
        scanReceivedAt: v.scanReceivedAt?.toISOString() ?? null,
        checks: checks
          .filter((c) => c.pointId === v.pointId)
          .map((c) => ({
            itemKey: c.itemKey,
            result: c.result as 'ok' | 'abnormal',
            note: c.note,
            uploadId: c.uploadId,
            checkedAt: c.checkedAt.toISOString(),
            receivedAt: c.receivedAt.toISOString(),
            workOrderId: c.workOrderId,
          })),
      })),
    };
  }

  private async views(actor: Actor, rounds: InspectionRound[]): Promise<InspectionRoundView[]> {
    if (!rounds.length) return [];
    const ids = rounds.map((r) => r.id);
    const plans = new Map(
      (await this.ds.getRepository(InspectionPlan).findBy({ id: In([...new Set(rounds.map((r) => r.planId))]) })).map(
        (p) => [p.id, p],
      ),
    );
    const teams = new Map((await this.teams.listForCompany(actor.companyId!)).map((t) => [t.id, t.name]));
    const techIds = [...new Set(rounds.map((r) => r.technicianId).filter((x): x is number => x !== null))];
    const techs = new Map((techIds.length ? await this.users.findByIds(techIds) : []).map((u) => [u.id, u.name]));
    const communities = new Map<number, string>();
    for (const cid of new Set(rounds.map((r) => r.communityId)))
      communities.set(cid, (await this.places.findCommunity(cid))?.name ?? '');
    const visits = await this.ds.getRepository(InspectionVisit).findBy({ roundId: In(ids) });
    const checks = await this.ds
      .getRepository(InspectionCheck)
      .createQueryBuilder('c')
      .select(['c.roundId', 'c.pointId', 'c.result'])
      .where('c.roundId IN (:...ids)', { ids })
      .getMany();
    const pointIds = [...new Set(visits.map((v) => v.pointId))];
    const points = new Map(
      (pointIds.length ? await this.ds.getRepository(InspectionPoint).findBy({ id: In(pointIds) }) : []).map((p) => [
        p.id,
        p,
      ]),
    );
    return rounds.map((r) => {
      const rv = visits.filter((v) => v.roundId === r.id);
      const rc = checks.filter((c) => c.roundId === r.id);
      const done = rv.filter(
        (v) =>
          v.scannedAt &&
          rc.filter((c) => c.pointId === v.pointId).length >= (points.get(v.pointId)?.checklist.length ?? 0),
      ).length;
      return {
        id: r.id,
        planId: r.planId,
        planName: plans.get(r.planId)?.name ?? '',
        communityId: r.communityId,
        communityName: communities.get(r.communityId) ?? '',
        teamId: r.teamId,
        teamName: r.teamId ? (teams.get(r.teamId) ?? null) : null,
        periodKey: r.periodKey,
        windowStart: r.windowStart.toISOString(),
        windowEnd: r.windowEnd.toISOString(),
        status: r.status as RoundStatus,
        late: r.late,
        escalated: r.escalatedAt !== null,
        technicianId: r.technicianId,
        technicianName: r.technicianId ? (techs.get(r.technicianId) ?? null) : null,
        startedAt: r.startedAt?.toISOString() ?? null,
        completedAt: r.completedAt?.toISOString() ?? null,
        pointsDone: done,
        pointsTotal: rv.length,
        abnormal: rc.filter((c) => c.result === 'abnormal').length,
      };
    });
  }

  /**
   * Apply a batch of on-site actions in order, each on its own (one failing does not undo the
   * others: an offline phone's ticks all count). Technicians of the round's team only.
   */
  async act(actor: Actor, id: number, dto: RoundActionsDto): Promise<RoundActionsResponse> {
    if (actor.role !== 'technician') throw new AppError('FORBIDDEN', 'only technicians do rounds');
    await this.findVisible(actor, id);
    const keys = new Set<string>();
    for (const a of dto.actions) {
      if (keys.has(a.clientKey)) {
        throw new AppError('VALIDATION_FAILED', 'a client key is used twice in the batch', [
          { field: 'actions', problems: [`clientKey ${a.clientKey} appears twice`] },
        ]);
      }
      keys.add(a.clientKey);
    }
    const results: RoundActionResult[] = [];
    for (const action of dto.actions) {
      try {
        results.push(await this.apply(actor, id, action));
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        results.push({ clientKey: action.clientKey, ok: false, replayed: false, code: e.code, message: e.message });
      }
    }
    const round = await this.ds.getRepository(InspectionRound).findOneByOrFail({ id });
    return { results, round: await this.detailOf(actor, round) };
  }

  private async apply(actor: Actor, roundId: number, action: RoundActionDto): Promise<RoundActionResult> {
    const receivedAt = this.clock.now();
    const at = new Date(action.at);
    const result = await this.ds.transaction(async (em) => {
      const round = await em.findOneByOrFail(InspectionRound, { id: roundId });
      const visit = await em.findOneBy(InspectionVisit, { roundId, pointId: action.pointId });
      if (!visit)
        throw new AppError('VALIDATION_FAILED', 'the point is not on this round', [
          { field: 'pointId', problems: ['not a point of the round'] },
        ]);
      const point = await em.findOneByOrFail(InspectionPoint, { id: action.pointId });
      if (action.type === 'scan') return this.scan(em, actor, round, visit, point, action, at, receivedAt);
      return this.check(em, actor, round, visit, point, action, at, receivedAt);
    });
    if (result.fileOrder) result.workOrderId = await this.fileOrder(actor, roundId, action);
    return { clientKey: action.clientKey, ok: true, replayed: result.replayed, workOrderId: result.workOrderId };
  }

  private assertOpen(round: InspectionRound, at: Date, receivedAt: Date): void {
    if (round.status === 'completed') throw fail('ROUND_NOT_OPEN', 'the round is completed');
    if (!clientTimeAccepted(at, receivedAt, round.windowStart)) {
      throw fail('INSPECTION_TIME_INVALID', "the phone's time is outside the round's bounds");
    }
  }

  private async scan(
    em: EntityManager,
    actor: Actor,
    round: InspectionRound,
    visit: InspectionVisit,
    point: InspectionPoint,
    action: RoundActionDto,
    at: Date,
    receivedAt: Date,
  ): Promise<{ replayed: boolean; fileOrder: boolean; workOrderId?: number | null }> {
    // The first scan stands: a replay (or a second scan) changes nothing.
    if (visit.scannedAt) return { replayed: true, fileOrder: false };
    this.assertOpen(round, at, receivedAt);
    if (pointCodeOf(action.code ?? '') !== point.code) throw fail('INSPECTION_CODE_MISMATCH', 'not this point');
    const res = await em.update(
      InspectionVisit,
      { id: visit.id, scannedAt: IsNull() },
      { scannedAt: at, scanReceivedAt: receivedAt, scannedById: actor.userId },
    );
    if (!res.affected) return { replayed: true, fileOrder: false };
    await this.start(em, actor, round, at);
    return { replayed: false, fileOrder: false };
  }

  /** pending/missed -> in progress with the first action (the first technician owns the round). */
  private async start(em: EntityManager, actor: Actor, round: InspectionRound, at: Date): Promise<void> {
    if (round.startedAt) return;
    await em
      .createQueryBuilder()
      .update(InspectionRound)
      .set({
        status: round.status === 'pending' ? 'in_progress' : round.status,
        startedAt: at,
        technicianId: actor.userId,
        version: () => 'version + 1',
      })
      .where('id = :id AND startedAt IS NULL', { id: round.id })
      .execute();
  }

  private async check(
    em: EntityManager,
    actor: Actor,
    round: InspectionRound,
    visit: InspectionVisit,
    point: InspectionPoint,
    action: RoundActionDto,
    at: Date,
    receivedAt: Date,
  ): Promise<{ replayed: boolean; fileOrder: boolean; workOrderId?: number | null }> {
    const earlier = await em.findOneBy(InspectionCheck, { roundId: round.id, clientKey: action.clientKey });
    if (earlier) {
      // A replay: the same answer. An abnormal item whose order was not filed yet (a crash
      // after the commit) files it now, with the same idempotency key.
      const abnormalWithoutOrder = earlier.result === 'abnormal' && earlier.workOrderId === null;
      return { replayed: true, fileOrder: abnormalWithoutOrder, workOrderId: earlier.workOrderId };
    }
    this.assertOpen(round, at, receivedAt);
    const item = point.checklist.find((i) => i.key === action.itemKey);
    if (!item) {
      throw new AppError('VALIDATION_FAILED', 'no such checklist item', [
        { field: 'itemKey', problems: ['not an item of the point'] },
      ]);
    }
    if (!visit.scannedAt) throw fail('INSPECTION_NOT_SCANNED', 'scan the point first');
    if (at.getTime() < visit.scannedAt.getTime() - 60_000)
      throw fail('INSPECTION_TIME_INVALID', 'ticked before the scan');
    if (item.photoRequired && action.uploadId === undefined)
      throw fail('INSPECTION_PHOTO_REQUIRED', 'this item needs a photo');
    if (action.uploadId !== undefined && !(await this.uploads.allOwnedBy([action.uploadId], actor.userId))) {
      throw new AppError('VALIDATION_FAILED', 'unknown photo', [
        { field: 'uploadId', problems: ['must be a photo you uploaded'] },
      ]);
    }
    if (await em.existsBy(InspectionCheck, { roundId: round.id, pointId: point.id, itemKey: item.key })) {
      throw fail('INSPECTION_ITEM_DONE', 'this item already has a result');
    }
    if (
      action.result === 'abnormal' &&
      !(await this.categories.exists(round.companyId, await this.categoryOf(round.companyId, action)))
    ) {
      throw new AppError('VALIDATION_FAILED', 'unknown category', [
        { field: 'category', problems: ['not a category of the company'] },
      ]);
    }
    try {
      await em.insert(InspectionCheck, {
        companyId: round.companyId,
        roundId: round.id,
        pointId: point.id,
        itemKey: item.key,
        result: action.result!,
        note: action.note?.trim() ?? null,
        uploadId: action.uploadId ?? null,
        checkedAt: at,
        receivedAt,
        clientKey: action.clientKey,
        checkedById: actor.userId,
        workOrderId: null,
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw fail('INSPECTION_ITEM_DONE', 'this item already has a result');
      throw e;
    }
    await this.start(em, actor, round, visit.scannedAt);
    await this.completeIfDone(em, round.id);
    return { replayed: false, fileOrder: action.result === 'abnormal' };
  }

  /** The order's category: the phone's choice, else 公共区域 where the company has it, else 其他. */
  private async categoryOf(companyId: number, action: RoundActionDto): Promise<string> {
    if (action.category) return action.category;
    return (await this.categories.exists(companyId, 'public_area')) ? 'public_area' : 'other';
  }

  /** Every point scanned and every item ticked: completed at the last tick's (phone) time. */
  private async completeIfDone(em: EntityManager, roundId: number): Promise<void> {
    const visits = await em.findBy(InspectionVisit, { roundId });
    if (visits.some((v) => !v.scannedAt)) return;
    const points = await em.findBy(InspectionPoint, { id: In(visits.map((v) => v.pointId)) });
    const checks = await em.findBy(InspectionCheck, { roundId });
    const needed = points.reduce((n, p) => n + p.checklist.length, 0);
    if (checks.length < needed) return;
    const round = await em.findOneByOrFail(InspectionRound, { id: roundId });
    const completedAt = new Date(Math.max(...checks.map((c) => c.checkedAt.getTime())));
    await em
      .createQueryBuilder()
      .update(InspectionRound)
      .set({
        status: 'completed',
        completedAt,
        late: round.late || roundLate(round.windowEnd, completedAt),
        version: () => 'version + 1',
      })
      .where("id = :id AND status <> 'completed'", { id: roundId })
      .execute();
  }

  /**
   * The repair order of an abnormal item, filed through the ordinary create on the point's
   * public area (channel 巡检) with an idempotency key from the action's client key, so a
   * replay never files a second order; the check then points at it.
   */
  private async fileOrder(actor: Actor, roundId: number, action: RoundActionDto): Promise<number | null> {
    const check = await this.ds
      .getRepository(InspectionCheck)
      .findOneByOrFail({ roundId, clientKey: action.clientKey });
    if (check.workOrderId) return check.workOrderId;
    const point = await this.ds.getRepository(InspectionPoint).findOneByOrFail({ id: check.pointId });
    const item = point.checklist.find((i) => i.key === check.itemKey);
    const key = `insp-${createHash('sha256').update(`${roundId}:${action.clientKey}`).digest('hex').slice(0, 40)}`;
    const { order } = await this.orders.create(
      actor,
      {
        category: await this.categoryOf(check.companyId, action),
        description: `【巡检异常】${point.name}：${item?.label ?? check.itemKey}${check.note ? `（${check.note}）` : ''}（巡检任务 #${roundId}）`,
        publicAreaId: point.publicAreaId,
        channel: 'patrol',
        photoIds: check.uploadId ? [check.uploadId] : [],
      },
      key,
    );
    await this.ds
      .getRepository(InspectionCheck)
      .update({ id: check.id, workOrderId: IsNull() }, { workOrderId: order.id });
    return order.id;
  }
}
