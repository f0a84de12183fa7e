import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  planAction,
  planCreate,
  type ActionInput,
  type ActorRole,
  type CreateEffects,
  type EffectActor,
  type Effects,
  type OrderDraft,
  type OrderFacts,
  type WorkOrderAction,
  type WorkOrderStatus,
} from '@linli/shared';
import { AppError } from '../../common/app-error.js';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { afterCommit } from '../../common/write-batch.js';
import { OutboxWriter } from '../notifications/outbox.js';
import type { WorkOrder, WorkOrderEvent } from './work-order.entities.js';

export type { WorkOrder } from './work-order.entities.js';
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
  /** What the action does besides the row (clocks, routing, rating window), from shared/. */
  effects: Effects;
  /** The position the actor's phone reported with the action (ChangeNote.position), else null. */
  position: { latitude: number; longitude: number } | null;
}

/** The modules that plug into every order change, in the order their hooks run. */
export const LIFECYCLE_HOOK_ORDER = ['sla', 'routing', 'closed-loop', 'rollups', 'billing'] as const;
export type LifecycleHookName = (typeof LIFECYCLE_HOOK_ORDER)[number];

/**
 * Routing, SLA, the closed loop and rollups plug in here, so the work-order module depends on
 * none of them. Hooks run in LIFECYCLE_HOOK_ORDER whatever order the modules start in: the
 * closed loop links a repeat (sets `order.repeatOfId`) before rollups read it.
 */
export interface LifecycleHooks {
  /**
   * Before a new order's row is written: read what the hook needs and return columns to set on
   * the row (SLA: the first deadline; closed loop: the order it repeats) and work to do once the
   * row has its id. Reads first, writes last: the create transaction holds the community's
   * order-number lock only for the writes.
   */
  prepareCreate?(ctx: LifecycleContext, row: NewOrderRow, effects: CreateEffects): Promise<CreatePrep | void>;
  afterCreate?(ctx: LifecycleContext, order: WorkOrder, effects: CreateEffects): Promise<void>;
  afterTransition?(ctx: LifecycleContext, change: OrderChange): Promise<void>;
  /**
   * Before a transition writes anything: throw an AppError to refuse it (billing refuses to
   * close an order whose bill is unpaid, whatever path closes it). Reads only.
   */
  beforeTransition?(ctx: LifecycleContext, order: WorkOrder, effects: Effects): Promise<void>;
}

/** A new order's row before it is written (no id or number yet). */
export type NewOrderRow = Readonly<CreateEffects['row']> & { readonly createdAt: Date };

/** What a hook's `prepareCreate` contributes: columns for the row, and work once it has an id. */
export interface CreatePrep {
  patch?: Partial<WorkOrder>;
  afterInsert?: (order: WorkOrder) => Promise<void>;
}

/** What the timeline records besides the action's effects. */
export interface ChangeNote {
  actor: ActorRef;
  note?: string | null;
  reason?: string | null;
  photoIds?: number[];
  data?: Record<string, unknown> | null;
  /** Where the actor's phone was (出发/到达, with their consent); routing keeps it as their position. */
  position?: { latitude: number; longitude: number } | null;
}

/**
 * A committed change to a followed order (see `WorkOrderLifecycle.follow`): the row after it
 * and the timeline event it wrote (none when routing only parked the order).
 */
export interface FollowedChange {
  order: WorkOrder;
  event: WorkOrderEvent | null;
}

/** The columns of the row that the shared effects read. */
export function factsOf(order: WorkOrder): OrderFacts {
  return { ...order, status: order.status as WorkOrderStatus };
}

/**
 * Every write to a work order goes through here: the conditional update, the timeline event,
 * the outbox event and the hooks, all in the caller's transaction. What a write changes comes
 * from `planCreate` / `planAction` in shared/ (docs/state-machine.md "Effects").
 */
@Injectable()
export class WorkOrderLifecycle {
  private readonly logger = new Logger(WorkOrderLifecycle.name);
  private readonly hooks = new Map<LifecycleHookName, LifecycleHooks>();
  /** Orders a request follows (`follow`): id -> the changes this process committed since. */
  private readonly followed = new Map<number, FollowedChange[]>();
  /** The `create` event of each order filed here, until it is followed or forgotten. */
  private readonly createEvents = new WeakMap<WorkOrder, WorkOrderEvent>();

