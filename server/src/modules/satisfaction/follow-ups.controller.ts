import { Body, Controller, Get, HttpCode, Inject, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { CompleteFollowUpDto, FollowUpPolicyDto, ListFollowUpsQuery } from './follow-ups.dto.js';
import { FollowUpsService } from './follow-ups.service.js';
import { ApiView } from '../../common/api-contract.js';

@ApiTags('follow-ups')
@ApiBearerAuth()
@Controller()
export class FollowUpsController {
  constructor(@Inject(FollowUpsService) private readonly followUps: FollowUpsService) {}

  /** The desk's queue of follow-up calls in the caller's communities, most urgent first. */
  @Get('follow-ups')
  @Roles('desk', 'supervisor', 'admin')
  @ApiView('FollowUpPage', "The desk's follow-up calls, most urgent first")
  list(@CurrentActor() actor: Actor, @Query() query: ListFollowUpsQuery) {
    return this.followUps.list(actor, query);
  }

  @Post('follow-ups/:id/complete')
  @HttpCode(200)
  @Roles('desk', 'supervisor', 'admin')
  @ApiView('FollowUpView', 'Record a follow-up call', { errors: [409] })
  complete(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: CompleteFollowUpDto) {
    return this.followUps.complete(actor, id, dto);
  }

  @Get('communities/:id/follow-up-policy')
  @Roles('desk', 'supervisor', 'admin')
  @ApiView('FollowUpPolicyView', 'Which completed orders of a community get a call')
  policy(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.followUps.policy(actor, id);
  }

  /** Which completed orders get a call: all, the unrated (and low ratings), or low ratings only. */
  @Put('communities/:id/follow-up-policy')
  @Roles('admin')
  @ApiView('FollowUpPolicyView', 'Set the follow-up policy and rating window')
  setPolicy(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: FollowUpPolicyDto) {
    return this.followUps.setPolicy(actor, id, dto);
  }
}
