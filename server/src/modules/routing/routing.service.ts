import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  compactDecision,
  DEFAULT_ROUTING_WEIGHTS,
  matchBacklog,
  rankCandidates,
  type Priority,
  type RankedCandidate,
  type RoutingCandidate,
  type RoutingDecision,
  type RoutingWeights,
  refusedTooOften,
  SYSTEM_ACTOR,
} from '@linli/shared';
import type { EntityManager } from 'typeorm';
import { deferInsert } from '../../common/write-batch.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import type { ScheduledJob } from '../jobs/jobs.repository.js';
import { JobsRepository } from '../jobs/jobs.repository.js';
import { OutboxWriter } from '../notifications/outbox.js';
import { PlacesRepository } from '../places/places.repository.js';
import type { CandidatePool, TravelFacts } from '../staff/candidate-pool.js';
import { StaffRepository } from '../staff/staff.repository.js';
import {
  WorkOrderLifecycle,
  type LifecycleContext,
  type OrderChange,
  type WorkOrder,
} from '../work-orders/work-order-lifecycle.js';
import { WorkOrdersRepository } from '../work-orders/work-orders.repository.js';
import { RoutingRulesService } from './routing-rules.service.js';
import { RoutingDecisionRecord, type RoutingRule } from './routing.entities.js';

export const ROUTE_JOB = 'route';

/** What one routing batch reads once and shares between its orders. */
interface RouteBatch {
  orders: WorkOrder[];
  rules: Map<string, RoutingRule | null>;
  /** Candidates per company (loaded for all the batch's places of a company at once). */
  pools: Map<number, CandidatePool>;
  /** Orders assigned to each technician earlier in the batch. */
  assigned: Map<number, number>;
  /** Each order's building (null: a public area without one). */
  buildings: Map<number, number | null>;
  /** Orders parked for the desk or for free capacity: one UPDATE each at the end of the batch. */
  parked: { manual: WorkOrder[]; waiting: WorkOrder[] };
}
export const OFFER_TIMEOUT_JOB = 'offer_timeout';
export const REMATCH_JOB = 'rematch';

/** How often orders nobody could take are tried again, besides whenever capacity frees up. */
const WAITING_RETRY_MS = 5 * 60_000;
const ROUTABLE = ['submitted', 'reopened'];

/**
 * Routes orders to technicians: the pure core (`rankCandidates`, `matchBacklog` in shared/)
 * decides; this service loads candidates, applies the decision through the lifecycle and
 * stores it. All work runs in persisted jobs, so a crash loses no routing.
 */
/** Per transaction: companies whose pending rematch (due by the time given, ms) is known to exist. */
const rematchEnsured = new WeakMap<EntityManager, Map<number, number>>();

@Injectable()
export class RoutingService implements OnModuleInit {
  constructor(
    @Inject(WorkOrderLifecycle) private readonly lifecycle: WorkOrderLifecycle,
    @Inject(JobRunner) private readonly runner: JobRunner,
    @Inject(JobsRepository) private readonly jobs: JobsRepository,
    @Inject(OutboxWriter) private readonly outbox: OutboxWriter,
    @Inject(RoutingRulesService) private readonly rules: RoutingRulesService,
    @Inject(StaffRepository) private readonly staff: StaffRepository,
    @Inject(WorkOrdersRepository) private readonly orders: WorkOrdersRepository,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
  ) {}

  onModuleInit(): void {
    this.lifecycle.register('routing', {
      afterCreate: (ctx, order) => this.queueRouting(ctx, order.id),
      afterTransition: (ctx, change) => this.onChange(ctx, change),
    });
    this.runner.register(ROUTE_JOB, (em, job, now) =>
      this.routeMany(this.lifecycle.context(em, now), [job.workOrderId!]),
    );
    this.runner.registerBatch(ROUTE_JOB, (em, jobs, now) =>
      this.routeMany(
        this.lifecycle.context(em, now),
        jobs.map((j) => j.workOrderId!),
      ),
    );
    this.runner.register(OFFER_TIMEOUT_JOB, (em, job, now) => this.offerTimedOut(this.lifecycle.context(em, now), job));
    this.runner.register(REMATCH_JOB, async (em, job, now) => {
      await this.rematch(this.lifecycle.context(em, now), job.refId!);
    });
  }

