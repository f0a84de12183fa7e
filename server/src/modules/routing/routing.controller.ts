import { Controller, Get, Inject, Param, ParseIntPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { WorkOrdersService } from '../work-orders/work-orders.service.js';
import { RoutingService } from './routing.service.js';

@ApiTags('routing')
@ApiBearerAuth()
@Controller('work-orders')
export class RoutingController {
  constructor(
    @Inject(WorkOrdersService) private readonly orders: WorkOrdersService,
    @Inject(RoutingService) private readonly routing: RoutingService,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  /** Every routing decision of an order, newest first: candidates, grade x weight, exclusions. */
  @Get(':id/routing')
  @Roles('technician', 'desk', 'supervisor', 'admin')
  async decisions(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    await this.orders.findVisibleOrder(actor, id);
    const rows = await this.routing.decisionsOf(this.ds.manager, id);
    return rows.map((r) => ({
      id: r.id,
      attempt: r.attempt,
      ruleId: r.ruleId,
      mode: r.mode,
      outcome: r.outcome,
      chosenUserId: r.chosenUserId,
      ranked: r.ranked,
      excluded: r.excluded,
      weights: r.weights,
      at: r.createdAt.toISOString(),
    }));
  }
}
