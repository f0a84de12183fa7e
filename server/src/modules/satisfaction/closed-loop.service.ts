import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { transition, type WorkOrderAction } from '@linli/shared';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import { JobsRepository } from '../jobs/jobs.repository.js';
import { Community } from '../places/place.entities.js';
import { WorkOrder } from '../work-orders/work-order.entities.js';
import { WorkOrderLifecycle, type LifecycleContext, type OrderChange } from '../work-orders/work-order-lifecycle.js';
import { RollupQueue } from './rollup-queue.js';
import { FollowUp } from './satisfaction.entities.js';

export const AUTO_CLOSE_JOB = 'auto_close';

/** Which completed orders get a follow-up call besides low ratings: every one, the unrated, or none. */
export const FOLLOW_UP_POLICIES = ['all', 'unrated', 'low'] as const;
export type FollowUpPolicy = (typeof FOLLOW_UP_POLICIES)[number];

export const FOLLOW_UP_REASONS = ['not_fixed', 'low_rating', 'complaint', 'unrated', 'policy'] as const;
export type FollowUpReason = (typeof FOLLOW_UP_REASONS)[number];

/** An order has at most one open follow-up; a more pressing reason replaces a milder one. */
const REASON_RANK: Record<FollowUpReason, number> = {
  not_fixed: 5,
  low_rating: 4,
  complaint: 3,
  unrated: 2,
  policy: 1,
};

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** How soon the desk must call: a dissatisfied resident within a day, a routine call within two. */
const DUE_HOURS: Record<FollowUpReason, number> = {
  not_fixed: 24,
  low_rating: 24,
  complaint: 24,
  unrated: 48,
  policy: 48,
};
/** PRODUCT.md "Repeat": a new order within 30 days of a closed one of the same place and category. */
export const REPEAT_WINDOW_DAYS = 30;
/** Kinds that can repeat a fault: a suggestion or consultation never links. */
const REPEATABLE_KINDS = ['repair', 'complaint'];

const SYSTEM = { userId: null, role: 'system' as const };
/** Actions after which no rating window runs. */
const ENDS_WINDOW = new Set<WorkOrderAction>(['confirm', 'reopen', 'cancel', 'auto_close']);

/** The row changes of a reopen (the same as a reopen through the transitions API). */
export function reopenPatch(order: WorkOrder): Partial<WorkOrder> {
  return {
    assigneeId: null,
    reopenCount: order.reopenCount + 1,
    completedAt: null,
    closedAt: null,
    routingState: null,
    excludedUserIds: [],
    refusalCount: 0,
  };
}

/**
 * The loop after the work is done: the rating window (auto-close as unrated), follow-up tasks
 * for the desk, and repeat detection on new orders. Plugs into the work-order lifecycle.
 */
@Injectable()
export class ClosedLoopService implements OnModuleInit {
  constructor(
    @Inject(WorkOrderLifecycle) private readonly lifecycle: WorkOrderLifecycle,
    @Inject(JobRunner) private readonly runner: JobRunner,
    @Inject(JobsRepository) private readonly jobs: JobsRepository,
    @Inject(RollupQueue) private readonly rollups: RollupQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.lifecycle.addHooks({
      afterCreate: (ctx, order) => this.linkRepeat(ctx, order),
      afterTransition: (ctx, change) => this.onChange(ctx, change),
    });
    this.runner.register(AUTO_CLOSE_JOB, (em, job, now) =>
      this.autoClose(this.lifecycle.context(em, now), job.workOrderId!),
    );
  }

  private async onChange(ctx: LifecycleContext, change: OrderChange): Promise<void> {
    const { order, action } = change;
    if (ENDS_WINDOW.has(action)) {
      await this.jobs.cancel(ctx.em, AUTO_CLOSE_JOB, { workOrderId: order.id });
      // The resident saying "not fixed" by reopening is the same signal as a "not fixed" rating.
      if (action === 'reopen' && change.actor.role === 'resident') {
        await this.openFollowUp(ctx.em, order, 'not_fixed', ctx.now);
      }
      return;
    }
    if (action !== 'complete') return;
    // A re-completion after a reopen starts a fresh window.
    await this.jobs.cancel(ctx.em, AUTO_CLOSE_JOB, { workOrderId: order.id });
    await this.jobs.schedule(ctx.em, {
      kind: AUTO_CLOSE_JOB,
      dueAt: new Date(ctx.now.getTime() + (await this.ratingWindowDaysOf(ctx.em, order.communityId)) * DAY),
      workOrderId: order.id,
    });
    if (order.kind === 'complaint') {
      await this.openFollowUp(ctx.em, order, 'complaint', ctx.now);
    } else if ((await this.policyOf(ctx.em, order.communityId)) === 'all') {
      await this.openFollowUp(ctx.em, order, 'policy', ctx.now);
    }
  }

