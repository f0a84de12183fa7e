import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor } from '../../common/auth/decorators.js';
import { RateLimit } from '../../common/rate-limit.js';
import { CreateWorkOrderDto, ListWorkOrdersQuery, TransitionDto } from './work-order.dto.js';
import { WorkOrdersService } from './work-orders.service.js';
import { ApiView } from '../../common/api-contract.js';

@ApiTags('work-orders')
@ApiBearerAuth()
@Controller('work-orders')
export class WorkOrdersController {
  constructor(@Inject(WorkOrdersService) private readonly orders: WorkOrdersService) {}

  @Post()
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'same key, same order' })
  @RateLimit({ name: 'create-order', limit: 30, windowSeconds: 60 })
  @ApiView('CreatedWorkOrderView', 'Report a repair, complaint or suggestion', {
    also: [200],
    errors: [403, 404, 409],
  })
  async create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateWorkOrderDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { order, replayed, duplicate } = await this.orders.create(actor, dto, key);
    // 200 and `duplicate: true`: an identical open order was filed minutes ago; that is the answer.
    res.status(replayed || duplicate ? 200 : 201);
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    return order;
  }

  @Get()
  @ApiView('WorkOrderPage', "The caller's orders, filtered and paged")
  list(@CurrentActor() actor: Actor, @Query() query: ListWorkOrdersQuery) {
    return this.orders.list(actor, query);
  }

  @Get(':id')
  @ApiView('WorkOrderDetailView', 'One order with its timeline and the actions the caller may take')
  detail(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.orders.detail(actor, id);
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @ApiView('WorkOrderDetailView', 'Take an action on an order', { errors: [403, 409, 429] })
  transition(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: TransitionDto) {
    return this.orders.transition(actor, id, dto);
  }
}
