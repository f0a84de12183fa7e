import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ActorRole, WorkOrderAction, WorkOrderStatus } from '@linli/shared';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { OutboxWriter } from '../notifications/outbox.js';
import type { WorkOrder } from './work-order.entities.js';
import { WorkOrdersRepository } from './work-orders.repository.js';

/** Who acts: a user, or the server itself (routing, timers). */
export interface ActorRef {
  userId: number | null;
  role: ActorRole;
}

/** One unit of work: a transaction, its time, and what to do once it has committed. */
export interface LifecycleContext {
  em: EntityManager;
  now: Date;
  afterCommit: Array<() => Promise<unknown>>;
}

export interface OrderChange {
  order: WorkOrder;
  action: WorkOrderAction;
  from: WorkOrderStatus;
  to: WorkOrderStatus;
  actor: ActorRef;
  previousAssigneeId: number | null;
  reason: string | null;
}

/** Routing and SLA plug in here, so the work-order module does not depend on them. */
export interface LifecycleHooks {
  afterCreate?(ctx: LifecycleContext, order: WorkOrder): Promise<void>;
  afterTransition?(ctx: LifecycleContext, change: OrderChange): Promise<void>;
}

export interface TransitionInput {
  action: WorkOrderAction;
  to: WorkOrderStatus;
  actor: ActorRef;
  patch?: Partial<WorkOrder>;
  note?: string | null;
  reason?: string | null;
  photoIds?: number[];
  data?: Record<string, unknown> | null;
}

/**
 * Every write to a work order goes through here: the conditional update, the timeline event,
 * the outbox event and the hooks, all in the caller's transaction.
 */
@Injectable()
export class WorkOrderLifecycle {
  private readonly logger = new Logger(WorkOrderLifecycle.name);
  private readonly hooks: LifecycleHooks[] = [];

  constructor(
    @Inject(WorkOrdersRepository) private readonly orders: WorkOrdersRepository,
    @Inject(OutboxWriter) private readonly outbox: OutboxWriter,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  addHooks(hooks: LifecycleHooks): void {
    this.hooks.push(hooks);
  }

  /** Run `work` in a transaction (retried on deadlock), then the after-commit tasks it queued. */
  async run<T>(work: (ctx: LifecycleContext) => Promise<T>): Promise<T> {
    let ctx!: LifecycleContext;
    const result = await this.orders.transaction((em) => {
      ctx = { em, now: this.clock.now(), afterCommit: [] };
      return work(ctx);
    });
    for (const task of ctx.afterCommit) {
      try {
        await task();
      } catch (e) {
        // The committed change stands; what failed here has a persisted job to retry it.
        this.logger.warn(`after-commit task failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return result;
  }

  /** A context for code that already holds a transaction (a job handler). */
  context(em: EntityManager, now: Date): LifecycleContext {
    return { em, now, afterCommit: [] };
  }

  async create(ctx: LifecycleContext, data: Partial<WorkOrder>, actor: ActorRef, eventData: Record<string, unknown>) {
    const order = await this.orders.insertOrder(ctx.em, { ...data, createdAt: ctx.now, updatedAt: ctx.now });
    await this.orders.insertEvent(ctx.em, {
      workOrderId: order.id,
      action: 'create',
      fromStatus: null,
      toStatus: order.status,
      actorId: actor.userId,
      actorRole: actor.role,
      note: null,
      photoIds: order.photoIds,
      data: eventData,
      createdAt: ctx.now,
    });
    await this.outbox.emit(
      ctx.em,
      { type: 'order.created', workOrderId: order.id, payload: { actorId: actor.userId } },
      ctx.now,
    );
    for (const h of this.hooks) await h.afterCreate?.(ctx, order);
    return order;
  }

  /**
   * Apply a transition the state machine allowed: a conditional update on the version read.
   * Returns the updated order, or null when someone else changed it first.
   */
  async apply(ctx: LifecycleContext, order: WorkOrder, input: TransitionInput): Promise<WorkOrder | null> {
    const patch = { ...input.patch, status: input.to, updatedAt: ctx.now };
    const won = await this.orders.updateIfVersion(ctx.em, order.id, order.version, patch);
    if (!won) return null;
    const updated: WorkOrder = { ...order, ...patch, version: order.version + 1 };
    const from = order.status as WorkOrderStatus;
    await this.orders.insertEvent(ctx.em, {
      workOrderId: order.id,
      action: input.action,
      fromStatus: from,
      toStatus: input.to,
      actorId: input.actor.userId,
      actorRole: input.actor.role,
      note: input.note ?? input.reason ?? null,
      photoIds: input.photoIds ?? [],
      data: input.data ?? null,
      createdAt: ctx.now,
    });
    await this.outbox.emit(
      ctx.em,
      {
        type: 'order.transition',
        workOrderId: order.id,
        payload: {
          action: input.action,
          from,
          to: input.to,
          actorId: input.actor.userId,
          actorRole: input.actor.role,
          assigneeId: updated.assigneeId,
          previousAssigneeId: order.assigneeId,
          reason: input.reason ?? null,
          urgeCount: updated.urgeCount,
        },
      },
      ctx.now,
    );
    const change: OrderChange = {
      order: updated,
      action: input.action,
      from,
      to: input.to,
      actor: input.actor,
      previousAssigneeId: order.assigneeId,
      reason: input.reason ?? null,
    };
    for (const h of this.hooks) await h.afterTransition?.(ctx, change);
    return updated;
  }
}
