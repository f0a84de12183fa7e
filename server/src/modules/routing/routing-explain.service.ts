import { Inject, Injectable } from '@nestjs/common';
import { compactDecision, type RoutingExplanationView } from '@linli/shared';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { WorkOrderLifecycle, type WorkOrder } from '../work-orders/work-order-lifecycle.js';
import { RoutingRulesService } from './routing-rules.service.js';
import { RoutingService } from './routing.service.js';

/**
 * The full candidate list behind the routing view. Stored decisions keep only the top
 * candidates and the exclusion counts; this recomputes every candidate, ranked or excluded,
 * the way routing does (same rule lookup, candidate loading and rankCandidates) but with the
 * data as it is now, so it can differ from what routing saw when it decided.
 */
@Injectable()
export class RoutingExplainService {
  constructor(
    @Inject(RoutingService) private readonly routing: RoutingService,
    @Inject(RoutingRulesService) private readonly rules: RoutingRulesService,
    @Inject(WorkOrderLifecycle) private readonly lifecycle: WorkOrderLifecycle,
    @Inject(Clock) private readonly clock: Clock,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  /** The caller has checked that the actor may see the order. Reads only. */
  async explain(order: WorkOrder): Promise<RoutingExplanationView> {
    const now = this.clock.now();
    const ctx = this.lifecycle.context(this.ds.manager, now);
    const rule = await this.rules.ruleFor(order.companyId, order.communityId, order.category, order.priority);
    const { decision, travel } = await this.routing.explainNow(ctx, order, rule);
    const { considered, eligible, excludedByReason } = compactDecision(decision, { top: 0 });
    return {
      workOrderId: order.id,
      recomputedAt: now.toISOString(),
      ruleId: rule?.id ?? null,
      mode: rule?.mode ?? 'auto',
      weights: decision.weights,
      considered,
      eligible,
      excludedByReason,
      ranked: decision.ranked.map((r) => ({
        ...r,
        ...(travel.get(r.userId) ?? { distanceKm: null, travelMinutes: null, positionSource: null }),
      })),
      excluded: decision.excluded,
    };
  }
}
