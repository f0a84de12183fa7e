import { Controller, Get, Inject, Param, ParseIntPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { storedDecisionSummary, type RoutingDecisionView, type RoutingExplanationView } from '@linli/shared';
import { DataSource } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { WorkOrdersService } from '../work-orders/work-orders.service.js';
import { RoutingExplainService } from './routing-explain.service.js';
import { RoutingService } from './routing.service.js';
import { ApiView } from '../../common/api-contract.js';

@ApiTags('routing')
@ApiBearerAuth()
@Controller('work-orders')
export class RoutingController {
  constructor(
    @Inject(WorkOrdersService) private readonly orders: WorkOrdersService,
    @Inject(RoutingService) private readonly routing: RoutingService,
    @Inject(RoutingExplainService) private readonly explainer: RoutingExplainService,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  /**
   * Every routing decision of an order, newest first, as stored: the top candidates with
   * grade x weight, the exclusion counts per reason, the totals. Rows from before the compact
   * format are compacted on the way out.
   */
  @Get(':id/routing')
  @Roles('technician', 'desk', 'supervisor', 'admin')
  @ApiView(['RoutingDecisionView'], "The order's routing decisions as stored, newest first")
  async decisions(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number): Promise<RoutingDecisionView[]> {
    await this.orders.findVisibleOrder(actor, id);
    const rows = await this.routing.decisionsOf(this.ds.manager, id);
    return rows.map((r) => ({
      id: r.id,
      attempt: r.attempt,
      ruleId: r.ruleId,
      mode: r.mode,
      outcome: r.outcome,
      chosenUserId: r.chosenUserId,
      ...storedDecisionSummary(r),
      at: r.createdAt.toISOString(),
    }));
  }

  /**
   * Every candidate, ranked or excluded, recomputed now with the current rule and staff data
   * (not what routing saw when it decided; `recomputedAt` says when).
   */
  @Get(':id/routing/explain')
  @Roles('technician', 'desk', 'supervisor', 'admin')
  @ApiView('RoutingExplanationView', 'Every candidate for the order, recomputed now')
  async explain(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number): Promise<RoutingExplanationView> {
    const order = await this.orders.findVisibleOrder(actor, id);
    return this.explainer.explain(order);
  }
}