  decisionsOf(em: EntityManager, workOrderId: number) {
    return em.find(RoutingDecisionRecord, { where: { workOrderId }, order: { id: 'DESC' } });
  }

  /**
   * Route in a job due now, and fire the due route jobs as soon as the change commits: requests
   * that commit while a batch runs are routed together in the next one (JobRunner.drain).
   */
  private async queueRouting(ctx: LifecycleContext, workOrderId: number) {
    await this.jobs.schedule(ctx.em, { kind: ROUTE_JOB, dueAt: ctx.now, workOrderId });
    ctx.afterCommit.push(() => this.runner.drain(ROUTE_JOB));
  }

  private async onChange(ctx: LifecycleContext, change: OrderChange) {
    const { order } = change;
    const todo = change.effects.routing;
    // 出发/到达 with the technician's consent: their phone's position (technician-positions.ts).
    if (change.position && change.actor.role === 'technician' && change.actor.userId !== null) {
      await this.staff.saveReportedPosition(ctx.em, change.actor.userId, change.position, ctx.now);
    }
    if (todo.route) await this.queueRouting(ctx, order.id);
    // Offers exist only on assigned orders: from any other status there is no timeout to cancel
    // (and a stale one does nothing: offerTimedOut checks the version it was set for).
    if (todo.endOffer && change.from === 'assigned') {
      await this.jobs.cancel(ctx.em, OFFER_TIMEOUT_JOB, { workOrderId: order.id });
    }
    if (todo.touchAssignee && order.assigneeId !== null) {
      await this.staff.touchAssigned(ctx.em, order.assigneeId, ctx.now);
    }
    // Capacity came free (or a manual change moved work around): try the waiting backlog.
    if (todo.freesCapacity) {
      await this.queueRematch(ctx, order.companyId, ctx.now);
    }
  }

  private async queueRematch(ctx: LifecycleContext, companyId: number, dueAt: Date) {
    // A batch parks many orders of one company: look for the pending rematch once per transaction.
    let ensured = rematchEnsured.get(ctx.em);
    if (!ensured) rematchEnsured.set(ctx.em, (ensured = new Map<number, number>()));
    const by = ensured.get(companyId);
    if (by !== undefined && by <= dueAt.getTime()) return;
    if (!(await this.jobs.hasPending(ctx.em, REMATCH_JOB, companyId, dueAt))) {
      await this.jobs.schedule(ctx.em, { kind: REMATCH_JOB, dueAt, refId: companyId });
    }
    ensured.set(companyId, dueAt.getTime());
  }

  private async decide(
    ctx: LifecycleContext,
    order: WorkOrder,
    rule: RoutingRule | null,
    candidates?: RoutingCandidate[],
    buildingId?: number | null,
  ) {
    const weights: RoutingWeights = rule?.weights ?? DEFAULT_ROUTING_WEIGHTS;
    const building = buildingId !== undefined ? buildingId : await this.places.buildingOf(order, ctx.em);
    const pool =
      candidates ??
      (await this.staff.loadCandidates(order.companyId, order.communityId, order.category, ctx.now, ctx.em, building));
    return rankCandidates(
      {
        category: order.category,
        communityId: order.communityId,
        buildingId: building,
        priority: order.priority as Priority,
        // A complaint never goes to the technician it is about.
        excludedUserIds: [...(order.excludedUserIds ?? []), ...(order.aboutUserId != null ? [order.aboutUserId] : [])],
        teamId: rule?.teamId ?? null,
      },
      pool,
      weights,
      ctx.now.getTime(),
    );
  }

  /**
   * The explanation: every candidate ranked or excluded for an order now, as routing would
   * decide, with each technician's travel facts (distance, minutes, where the position came from).
   */
  async explainNow(
    ctx: LifecycleContext,
    order: WorkOrder,
    rule: RoutingRule | null,
  ): Promise<{ decision: RoutingDecision; travel: Map<number, TravelFacts> }> {
    const buildingId = await this.places.buildingOf(order, ctx.em);
    const place = { communityId: order.communityId, buildingId, category: order.category };
    const pool = await this.staff.loadCandidatePool(order.companyId, [place], ctx.now, ctx.em);
    const decision = await this.decide(ctx, order, rule, pool.for(place), buildingId);
    return { decision, travel: pool.travel(place) };
  }