  constructor(
    @Inject(WorkOrdersRepository) private readonly orders: WorkOrdersRepository,
    @Inject(OutboxWriter) private readonly outbox: OutboxWriter,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Register a module's hooks under its name in LIFECYCLE_HOOK_ORDER (once). */
  register(name: LifecycleHookName, hooks: LifecycleHooks): void {
    if (this.hooks.has(name)) throw new Error(`lifecycle hooks "${name}" registered twice`);
    this.hooks.set(name, hooks);
  }

  private *ordered(): Generator<LifecycleHooks> {
    for (const name of LIFECYCLE_HOOK_ORDER) {
      const hooks = this.hooks.get(name);
      if (hooks) yield hooks;
    }
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

  /**
   * File a new order: the row `planCreate` gives, its first timeline event, the outbox event,
   * the hooks. The hooks prepare first (reads), then the number is taken (`numberFor`: it locks
   * the community's sequence row until commit) and the row and everything else written.
   */
  async create(
    ctx: LifecycleContext,
    draft: OrderDraft,
    numberFor: () => Promise<string>,
    actor: ActorRef,
    eventData: Record<string, unknown>,
  ): Promise<WorkOrder> {
    const effects = planCreate(draft);
    const row: NewOrderRow = { ...effects.row, createdAt: ctx.now };
    // SQLite locks the whole file at a transaction's first write, and a transaction that has
    // read cannot wait for that lock (it fails busy): there the number, a write, comes first.
    const early = this.orders.locksWholeDatabase ? await numberFor() : null;
    const preps: CreatePrep[] = [];
    for (const h of this.ordered()) {
      const prep = await h.prepareCreate?.(ctx, row, effects);
      if (prep) preps.push(prep);
    }
    const order = await this.orders.insertOrder(ctx.em, {
      ...row,
      ...preps.reduce<Partial<WorkOrder>>((all, p) => ({ ...all, ...p.patch }), {}),
      no: early ?? (await numberFor()),
      updatedAt: ctx.now,
    });
    for (const prep of preps) await prep.afterInsert?.(order);
    const event = await this.orders.insertEvent(ctx.em, {
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
    this.createEvents.set(order, event);
    for (const h of this.ordered()) await h.afterCreate?.(ctx, order, effects);
    return order;
  }

  /**
   * Follow a new order (from `create`, in its transaction) until `unfollow`: every change this
   * process commits to it meanwhile (routing's decision, right after the create's commit) is
   * kept, so the create's answer is built from the rows written instead of read back. Changes
   * committed by other processes are not seen: the answer then shows the order as filed (派单中)
   * and the page hears of the decision over the live socket. Returns the changes known so far:
   * the create itself, once its transaction has committed.
   */
  follow(ctx: LifecycleContext, order: WorkOrder): FollowedChange[] {
    const changes: FollowedChange[] = [];
    this.followed.set(order.id, changes);
    const event = this.createEvents.get(order) ?? null;
    afterCommit(ctx.em, () => changes.unshift({ order, event }));
    return changes;
  }

  /** Stop following an order (always, also when the create failed). */
  unfollow(orderId: number): void {
    this.followed.delete(orderId);
  }

  /** Keep a committed change for the request following the order, if one does. */
  private noteChange(ctx: LifecycleContext, order: WorkOrder, event: WorkOrderEvent | null): void {
    const changes = this.followed.get(order.id);
    if (changes) afterCommit(ctx.em, () => changes.push({ order, event }));
  }

  /**
   * Routing parks orders it could not give to anyone (`waiting`) or leaves to the desk
   * (`manual`): one UPDATE for all of them, no version change, no timeline event.
   */
  async park(ctx: LifecycleContext, orders: WorkOrder[], routingState: 'waiting' | 'manual'): Promise<void> {
    await this.orders.setRoutingState(
      ctx.em,
      orders.map((o) => o.id),
      routingState,
      ctx.now,
    );
    for (const o of orders) this.noteChange(ctx, { ...o, routingState, updatedAt: ctx.now }, null);
  }

  /**
   * Plan `input` with the shared rules and apply it: for the server's own actors (routing,
   * timers, the closed loop), which have checked the order's status beforehand. A refusal by
   * the state machine throws; null means someone else changed the order first.
   */
  async act(
    ctx: LifecycleContext,
    order: WorkOrder,
    input: ActionInput,
    actor: EffectActor,
    note: Omit<ChangeNote, 'actor'> = {},
  ): Promise<WorkOrder | null> {
    const plan = planAction(factsOf(order), input, actor, ctx.now);
    if (!plan.ok) throw new AppError(plan.code, `cannot ${input.action} an order that is ${order.status}`);
    return this.apply(ctx, order, plan.effects, { ...note, actor: { userId: actor.userId, role: actor.role } });
  }

  /**
   * Apply a transition the state machine allowed: a conditional update on the version read.
   * Returns the updated order, or null when someone else changed it first.
   */
  async apply(ctx: LifecycleContext, order: WorkOrder, effects: Effects, input: ChangeNote): Promise<WorkOrder | null> {
    for (const h of this.ordered()) await h.beforeTransition?.(ctx, order, effects);
    const patch = { ...effects.patch, updatedAt: ctx.now };
    const won = await this.orders.updateIfVersion(ctx.em, order.id, order.version, patch);
    if (!won) return null;
    const updated: WorkOrder = { ...order, ...patch, version: order.version + 1 };
    const { action, from, to } = effects;
    const event = await this.orders.insertEvent(ctx.em, {
      workOrderId: order.id,
      action,
      fromStatus: from,
      toStatus: to,
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
          action,
          from,
          to,
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
      action,
      from,
      to,
      actor: input.actor,
      previousAssigneeId: order.assigneeId,
      reason: input.reason ?? null,
      effects,
      position: input.position ?? null,
    };
    for (const h of this.ordered()) await h.afterTransition?.(ctx, change);
    this.noteChange(ctx, updated, event);
    return updated;
  }
}