  /** Job: the rating window ran out. Close a still-completed order as unrated. */
  async autoClose(ctx: LifecycleContext, workOrderId: number): Promise<void> {
    const order = await ctx.em.findOneBy(WorkOrder, { id: workOrderId });
    if (!order || order.status !== 'completed') return;
    const check = transition(order.status, 'auto_close', {
      role: 'system',
      isAssignee: false,
      isReporter: false,
    });
    if (!check.ok) return;
    // Rated once, then reopened and redone: the order keeps its rating and is not "unrated".
    const unrated = order.ratingStars === null;
    const closed = await this.lifecycle.apply(ctx, order, {
      action: 'auto_close',
      to: check.to,
      actor: SYSTEM,
      patch: { unrated, closedAt: ctx.now },
      note: unrated ? `${await this.ratingWindowDaysOf(ctx.em, order.communityId)} 天未评价，自动关闭` : '自动关闭',
    });
    // Someone changed the order in the same instant: fail, so the job is retried and re-reads it.
    if (!closed) throw new Error(`order ${order.id} changed while auto-closing`);
    await this.markDirty(ctx.em, order, ctx.now);
    const policy = await this.policyOf(ctx.em, order.communityId);
    if (unrated && (policy === 'unrated' || policy === 'all')) {
      await this.openFollowUp(ctx.em, order, 'unrated', ctx.now);
    }
  }

  /**
   * Open a follow-up for the desk, or, when one is open already, raise it to the more pressing
   * reason and the earlier deadline: the desk calls a resident once, not once per trigger.
   */
  async openFollowUp(em: EntityManager, order: WorkOrder, reason: FollowUpReason, now: Date): Promise<FollowUp> {
    const dueAt = new Date(now.getTime() + DUE_HOURS[reason] * HOUR);
    const open = await em.findOneBy(FollowUp, { workOrderId: order.id, status: 'open' });
    if (open) {
      const nextReason = REASON_RANK[reason] > REASON_RANK[open.reason as FollowUpReason] ? reason : open.reason;
      const nextDue = dueAt < open.dueAt ? dueAt : open.dueAt;
      if (nextReason !== open.reason || nextDue !== open.dueAt) {
        await em.update(FollowUp, { id: open.id }, { reason: nextReason, dueAt: nextDue });
      }
      await this.markDirty(em, order, now);
      return { ...open, reason: nextReason, dueAt: nextDue };
    }
    const row = await em.save(
      em.create(FollowUp, {
        workOrderId: order.id,
        companyId: order.companyId,
        communityId: order.communityId,
        reason,
        status: 'open',
        assigneeId: null,
        dueAt,
        channel: null,
        reached: null,
        outcome: null,
        stars: null,
        speed: null,
        workmanship: null,
        attitude: null,
        communication: null,
        fixed: null,
        doneById: null,
        doneAt: null,
        createdAt: now,
      }),
    );
    await this.markDirty(em, order, now);
    return row;
  }

  /**
   * Mark the rollup partitions a change of this order touches: the day it happens (ratings) and
   * the day the order was first completed (reopened, closed unrated, follow-ups due and done).
   */
  async markDirty(em: EntityManager, order: WorkOrder, now: Date): Promise<void> {
    await this.rollups.markDirty(em, order.communityId, now, now);
    if (order.firstCompletedAt) await this.rollups.markDirty(em, order.communityId, order.firstCompletedAt, now);
  }

  /** The community's rating window, else the configured default (LINLI_RATING_WINDOW_DAYS). */
  async ratingWindowDaysOf(em: EntityManager, communityId: number): Promise<number> {
    const community = await em.findOneBy(Community, { id: communityId });
    return community?.ratingWindowDays ?? this.config.ratingWindowDays;
  }

  async policyOf(em: EntityManager, communityId: number): Promise<FollowUpPolicy> {
    const community = await em.findOneBy(Community, { id: communityId });
    const policy = community?.followUpPolicy;
    return (FOLLOW_UP_POLICIES as readonly string[]).includes(policy ?? '') ? (policy as FollowUpPolicy) : 'low';
  }

  /** afterCreate: link a new order to the latest closed order of the same place and category within 30 days. */
  private async linkRepeat(ctx: LifecycleContext, order: WorkOrder): Promise<void> {
    if (!REPEATABLE_KINDS.includes(order.kind)) return;
    if (order.houseId === null && order.publicAreaId === null) return;
    const since = new Date(order.createdAt.getTime() - REPEAT_WINDOW_DAYS * DAY);
    const qb = ctx.em
      .createQueryBuilder(WorkOrder, 'wo')
      .select('wo.id', 'id')
      .where('wo.id <> :id', { id: order.id })
      .andWhere('wo.companyId = :companyId', { companyId: order.companyId })
      .andWhere('wo.category = :category', { category: order.category })
      .andWhere('wo.kind IN (:...kinds)', { kinds: REPEATABLE_KINDS })
      .andWhere('wo.status = :closed', { closed: 'closed' })
      .andWhere('wo.closedAt >= :since AND wo.closedAt <= :until', { since, until: order.createdAt });
    if (order.houseId !== null) qb.andWhere('wo.houseId = :houseId', { houseId: order.houseId });
    else qb.andWhere('wo.publicAreaId = :areaId', { areaId: order.publicAreaId });
    const prior = await qb
      .orderBy('wo.closedAt', 'DESC')
      .addOrderBy('wo.id', 'DESC')
      .limit(1)
      .getRawOne<{ id: number }>();
    if (!prior) return;
    const repeatOfId = Number(prior.id);
    await ctx.em.update(WorkOrder, { id: order.id }, { repeatOfId });
    order.repeatOfId = repeatOfId;
  }
}