  /** Every candidate ranked or excluded for an order now, as routing would decide (the explanation). */
  rankNow(
    ctx: LifecycleContext,
    order: WorkOrder,
    rule: RoutingRule | null,
    candidates?: RoutingCandidate[],
  ): Promise<RoutingDecision> {
    return this.decide(ctx, order, rule, candidates);
  }

  /** Store the decision of a supervisor's re-match move (outcome `rematched`; RematchService). */
  recordRematch(
    ctx: LifecycleContext,
    order: WorkOrder,
    rule: RoutingRule | null,
    decision: RoutingDecision,
    chosenUserId: number,
  ): Promise<void> {
    return this.record(ctx, order, rule, decision, 'rematched', chosenUserId);
  }

  /** Decisions already stored per order, preloaded for a routing batch (one query). */
  private readonly attempts = new WeakMap<LifecycleContext, Map<number, number>>();

  private async preloadAttempts(ctx: LifecycleContext, workOrderIds: number[]) {
    const rows = await ctx.em
      .createQueryBuilder(RoutingDecisionRecord, 'd')
      .select('d.workOrderId', 'workOrderId')
      .addSelect('COUNT(*)', 'n')
      .where('d.workOrderId IN (:...ids)', { ids: workOrderIds })
      .groupBy('d.workOrderId')
      .getRawMany<{ workOrderId: number | string; n: number | string }>();
    const counts = new Map(workOrderIds.map((id) => [id, 0]));
    for (const r of rows) counts.set(Number(r.workOrderId), Number(r.n));
    this.attempts.set(ctx, counts);
  }

  private async attemptsSoFar(ctx: LifecycleContext, workOrderId: number): Promise<number> {
    const known = this.attempts.get(ctx)?.get(workOrderId);
    if (known !== undefined) return known;
    return ctx.em.countBy(RoutingDecisionRecord, { workOrderId });
  }

  private async record(
    ctx: LifecycleContext,
    order: WorkOrder,
    rule: RoutingRule | null,
    decision: RoutingDecision,
    outcome: string,
    chosenUserId: number | null,
  ) {
    const attempt = (await this.attemptsSoFar(ctx, order.id)) + 1;
    this.attempts.get(ctx)?.set(order.id, attempt);
    // Written with the transaction's other deferred inserts (one statement per batch).
    await deferInsert(ctx.em, RoutingDecisionRecord, {
      workOrderId: order.id,
      attempt,
      ruleId: rule?.id ?? null,
      mode: rule?.mode ?? 'auto',
      outcome,
      chosenUserId,
      // The compact shape only (top candidates, counts per exclusion reason): the full list
      // is recomputed on demand (RoutingExplainService).
      summary: compactDecision(decision, { chosenUserId }),
      ranked: null,
      excluded: null,
      weights: decision.weights,
      createdAt: ctx.now,
    });
  }

  /**
   * Job (one or a batch): route orders that wait for a technician, oldest first. The orders,
   * routing rules and candidates are read once per batch; an assignment made earlier in the
   * batch counts against the technician's capacity for the later orders, as in the re-match.
   */
  async routeMany(ctx: LifecycleContext, workOrderIds: number[]): Promise<void> {
    const orders = (await this.orders.findByIds(workOrderIds, ctx.em))
      .filter((o) => ROUTABLE.includes(o.status))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
    if (!orders.length) return;
    await this.preloadAttempts(
      ctx,
      orders.map((o) => o.id),
    );
    const batch: RouteBatch = {
      orders,
      rules: new Map(),
      pools: new Map(),
      assigned: new Map(),
      buildings: await this.places.buildingsOfPlaces(orders, ctx.em),
      parked: { manual: [], waiting: [] },
    };
    for (const order of orders) await this.route(ctx, order, batch);
    for (const state of ['manual', 'waiting'] as const) {
      if (batch.parked[state].length) await this.lifecycle.park(ctx, batch.parked[state], state);
    }
  }

