import { Controller, Get, Inject, Param, ParseIntPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor } from '../../common/auth/decorators.js';
import { WorkOrdersService } from '../work-orders/work-orders.service.js';
import { SlaService } from './sla.service.js';
import { ApiView } from '../../common/api-contract.js';

@ApiTags('sla')
@ApiBearerAuth()
@Controller('work-orders')
export class SlaController {
  constructor(
    @Inject(WorkOrdersService) private readonly orders: WorkOrdersService,
    @Inject(SlaService) private readonly sla: SlaService,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  /** The order's SLA clocks (every cycle): target, deadline, pauses, escalation level, breach. */
  @Get(':id/sla')
  @ApiView(['SlaClockView'], "The order's SLA clocks, every cycle")
  async clocks(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    await this.orders.findVisibleOrder(actor, id);
    const [clocks, escalations] = await Promise.all([
      this.sla.clocksOf(this.ds.manager, id),
      this.sla.escalationsOf(this.ds.manager, id),
    ]);
    return clocks.map((c) => ({
      id: c.id,
      cycle: c.cycle,
      stage: c.stage,
      status: c.status,
      startedAt: c.startedAt.toISOString(),
      targetMinutes: c.targetMinutes,
      dueAt: c.dueAt.toISOString(),
      businessHours: c.calendar !== null,
      pausedSeconds: c.pausedSeconds,
      pausedSince: c.pausedSince?.toISOString() ?? null,
      pauseReason: c.pauseReason,
      level: c.level,
      breached: c.breachedAt !== null,
      breachedAt: c.breachedAt?.toISOString() ?? null,
      stoppedAt: c.stoppedAt?.toISOString() ?? null,
      escalations: escalations
        .filter((e) => e.clockId === c.id)
        .map((e) => ({ level: e.level, notified: e.notified, at: e.createdAt.toISOString() })),
    }));
  }
}
