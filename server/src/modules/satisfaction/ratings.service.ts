import { Inject, Injectable } from '@nestjs/common';
import { needsFollowUp, transition, type EffectActor, type WorkOrderStatus } from '@linli/shared';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError, forbidden, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { isUniqueViolation } from '../../common/db-errors.js';
import { PlacesRepository } from '../places/places.repository.js';
import { WorkOrderLifecycle, type LifecycleContext, type WorkOrder } from '../work-orders/work-order-lifecycle.js';
import { WorkOrdersRepository } from '../work-orders/work-orders.repository.js';
import { SharedFaultsService } from '../work-orders/shared-faults.service.js';
import { WorkOrdersService } from '../work-orders/work-orders.service.js';
import { ClosedLoopService } from './closed-loop.service.js';
import type { CreateRatingDto, RatingResult, RatingView } from './ratings.dto.js';
import { Rating } from './satisfaction.entities.js';

const alreadyRated = () => new AppError('TRANSITION_NOT_ALLOWED', 'already rated');

export function toRatingView(r: Rating): RatingView {
  return {
    id: r.id,
    workOrderId: r.workOrderId,
    stars: r.stars,
    dimensions: { speed: r.speed, workmanship: r.workmanship, attitude: r.attitude, communication: r.communication },
    fixed: r.fixed,
    tags: r.tags,
    comment: r.comment,
    createdAt: r.createdAt.toISOString(),
  };
}

/**
 * The reporting resident's rating of a completed order: one per order, and the act that
 * closes it (confirm), opens a follow-up on a bad result and, if asked, reopens the order.
 */
@Injectable()
export class RatingsService {
  constructor(
    @Inject(WorkOrdersService) private readonly orders: WorkOrdersService,
    @Inject(WorkOrderLifecycle) private readonly lifecycle: WorkOrderLifecycle,
    @Inject(ClosedLoopService) private readonly loop: ClosedLoopService,
    @Inject(WorkOrdersRepository) private readonly repo: WorkOrdersRepository,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(SharedFaultsService) private readonly faults: SharedFaultsService,
  ) {}

  /**
   * The order's rating: the first reporter's; a resident who joined the order and rated it sees
   * their own (docs/notices.md "Shared faults").
   */
  async get(actor: Actor, workOrderId: number): Promise<RatingView> {
    const order = await this.orders.findVisibleOrder(actor, workOrderId);
    const ratings = this.ds.getRepository(Rating);
    const own =
      actor.role === 'resident' && actor.userId !== order.reporterId
        ? await ratings.findOneBy({ workOrderId, raterId: actor.userId })
        : null;
    const rating =
      own ?? (order.reporterId === null ? null : await ratings.findOneBy({ workOrderId, raterId: order.reporterId }));
    if (!rating) throw notFound('rating');
    return toRatingView(rating);
  }