  /** The candidates for an order, with the batch's earlier assignments counted. */
  private async candidatesFor(ctx: LifecycleContext, order: WorkOrder, batch: RouteBatch) {
    let pool = batch.pools.get(order.companyId);
    if (!pool) {
      // Every place of the batch's orders of this company at once: the technicians and their
      // facts are company-wide, only distance (the place) and quality (the category) differ.
      const places = batch.orders
        .filter((o) => o.companyId === order.companyId)
        .map((o) => ({ communityId: o.communityId, buildingId: batch.buildings.get(o.id) ?? null }));
      pool = await this.staff.loadCandidatePool(order.companyId, places, ctx.now, ctx.em);
      batch.pools.set(order.companyId, pool);
    }
    const candidates = pool.for({
      communityId: order.communityId,
      buildingId: batch.buildings.get(order.id) ?? null,
      category: order.category,
    });
    return candidates.map((c) => {
      const extra = batch.assigned.get(c.userId);
      return extra ? { ...c, openOrders: c.openOrders + extra, lastAssignedAt: ctx.now.getTime() } : c;
    });
  }

  private async ruleOf(ctx: LifecycleContext, order: WorkOrder, batch: RouteBatch) {
    const key = `${order.companyId}:${order.communityId}:${order.category}:${order.priority}`;
    if (!batch.rules.has(key)) {
      batch.rules.set(
        key,
        await this.rules.ruleFor(order.companyId, order.communityId, order.category, order.priority, ctx.em),
      );
    }
    return batch.rules.get(key) ?? null;
  }

  /** Route one order of a batch. */
  private async route(ctx: LifecycleContext, order: WorkOrder, batch: RouteBatch): Promise<void> {
    const rule = await this.ruleOf(ctx, order, batch);
    // A complaint goes to the desk, never straight to a technician.
    const mode = order.kind === 'complaint' ? 'manual' : (rule?.mode ?? 'auto');
    const decision = await this.decide(
      ctx,
      order,
      rule,
      await this.candidatesFor(ctx, order, batch),
      batch.buildings.get(order.id) ?? null,
    );
    if (mode === 'manual') {
      await this.record(ctx, order, rule, decision, 'manual', null);
      batch.parked.manual.push(order);
      await this.outbox.emit(
        ctx.em,
        {
          type: 'routing.waiting',
          workOrderId: order.id,
          payload: { communityId: order.communityId, reasons: ['manual'] },
        },
        ctx.now,
      );
      return;
    }
    if (mode === 'pool' || refusedTooOften(order.refusalCount, rule?.maxRefusals)) {
      const pooled = await this.lifecycle.act(ctx, order, { action: 'pool' }, SYSTEM_ACTOR, {
        reason: mode === 'pool' ? '抢单模式' : `拒单/超时 ${order.refusalCount} 次，转入抢单池`,
      });
      if (!pooled) return;
      await this.record(ctx, order, rule, decision, 'pooled', null);
      await this.outbox.emit(
        ctx.em,
        {
          type: 'routing.pooled',
          workOrderId: order.id,
          payload: { communityId: order.communityId, category: order.category },
        },
        ctx.now,
      );
      return;
    }
    const top = decision.ranked[0];
    if (!top) {
      await this.record(ctx, order, rule, decision, 'waiting', null);
      batch.parked.waiting.push(order);
      const reasons = [...new Set(decision.excluded.flatMap((e) => e.reasons))];
      await this.outbox.emit(
        ctx.em,
        { type: 'routing.waiting', workOrderId: order.id, payload: { communityId: order.communityId, reasons } },
        ctx.now,
      );
      await this.queueRematch(ctx, order.companyId, new Date(ctx.now.getTime() + WAITING_RETRY_MS));
      return;
    }
    if (await this.assign(ctx, order, rule, decision, top, 'assigned')) {
      batch.assigned.set(top.userId, (batch.assigned.get(top.userId) ?? 0) + 1);
    }
  }

