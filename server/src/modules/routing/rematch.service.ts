import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  backlogUrgency,
  matchBacklog,
  type BacklogOrder,
  type EffectActor,
  type Priority,
  type RematchApplyView,
  type RematchMoveView,
  type RematchPreviewView,
  type RematchResultView,
  type RoutingCandidate,
  type RoutingDecision,
} from '@linli/shared';
import { DataSource } from 'typeorm';
import { AppError } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { recordAudit } from '../audit/audit.service.js';
import { PlacesRepository } from '../places/places.repository.js';
import { StaffRepository } from '../staff/staff.repository.js';
import { WorkOrderLifecycle, type LifecycleContext, type WorkOrder } from '../work-orders/work-order-lifecycle.js';
import { WorkOrdersRepository } from '../work-orders/work-orders.repository.js';
import type { RematchMoveDto } from './rematch.dto.js';
import type { RoutingRule } from './routing.entities.js';
import { RoutingRulesService } from './routing-rules.service.js';
import { RoutingService } from './routing.service.js';

/** Waiting for a technician (routing found nobody) and routable by the matching. */
const WAITING = ['submitted', 'reopened'];
/** Assigned and not yet accepted: the technician has not started, the order may still move. */
const MOVABLE = ['assigned'];
/** At most this many orders are looked at per preview (oldest first), as the internal job. */
const BACKLOG_LIMIT = 500;
/** The reason on the timeline, the audit entry and the stored decision. */
export const REMATCH_REASON = '重新匹配';

const HOUR_MS = 3_600_000;
const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;
/** The cost of one pair in matchBacklog: -(urgency x 10 + score); no technician costs 0. */
const pairCost = (urgency: number, score: number) => -(urgency * 10 + Math.min(1, Math.max(0, score)));

interface Planned {
  order: WorkOrder;
  rule: RoutingRule | null;
  decision: RoutingDecision;
  urgency: number;
}

/**
 * The supervisor's re-match on demand (docs/routing.md "Re-match on demand"): a preview of what
 * the min-cost assignment of the internal re-match job (`matchBacklog`) would do with the
 * waiting backlog of the caller's communities, and the apply of all or some of its moves, each
 * through the normal `assign` transition, audited, with its routing decision stored.
 */
