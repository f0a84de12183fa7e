import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  followUpDueAt,
  followUpOnCompletion,
  followUpPolicyOf,
  followUpWhenUnrated,
  morePressingReason,
  SYSTEM_ACTOR,
  type FollowUpPolicy,
  type FollowUpReason,
} from '@linli/shared';
import type { EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import { JobsRepository } from '../jobs/jobs.repository.js';
import { PlacesRepository } from '../places/places.repository.js';
import {
  WorkOrderLifecycle,
  type CreatePrep,
  type LifecycleContext,
  type NewOrderRow,
  type OrderChange,
  type WorkOrder,
} from '../work-orders/work-order-lifecycle.js';
import { WorkOrdersRepository } from '../work-orders/work-orders.repository.js';
import { RollupQueue } from './rollup-queue.js';
import { FollowUp } from './satisfaction.entities.js';

export const AUTO_CLOSE_JOB = 'auto_close';

const DAY = 24 * 3600_000;

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
    @Inject(WorkOrdersRepository) private readonly orders: WorkOrdersRepository,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
  ) {}

  onModuleInit(): void {
    this.lifecycle.register('closed-loop', {
      prepareCreate: (ctx, row) => this.repeatOf(ctx, row),
      afterTransition: (ctx, change) => this.onChange(ctx, change),
    });
    this.runner.register(AUTO_CLOSE_JOB, (em, job, now) =>
      this.autoClose(this.lifecycle.context(em, now), job.workOrderId!),
    );
  }

  private async onChange(ctx: LifecycleContext, change: OrderChange): Promise<void> {
    const { order, action } = change;
    if (change.effects.ratingWindow === 'end') {
      await this.jobs.cancel(ctx.em, AUTO_CLOSE_JOB, { workOrderId: order.id });
      // The resident saying "not fixed" by reopening is the same signal as a "not fixed" rating.
      if (action === 'reopen' && change.actor.role === 'resident') {
        await this.openFollowUp(ctx.em, order, 'not_fixed', ctx.now);
      }
      return;
    }
    if (change.effects.ratingWindow !== 'open') return;
    // A re-completion after a reopen starts a fresh window.
    await this.jobs.cancel(ctx.em, AUTO_CLOSE_JOB, { workOrderId: order.id });
    await this.jobs.schedule(ctx.em, {
      kind: AUTO_CLOSE_JOB,
      dueAt: new Date(ctx.now.getTime() + (await this.ratingWindowDaysOf(ctx.em, order.communityId)) * DAY),
      workOrderId: order.id,
    });
    const reason = followUpOnCompletion(order.kind, await this.policyOf(ctx.em, order.communityId));
    if (reason) await this.openFollowUp(ctx.em, order, reason, ctx.now);
  }

  /** Job: the rating window ran out. Close a still-completed order as unrated. */
  async autoClose(ctx: LifecycleContext, workOrderId: number): Promise<void> {
    const order = await this.orders.findById(workOrderId, ctx.em);
    if (!order || order.status !== 'completed') return;
    const unrated = order.ratingStars === null;
    let closed: WorkOrder | null;
    try {
      closed = await this.lifecycle.act(ctx, order, { action: 'auto_close' }, SYSTEM_ACTOR, {
        note: unrated ? `${await this.ratingWindowDaysOf(ctx.em, order.communityId)} 天未评价，自动关闭` : '自动关闭',
      });
    } catch (e) {
      // An unpaid bill keeps the order open (docs/fees.md): look again in a day. The refusal
      // comes before any write, so this transaction has written nothing.
      if (!(e instanceof AppError) || e.code !== 'BILL_UNPAID') throw e;
      await this.jobs.schedule(ctx.em, {
        kind: AUTO_CLOSE_JOB,
        dueAt: new Date(ctx.now.getTime() + DAY),
        workOrderId: order.id,
      });
      return;
    }
    // Someone changed the order in the same instant: fail, so the job is retried and re-reads it.
    if (!closed) throw new Error(`order ${order.id} changed while auto-closing`);
    await this.markDirty(ctx.em, order, ctx.now);
    const policy = await this.policyOf(ctx.em, order.communityId);
    if (unrated && followUpWhenUnrated(policy)) {
      await this.openFollowUp(ctx.em, order, 'unrated', ctx.now);
    }
  }

  /**
   * Open a follow-up for the desk, or, when one is open already, raise it to the more pressing
   * reason and the earlier deadline: the desk calls a resident once, not once per trigger.
   */
  async openFollowUp(em: EntityManager, order: WorkOrder, reason: FollowUpReason, now: Date): Promise<FollowUp> {
    const dueAt = followUpDueAt(reason, now);
    const open = await em.findOneBy(FollowUp, { workOrderId: order.id, status: 'open' });
    if (open) {
      const nextReason = morePressingReason(open.reason as FollowUpReason, reason);
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
    await this.rollups.markDirty(em, order.communityId, now);
    if (order.firstCompletedAt) await this.rollups.markDirty(em, order.communityId, order.firstCompletedAt);
  }

  /** The community's rating window, else the configured default (LINLI_RATING_WINDOW_DAYS). */
  async ratingWindowDaysOf(em: EntityManager, communityId: number): Promise<number> {
    const community = await this.places.findCommunity(communityId, em);
    return community?.ratingWindowDays ?? this.config.ratingWindowDays;
  }

  async policyOf(em: EntityManager, communityId: number): Promise<FollowUpPolicy> {
    const community = await this.places.findCommunity(communityId, em);
    return followUpPolicyOf(community?.followUpPolicy);
  }

  /** prepareCreate: the order a new one repeats, written with its row (rules: shared/src/repeat.ts). */
  private async repeatOf(ctx: LifecycleContext, row: NewOrderRow): Promise<CreatePrep | void> {
    // A complaint a bad rating filed is about that order, not a new fault of the place.
    if (row.complaintOfId != null) return;
    const repeatOfId = await this.orders.findRepeatedOrder(ctx.em, row);
    if (repeatOfId !== null) return { patch: { repeatOfId } };
  }
}
