import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { servedCommunities, servesCommunity, servesRow, type Page } from '@linli/shared';
import { DataSource, In } from 'typeorm';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { recordAudit } from '../audit/audit.service.js';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { PlacesRepository, type Community } from '../places/places.repository.js';
import { UsersRepository, type User } from '../users/users.repository.js';
import { WorkOrdersRepository } from '../work-orders/work-orders.repository.js';
import type { FollowUpPolicy, FollowUpReason } from '@linli/shared';
import { ClosedLoopService } from './closed-loop.service.js';
import type {
  CompleteFollowUpDto,
  FollowUpChannel,
  FollowUpPolicyDto,
  FollowUpPolicyView,
  FollowUpStatus,
  FollowUpView,
  ListFollowUpsQuery,
} from './follow-ups.dto.js';
import { FollowUp, Rating } from './satisfaction.entities.js';

/** The desk's follow-up queue (回访): list the open calls, record each call once. */
@Injectable()
export class FollowUpsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(WorkOrdersRepository) private readonly orders: WorkOrdersRepository,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(ClosedLoopService) private readonly loop: ClosedLoopService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(actor: Actor, query: ListFollowUpsQuery): Promise<Page<FollowUpView>> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const status = query.status ?? 'open';
    const qb = this.ds
      .getRepository(FollowUp)
      .createQueryBuilder('f')
      .where('f.companyId = :companyId', { companyId: actor.companyId })
      .andWhere('f.status = :status', { status });
    const served = servedCommunities(actor);
    if (served !== 'all') {
      if (!served.length) return { items: [], total: 0, page, pageSize };
      qb.andWhere('f.communityId IN (:...communityIds)', { communityIds: served });
    }
    if (query.communityId) qb.andWhere('f.communityId = :communityId', { communityId: query.communityId });
    if (status === 'open') qb.orderBy('f.dueAt', 'ASC').addOrderBy('f.id', 'ASC');
    else qb.orderBy('f.createdAt', 'DESC').addOrderBy('f.id', 'DESC');
    const [rows, total] = await qb
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { items: await this.toViews(rows), total, page, pageSize };
  }

  /** Record the call. Conditional on the task still being open: of two desk users, one wins. */
  async complete(actor: Actor, id: number, dto: CompleteFollowUpDto): Promise<FollowUpView> {
    const followUp = await this.findVisible(actor, id);
    if (!dto.reached && (dto.stars !== undefined || dto.dimensions !== undefined || dto.fixed !== undefined)) {
      throw new AppError('VALIDATION_FAILED', 'an unreached resident gives no rating', [
        { field: 'reached', problems: ['stars, dimensions and fixed need reached: true'] },
      ]);
    }
    const taken = () =>
      new AppError(
        'TRANSITION_NOT_ALLOWED',
        `follow-up is already ${followUp.status === 'open' ? 'done' : followUp.status}`,
        {
          status: 'done',
        },
      );
    if (followUp.status !== 'open') throw taken();
    await this.orders.transaction(async (em) => {
      const now = this.clock.now();
      const res = await em
        .createQueryBuilder()
        .update(FollowUp)
        .set({
          status: 'done',
          channel: dto.channel,
          reached: dto.reached,
          outcome: dto.outcome.trim(),
          stars: dto.stars ?? null,
          speed: dto.dimensions?.speed ?? null,
          workmanship: dto.dimensions?.workmanship ?? null,
          attitude: dto.dimensions?.attitude ?? null,
          communication: dto.dimensions?.communication ?? null,
          fixed: dto.fixed ?? null,
          doneById: actor.userId,
          doneAt: now,
        })
        .where('id = :id AND status = :open', { id, open: 'open' })
        .execute();
      if ((res.affected ?? 0) !== 1) throw taken();
      const order = await this.orders.findById(followUp.workOrderId, em);
      if (order) await this.loop.markDirty(em, order, now);
    });
    const [view] = await this.toViews([await this.ds.getRepository(FollowUp).findOneByOrFail({ id })]);
    return view;
  }

  async policy(actor: Actor, communityId: number): Promise<FollowUpPolicyView> {
    const community = await this.findCommunity(actor, communityId);
    return this.policyView(community.id, await this.loop.policyOf(this.ds.manager, community.id), community);
  }

  /** Replaces the community's follow-up policy and rating window (orders completed from now on use them). */
  async setPolicy(actor: Actor, communityId: number, dto: FollowUpPolicyDto): Promise<FollowUpPolicyView> {
    const community = await this.findCommunity(actor, communityId);
    const ratingWindowDays = dto.ratingWindowDays ?? null;
    const before = {
      policy: await this.loop.policyOf(this.ds.manager, community.id),
      ratingWindowDays: community.ratingWindowDays,
    };
    await this.ds.transaction(async (em) => {
      await this.places.setFollowUpSettings(em, community.id, { followUpPolicy: dto.policy, ratingWindowDays });
      await recordAudit(em, actor, 'update', 'follow_up_policy', community.id, before, {
        policy: dto.policy,
        ratingWindowDays,
      });
    });
    return this.policyView(community.id, dto.policy, { ratingWindowDays });
  }

  private policyView(
    communityId: number,
    policy: FollowUpPolicy,
    c: { ratingWindowDays: number | null },
  ): FollowUpPolicyView {
    return {
      communityId,
      policy,
      ratingWindowDays: c.ratingWindowDays,
      defaultRatingWindowDays: this.config.ratingWindowDays,
    };
  }

  private async findCommunity(actor: Actor, id: number): Promise<Community> {
    const community = Number.isSafeInteger(id) ? await this.places.findCommunity(id) : null;
    if (community === null || !servesCommunity(actor, community)) throw notFound('community');
    return community;
  }

  private async findVisible(actor: Actor, id: number): Promise<FollowUp> {
    const row = Number.isSafeInteger(id) ? await this.ds.getRepository(FollowUp).findOneBy({ id }) : null;
    if (row === null || !servesRow(actor, row)) throw notFound('follow-up');
    return row;
  }

  private async toViews(rows: FollowUp[]): Promise<FollowUpView[]> {
    if (!rows.length) return [];
    const orders = new Map((await this.orders.findByIds(rows.map((r) => r.workOrderId))).map((o) => [o.id, o]));
    const all = [...orders.values()];
    const ids = <T>(xs: Array<T | null>) => [...new Set(xs.filter((x): x is T => x !== null))];
    const users = new Map(
      (
        await this.users.findByIds(
          ids([...all.flatMap((o) => [o.reporterId, o.assigneeId]), ...rows.map((r) => r.doneById)]),
        )
      ).map((u) => [u.id, u]),
    );
    const ratings = new Map(
      (
        await this.ds
          .getRepository(Rating)
          .find({ where: { workOrderId: In(rows.map((r) => r.workOrderId)) }, order: { id: 'DESC' } })
      )
        // The first reporter's rating, else the earliest (residents who joined the order rate it too).
        .sort(
          (a, b) =>
            Number(a.raterId === orders.get(a.workOrderId)?.reporterId) -
            Number(b.raterId === orders.get(b.workOrderId)?.reporterId),
        )
        .map((x) => [x.workOrderId, x]),
    );
    const houseIds = ids(all.map((o) => o.houseId));
    const areaIds = ids(all.map((o) => o.publicAreaId));
    const houses = new Map((await this.places.findHouses(houseIds)).map((h) => [h.id, h]));
    const areas = new Map((await this.places.findPublicAreas(areaIds)).map((a) => [a.id, a]));
    const communities = new Map(
      (await this.places.findCommunities(ids(rows.map((r) => r.communityId)))).map((c) => [c.id, c]),
    );
    const person = (id: number | null) => {
      const u: User | undefined = id === null ? undefined : users.get(id);
      return u ? { id: u.id, name: u.name, phone: u.phone } : null;
    };
    const now = this.clock.now();
    return rows.map((r) => {
      const o = orders.get(r.workOrderId);
      const place =
        o?.houseId != null
          ? houses.get(o.houseId)?.label
          : o?.publicAreaId != null
            ? areas.get(o.publicAreaId)?.name
            : null;
      const doneBy = person(r.doneById);
      return {
        id: r.id,
        workOrderId: r.workOrderId,
        orderNo: o?.no ?? '',
        orderKind: o?.kind ?? '',
        category: o?.category ?? '',
        communityId: r.communityId,
        location: [communities.get(r.communityId)?.name, place].filter(Boolean).join(' '),
        reporter: person(o?.reporterId ?? null),
        assignee: person(o?.assigneeId ?? null),
        ratingStars: o?.ratingStars ?? null,
        ratingComment: ratings.get(r.workOrderId)?.comment?.trim() || null,
        ratingTags: ratings.get(r.workOrderId)?.tags ?? [],
        reason: r.reason as FollowUpReason,
        status: r.status as FollowUpStatus,
        dueAt: r.dueAt.toISOString(),
        overdue: r.status === 'open' && r.dueAt.getTime() < now.getTime(),
        createdAt: r.createdAt.toISOString(),
        channel: r.channel as FollowUpChannel | null,
        reached: r.reached,
        outcome: r.outcome,
        stars: r.stars,
        dimensions: {
          speed: r.speed,
          workmanship: r.workmanship,
          attitude: r.attitude,
          communication: r.communication,
        },
        fixed: r.fixed,
        doneBy: doneBy && { id: doneBy.id, name: doneBy.name },
        doneAt: r.doneAt?.toISOString() ?? null,
      };
    });
  }
}