  private async assign(
    ctx: LifecycleContext,
    order: WorkOrder,
    rule: RoutingRule | null,
    decision: RoutingDecision,
    top: RankedCandidate,
    outcome: 'assigned' | 'rematched',
  ) {
    const offer = (rule?.mode ?? 'auto') === 'offer';
    const expiresAt = offer ? new Date(ctx.now.getTime() + (rule?.offerTimeoutSeconds ?? 300) * 1000) : null;
    const updated = await this.lifecycle.act(
      ctx,
      order,
      { action: 'assign', assigneeId: top.userId, offerExpiresAt: expiresAt },
      SYSTEM_ACTOR,
      {
        note: `${top.name}（得分 ${top.score}）`,
        data: { assigneeId: top.userId, score: top.score, mode: rule?.mode ?? 'auto' },
      },
    );
    if (!updated) return false;
    await this.record(ctx, order, rule, decision, offer ? 'offered' : outcome, top.userId);
    if (offer && expiresAt) {
      await this.jobs.schedule(ctx.em, {
        kind: OFFER_TIMEOUT_JOB,
        dueAt: expiresAt,
        workOrderId: order.id,
        payload: { userId: top.userId, version: updated.version },
      });
      await this.outbox.emit(
        ctx.em,
        {
          type: 'routing.offered',
          workOrderId: order.id,
          payload: { userId: top.userId, expiresAt: expiresAt.toISOString() },
        },
        ctx.now,
      );
    }
    return true;
  }

  /** Job: an offered order was not accepted in time: decline for the technician, route on. */
  private async offerTimedOut(ctx: LifecycleContext, job: ScheduledJob) {
    const order = await this.orders.findById(job.workOrderId!, ctx.em);
    const userId = job.payload?.userId as number;
    if (!order || order.status !== 'assigned' || order.assigneeId !== userId || order.version !== job.payload?.version)
      return;
    await this.lifecycle.act(ctx, order, { action: 'decline', declinedBy: userId }, SYSTEM_ACTOR, {
      reason: '接单超时',
      data: { timedOutUserId: userId },
    });
  }

  /**
   * Job: match the company's waiting backlog to free capacity as one assignment problem, so
   * that an old P1 is not left behind a new P3 when a technician frees up.
   */
  async rematch(ctx: LifecycleContext, companyId: number): Promise<number> {
    const waiting = await this.orders.findWaiting(ctx.em, companyId, ROUTABLE, 500);
    if (!waiting.length) return 0;
    await this.preloadAttempts(
      ctx,
      waiting.map((o) => o.id),
    );
    const rules = new Map<number, RoutingRule | null>();
    const decisions = new Map<number, RoutingDecision>();
    // The technicians, their facts and positions once for the whole backlog (candidate-pool.ts).
    const buildings = await this.places.buildingsOfPlaces(waiting, ctx.em);
    const pool = await this.staff.loadCandidatePool(
      companyId,
      waiting.map((o) => ({ communityId: o.communityId, buildingId: buildings.get(o.id) ?? null })),
      ctx.now,
      ctx.em,
    );
    const capacity = new Map(pool.base.map((c) => [c.userId, Math.max(0, c.capacity - c.openOrders)]));
    for (const order of waiting) {
      const rule = await this.rules.ruleFor(companyId, order.communityId, order.category, order.priority, ctx.em);
      rules.set(order.id, rule);
      if (rule && rule.mode !== 'auto' && rule.mode !== 'offer') continue;
      const buildingId = buildings.get(order.id) ?? null;
      const candidates = pool.for({ communityId: order.communityId, buildingId, category: order.category });
      decisions.set(order.id, await this.decide(ctx, order, rule, candidates, buildingId));
    }
    const pairs = matchBacklog(
      waiting
        .filter((o) => decisions.has(o.id))
        .map((o) => ({ id: o.id, priority: o.priority as Priority, createdAt: o.createdAt.getTime() })),
      [...capacity].filter(([, free]) => free > 0).map(([technicianId, free]) => ({ technicianId, free })),
      (order, technicianId) => decisions.get(order.id)?.ranked.find((r) => r.userId === technicianId)?.score ?? null,
      ctx.now.getTime(),
    );
    let assigned = 0;
    for (const { orderId, technicianId } of pairs) {
      const order = waiting.find((o) => o.id === orderId)!;
      const decision = decisions.get(orderId)!;
      const chosen = decision.ranked.find((r) => r.userId === technicianId)!;
      if (await this.assign(ctx, order, rules.get(orderId) ?? null, decision, chosen, 'rematched')) assigned++;
    }
    if (assigned < waiting.length)
      await this.queueRematch(ctx, companyId, new Date(ctx.now.getTime() + WAITING_RETRY_MS));
    return assigned;
  }
}
