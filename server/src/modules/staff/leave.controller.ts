import { Body, Controller, Get, HttpCode, Inject, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { LeaveService } from './leave.service.js';
import { ListLeaveQuery, ReviewLeaveDto } from './staff.dto.js';
import { ApiView } from '../../common/api-contract.js';

@ApiTags('staff')
@ApiBearerAuth()
@Controller('leave')
export class LeaveController {
  constructor(@Inject(LeaveService) private readonly leave: LeaveService) {}

  /** Supervisor: staff of their communities; admin: the company; technician: their own. */
  @Get()
  @Roles('admin', 'supervisor', 'technician')
  @ApiView(['LeaveView'], 'Leave requests the caller may see')
  list(@CurrentActor() actor: Actor, @Query() query: ListLeaveQuery) {
    return this.leave.list(actor, query);
  }

  @Post(':id/review')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiView('LeaveView', 'Approve or reject a leave request', { errors: [409] })
  review(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: ReviewLeaveDto) {
    return this.leave.review(actor, id, dto.decision);
  }
}