  async rate(actor: Actor, workOrderId: number, dto: CreateRatingDto): Promise<RatingResult> {
    const order = await this.orders.findVisibleOrder(actor, workOrderId);
    // A resident who joined the order rates it too, once, without closing it (docs/notices.md).
    if (actor.role === 'resident' && order.reporterId !== actor.userId) {
      if (await this.faults.isCoReporter(workOrderId, actor.userId)) return this.rateAsCoReporter(actor, order, dto);
    }
    // Only the resident who reported it: a housemate sees the order but did not report it.
    if (actor.role !== 'resident' || order.reporterId !== actor.userId) {
      throw forbidden('only the resident who reported the order may rate it');
    }
    const followUp = needsFollowUp({ stars: dto.stars, fixed: dto.fixed ?? null });
    if (dto.reopen && !followUp) {
      throw new AppError('VALIDATION_FAILED', 'reopen needs 1-2 stars or fixed: false', [
        { field: 'reopen', problems: ['only a rating of 1-2 stars or "not fixed" may reopen the order'] },
      ]);
    }
    if (await this.ds.getRepository(Rating).existsBy({ workOrderId, raterId: actor.userId })) throw alreadyRated();
    const who: EffectActor = { role: 'resident', userId: actor.userId, isAssignee: false, isReporter: true };
    const confirm = transition(order.status as WorkOrderStatus, 'confirm', who);
    if (!confirm.ok) {
      throw new AppError(confirm.code, `cannot rate an order that is ${order.status}`, { status: order.status });
    }
    const tags = [...new Set(dto.tags ?? [])];

    try {
      return await this.lifecycle.run(async (ctx) => {
        const { em, now } = ctx;
        // The unique index on workOrderId decides a double submit: the loser fails here.
        const rating = await em.save(
          em.create(Rating, {
            workOrderId,
            raterId: actor.userId,
            companyId: order.companyId,
            stars: dto.stars,
            speed: dto.dimensions?.speed ?? null,
            workmanship: dto.dimensions?.workmanship ?? null,
            attitude: dto.dimensions?.attitude ?? null,
            communication: dto.dimensions?.communication ?? null,
            fixed: dto.fixed ?? null,
            tags,
            comment: dto.comment ?? null,
            createdAt: now,
          }),
        );
        const closed = await this.lifecycle.act(ctx, order, { action: 'confirm', stars: dto.stars }, who, {
          note: `评价 ${dto.stars} 星`,
          data: { ratingId: rating.id, stars: dto.stars, fixed: dto.fixed ?? null },
        });
        if (!closed) throw new AppError('VERSION_CONFLICT', 'the order changed while you rated it; reload and retry');
        await this.loop.markDirty(em, closed, now);

        let status: WorkOrderStatus = closed.status as WorkOrderStatus;
        let complaintId: number | null = null;
        if (followUp) {
          await this.loop.openFollowUp(em, closed, dto.fixed === false ? 'not_fixed' : 'low_rating', now);
          complaintId = await this.openComplaint(ctx, closed, dto, rating.id, actor.userId);
        }
        if (dto.reopen) {
          const reopened = await this.lifecycle.act(ctx, closed, { action: 'reopen' }, who, {
            reason: '住户反馈未修好',
            data: { reason: '住户反馈未修好', ratingId: rating.id },
          });
          if (!reopened)
            throw new AppError('VERSION_CONFLICT', 'the order changed while you rated it; reload and retry');
          status = reopened.status as WorkOrderStatus;
        }
        return { ...toRatingView(rating), orderStatus: status, followUpOpened: followUp, complaintId };
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw alreadyRated();
      throw e;
    }
  }

  /**
   * A joined reporter's rating: counted in satisfaction like any other (one per reporter and
   * order), once the work is done (completed or closed). It neither closes nor reopens the order
   * and opens no follow-up: the first reporter's rating does those.
   */
  private async rateAsCoReporter(actor: Actor, order: WorkOrder, dto: CreateRatingDto): Promise<RatingResult> {
    if (dto.reopen) {
      throw new AppError('VALIDATION_FAILED', 'only the first reporter may reopen the order', [
        { field: 'reopen', problems: ['only the resident who filed the order may reopen it'] },
      ]);
    }
    if (order.status !== 'completed' && order.status !== 'closed') {
      throw new AppError('TRANSITION_NOT_ALLOWED', `cannot rate an order that is ${order.status}`, {
        status: order.status,
      });
    }
    if (await this.ds.getRepository(Rating).existsBy({ workOrderId: order.id, raterId: actor.userId })) {
      throw alreadyRated();
    }
    try {
      return await this.lifecycle.run(async ({ em, now }) => {
        const rating = await em.save(
          em.create(Rating, {
            workOrderId: order.id,
            raterId: actor.userId,
            companyId: order.companyId,
            stars: dto.stars,
            speed: dto.dimensions?.speed ?? null,
            workmanship: dto.dimensions?.workmanship ?? null,
            attitude: dto.dimensions?.attitude ?? null,
            communication: dto.dimensions?.communication ?? null,
            fixed: dto.fixed ?? null,
            tags: [...new Set(dto.tags ?? [])],
            comment: dto.comment ?? null,
            createdAt: now,
          }),
        );
        await this.loop.markDirty(em, order, now);
        return {
          ...toRatingView(rating),
          orderStatus: order.status as WorkOrderStatus,
          followUpOpened: false,
          complaintId: null,
        };
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw alreadyRated();
      throw e;
    }
  }

  /**
   * A bad rating (1-2 stars or "not fixed") of a repair or suggestion files a complaint for the
   * desk, in the rating's transaction (docs/closed-loop.md "Complaints"): the resident's voice
   * (reporter), linked to the rated order and the rating (unique: one complaint per rating),
   * about the technician who did the work, so routing leaves it to the desk and nobody can hand
   * it to them. A bad rating of a complaint's own handling gets the follow-up only.
   */
  private async openComplaint(
    ctx: LifecycleContext,
    rated: WorkOrder,
    dto: CreateRatingDto,
    ratingId: number,
    residentId: number,
  ): Promise<number | null> {
    if (rated.kind === 'complaint') return null;
    const community = await this.places.findCommunity(rated.communityId, ctx.em);
    if (!community) throw new Error(`community ${rated.communityId} of order ${rated.id} is gone`);
    const what = [`${dto.stars} 星`, dto.fixed === false ? '反馈未修好' : null].filter(Boolean).join('，');
    const comment = dto.comment?.trim();
    const complaint = await this.lifecycle.create(
      ctx,
      {
        companyId: rated.companyId,
        communityId: rated.communityId,
        houseId: rated.houseId,
        publicAreaId: rated.publicAreaId,
        kind: 'complaint',
        channel: 'miniprogram',
        category: rated.category,
        priority: 'P3',
        description: `住户差评（${what}）工单 ${rated.no}${comment ? `：${comment}` : ''}`.slice(0, 1000),
        reporterId: residentId,
        createdById: residentId,
        preferredTime: null,
        aboutUserId: rated.completedById ?? rated.assigneeId,
        photoIds: [],
        complaintOfId: rated.id,
        ratingId,
      },
      () => this.repo.nextOrderNo(ctx.em, community, ctx.now),
      { userId: residentId, role: 'resident' },
      { channel: 'miniprogram', source: 'rating', ratingId, complaintOfId: rated.id },
    );
    return complaint.id;
  }
}
