import { Body, Controller, Get, HttpCode, Inject, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { LeaveService } from './leave.service.js';
import { ListLeaveQuery, ReviewLeaveDto } from './staff.dto.js';

@ApiTags('staff')
@ApiBearerAuth()
@Controller('leave')
export class LeaveController {
  constructor(@Inject(LeaveService) private readonly leave: LeaveService) {}

  /** Supervisor: staff of their communities; admin: the company; technician: their own. */
  @Get()
  @Roles('admin', 'supervisor', 'technician')
  list(@CurrentActor() actor: Actor, @Query() query: ListLeaveQuery) {
    return this.leave.list(actor, query);
  }

  @Post(':id/review')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  review(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: ReviewLeaveDto) {
    return this.leave.review(actor, id, dto.decision);
  }
}