@Injectable()
export class RematchService {
  constructor(
    @Inject(RoutingService) private readonly routing: RoutingService,
    @Inject(RoutingRulesService) private readonly rules: RoutingRulesService,
    @Inject(StaffRepository) private readonly staff: StaffRepository,
    @Inject(WorkOrderLifecycle) private readonly lifecycle: WorkOrderLifecycle,
    @Inject(WorkOrdersRepository) private readonly orders: WorkOrdersRepository,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(Clock) private readonly clock: Clock,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  /** The communities in view: a supervisor's own (narrowed by communityId), an admin's company. */
  private async communitiesOf(actor: Actor, communityId?: number): Promise<number[]> {
    if (actor.companyId === null) throw new AppError('FORBIDDEN', 're-match is for company staff');
    if (actor.role === 'admin') {
      const rows =
        communityId !== undefined
          ? await this.places.companyCommunities(actor.companyId, [communityId])
          : await this.places.searchCommunities(undefined, actor.companyId, 10_000);
      return rows.map((c) => c.id);
    }
    return communityId === undefined ? actor.communityIds : actor.communityIds.filter((c) => c === communityId);
  }

  async preview(actor: Actor, communityId?: number): Promise<RematchPreviewView> {
    const now = this.clock.now();
    const communityIds = await this.communitiesOf(actor, communityId);
    const empty: RematchPreviewView = {
      generatedAt: now.toISOString(),
      communityIds,
      backlog: 0,
      technicians: 0,
      currentCost: 0,
      proposedCost: 0,
      costSaved: 0,
      moves: [],
    };
    if (!communityIds.length) return empty;
    const companyId = actor.companyId!;
    const ctx = this.lifecycle.context(this.ds.manager, now);
    const backlog = await this.orders.findRematchBacklog(companyId, communityIds, WAITING, MOVABLE, BACKLOG_LIMIT);
    // Complaints stay with the desk.
    const orders = backlog.filter((o) => o.kind !== 'complaint');
    if (!orders.length) return empty;

    // The slots the backlog holds are released for the matching: a technician holding two
    // not-yet-accepted orders of it has two more free slots and is graded with two fewer open.
    const held = new Map<number, number>();
    for (const o of orders) if (o.assigneeId !== null) held.set(o.assigneeId, (held.get(o.assigneeId) ?? 0) + 1);
    const pools = new Map<string, RoutingCandidate[]>();
    const free = new Map<number, number>();
    const names = new Map<number, string>();
    const planned = new Map<number, Planned>();
    for (const order of orders) {
      const key = `${order.communityId}:${order.category}`;
      let pool = pools.get(key);
      if (!pool) {
        pool = (
          await this.staff.loadCandidates(companyId, order.communityId, order.category, now, this.ds.manager)
        ).map((c) => ({ ...c, openOrders: Math.max(0, c.openOrders - (held.get(c.userId) ?? 0)) }));
        pools.set(key, pool);
      }
      for (const c of pool) {
        free.set(c.userId, Math.max(0, c.capacity - c.openOrders));
        names.set(c.userId, c.name);
      }
      const rule = await this.rules.ruleFor(companyId, order.communityId, order.category, order.priority);
      // Orders their rule keeps out of automatic routing (manual, pool) are not matched.
      if (rule && rule.mode !== 'auto' && rule.mode !== 'offer') continue;
      const decision = await this.routing.rankNow(ctx, order, rule, pool);
      const urgency = backlogUrgency(toBacklog(order), now.getTime());
      planned.set(order.id, { order, rule, decision, urgency });
    }
    const scoreOf = (orderId: number, technicianId: number | null) =>
      technicianId === null
        ? null
        : (planned.get(orderId)?.decision.ranked.find((r) => r.userId === technicianId)?.score ?? null);

    // Match; an assigned order the matching leaves out keeps its technician (no move takes an
    // order from someone without giving it to someone), so it is pinned and the rest rematched.
    const slots = new Map(free);
    let open = [...planned.values()];
    const pinned: Planned[] = [];
    let pairs: Array<{ orderId: number; technicianId: number }>;
    for (;;) {
      pairs = matchBacklog(
        open.map((p) => toBacklog(p.order)),
        [...slots].filter(([, n]) => n > 0).map(([technicianId, n]) => ({ technicianId, free: n })),
        (o, technicianId) => scoreOf(o.id, technicianId),
        now.getTime(),
      );
      const matched = new Set(pairs.map((p) => p.orderId));
      const dropped = open.filter((p) => p.order.assigneeId !== null && !matched.has(p.order.id));
      if (!dropped.length) break;
      for (const p of dropped) {
        pinned.push(p);
        slots.set(p.order.assigneeId!, Math.max(0, (slots.get(p.order.assigneeId!) ?? 0) - 1));
      }
      const gone = new Set(dropped.map((p) => p.order.id));
      open = open.filter((p) => !gone.has(p.order.id));
    }

    let currentCost = 0;
    let proposedCost = 0;
    for (const p of planned.values()) {
      const now = scoreOf(p.order.id, p.order.assigneeId);
      // An assigned order whose technician no longer qualifies counts as fit 0.
      if (p.order.assigneeId !== null) currentCost += pairCost(p.urgency, now ?? 0);
    }
    for (const p of pinned) proposedCost += pairCost(p.urgency, scoreOf(p.order.id, p.order.assigneeId) ?? 0);
    const locations = await this.locations(orders);
    const moves: RematchMoveView[] = [];
    for (const { orderId, technicianId } of pairs) {
      const p = planned.get(orderId)!;
      const toScore = scoreOf(orderId, technicianId)!;
      proposedCost += pairCost(p.urgency, toScore);
      const from = p.order.assigneeId;
      if (from === technicianId) continue;
      const fromScore = scoreOf(orderId, from);
      const before = from === null ? 0 : pairCost(p.urgency, fromScore ?? 0);
      const ranked = p.decision.ranked.find((r) => r.userId === technicianId)!;
      moves.push({
        workOrderId: orderId,
        no: p.order.no,
        priority: p.order.priority as Priority,
        category: p.order.category,
        location: locations.get(orderId) ?? '',
        version: p.order.version,
        urgency: round(p.urgency, 2),
        waitedHours: round((now.getTime() - p.order.createdAt.getTime()) / HOUR_MS, 1),
        from: from === null ? null : { id: from, name: names.get(from) ?? '', score: fromScore },
        to: { id: technicianId, name: ranked.name, score: toScore },
        why: from === null ? 'urgency' : fromScore === null || toScore > fromScore ? 'better_fit' : 'frees_slot',
        grades: Object.fromEntries(Object.entries(ranked.grades).map(([k, g]) => [k, g.grade])),
        costSaved: round(before - pairCost(p.urgency, toScore)),
      });
    }
    moves.sort((a, b) => b.urgency - a.urgency || a.workOrderId - b.workOrderId);
    return {
      generatedAt: now.toISOString(),
      communityIds,
      backlog: orders.length,
      technicians: [...free.values()].filter((n) => n > 0).length,
      currentCost: round(currentCost),
      proposedCost: round(proposedCost),
      costSaved: round(currentCost - proposedCost),
      moves,
    };
  }

  /**
   * Apply the chosen moves, each in its own transaction: the order must be in view, still at
   * the version the preview read and still waiting (or assigned, not accepted), and the
   * technician must still qualify now (routing's filters, capacity included). Otherwise the
   * move is skipped and reported; the others go on.
   */
  async apply(actor: Actor, moves: RematchMoveDto[]): Promise<RematchApplyView> {
    const communityIds = new Set(await this.communitiesOf(actor));
    const seen = new Set<number>();
    const results: RematchResultView[] = [];
    for (const move of moves) {
      if (seen.has(move.workOrderId)) {
        throw new AppError('VALIDATION_FAILED', 'one move per order', [
          { field: 'moves', problems: [`order ${move.workOrderId} is moved twice`] },
        ]);
      }
      seen.add(move.workOrderId);
    }
    for (const move of moves) results.push(await this.applyOne(actor, communityIds, move));
    const applied = results.filter((r) => r.outcome === 'applied').length;
    return { applied, skipped: results.length - applied, results };
  }

  private async applyOne(actor: Actor, communityIds: Set<number>, move: RematchMoveDto): Promise<RematchResultView> {
    const result = (outcome: RematchResultView['outcome'], version: number | null): RematchResultView => ({
      workOrderId: move.workOrderId,
      technicianId: move.technicianId,
      outcome,
      version,
    });
    return this.lifecycle.run(async (ctx: LifecycleContext) => {
      const order = await this.orders.findById(move.workOrderId, ctx.em);
      if (!order || order.companyId !== actor.companyId || !communityIds.has(order.communityId)) {
        return result('not_found', null);
      }
      const movable =
        order.kind !== 'complaint' &&
        ((WAITING.includes(order.status) && order.routingState === 'waiting') || MOVABLE.includes(order.status));
      if (order.version !== move.version || !movable || order.assigneeId === move.technicianId) {
        return result('stale', order.version);
      }
      const rule = await this.rules.ruleFor(order.companyId, order.communityId, order.category, order.priority, ctx.em);
      const decision = await this.routing.rankNow(ctx, order, rule);
      const chosen = decision.ranked.find((r) => r.userId === move.technicianId);
      if (!chosen) return result('ineligible', order.version);
      const who: EffectActor = { role: actor.role, userId: actor.userId, isAssignee: false, isReporter: false };
      const updated = await this.lifecycle.act(ctx, order, { action: 'assign', assigneeId: chosen.userId }, who, {
        reason: REMATCH_REASON,
        note: `${REMATCH_REASON}：${chosen.name}（得分 ${chosen.score}）`,
        data: { assigneeId: chosen.userId, score: chosen.score, reason: REMATCH_REASON },
      });
      // Someone else changed it between the read and the write: one winner, this move is stale.
      if (!updated) return result('stale', order.version);
      await this.routing.recordRematch(ctx, updated, rule, decision, chosen.userId);
      await recordAudit(
        ctx.em,
        actor,
        'update',
        'work_order',
        order.id,
        { assigneeId: order.assigneeId, status: order.status, version: order.version },
        {
          assigneeId: updated.assigneeId,
          status: updated.status,
          version: updated.version,
          reason: REMATCH_REASON,
          score: chosen.score,
        },
      );
      return result('applied', updated.version);
    });
  }

  /** "Community building-house" of each order, as the order views show it. */
  private async locations(orders: WorkOrder[]): Promise<Map<number, string>> {
    const houseIds = [...new Set(orders.map((o) => o.houseId).filter((x): x is number => x !== null))];
    const [houses, communities] = await Promise.all([
      this.places.findHouses(houseIds),
      this.places.findCommunities([...new Set(orders.map((o) => o.communityId))]),
    ]);
    const h = new Map(houses.map((x) => [x.id, x]));
    const c = new Map(communities.map((x) => [x.id, x]));
    return new Map(
      orders.map((o) => [
        o.id,
        [c.get(o.communityId)?.name, o.houseId !== null ? h.get(o.houseId)?.label : null].filter(Boolean).join(' '),
      ]),
    );
  }
}

function toBacklog(o: WorkOrder): BacklogOrder {
  return { id: o.id, priority: o.priority as Priority, createdAt: o.createdAt.getTime() };
}
