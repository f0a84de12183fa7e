import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import {
  AcceptInviteDto,
  CreateInviteDto,
  RequestBindingDto,
  ReviewBindingDto,
  UpdateMemberDto,
} from './bindings.dto.js';
import { ResidentsService } from './residents.service.js';
import { ApiView } from '../../common/api-contract.js';

@ApiTags('residents')
@ApiBearerAuth()
@Controller()
export class ResidentsController {
  constructor(@Inject(ResidentsService) private readonly residents: ResidentsService) {}

  @Get('me/houses')
  @Roles('resident')
  @ApiView(['HouseBindingView'], "The resident's houses (every binding)")
  myHouses(@CurrentActor() actor: Actor) {
    return this.residents.myHouses(actor);
  }

  @Post('me/houses')
  @Roles('resident')
  @ApiView('HouseBindingView', 'Ask to be bound to a house, with a proven phone', { errors: [400, 404, 409, 429, 503] })
  requestBinding(@CurrentActor() actor: Actor, @Body() dto: RequestBindingDto) {
    return this.residents.requestBinding(actor, dto);
  }

  @Get('me/houses/:id/household')
  @Roles('resident')
  @ApiView('HouseholdView', "The owner's page of the house's people: members, requests, open invites", {
    errors: [403, 404],
  })
  household(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) houseId: number) {
    return this.residents.household(actor, houseId);
  }

  @Post('me/houses/:id/invites')
  @Roles('resident')
  @ApiView('HouseInviteView', 'The owner invites a family member or tenant (one use, 7 days)', { errors: [403, 404] })
  createInvite(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) houseId: number, @Body() dto: CreateInviteDto) {
    return this.residents.createInvite(actor, houseId, dto);
  }

  @Post('house-invites/accept')
  @HttpCode(200)
  @Roles('resident')
  @ApiView('HouseBindingView', 'Join a house by an invite code, with a proven phone', {
    errors: [400, 404, 409, 410, 429, 503],
  })
  acceptInvite(@CurrentActor() actor: Actor, @Body() dto: AcceptInviteDto) {
    return this.residents.acceptInvite(actor, dto);
  }

  @Delete('house-invites/:id')
  @Roles('resident')
  @ApiView('HouseholdView', 'The owner withdraws an open invite', { errors: [403, 404] })
  revokeInvite(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.residents.revokeInviteById(actor, id);
  }

  @Post('household-members/:id/review')
  @HttpCode(200)
  @Roles('resident')
  @ApiView('HouseholdView', "The owner approves or rejects a request to bind the owner's house", {
    errors: [403, 404, 409],
  })
  reviewMember(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: ReviewBindingDto) {
    return this.residents.reviewMember(actor, id, dto.decision);
  }

  @Patch('household-members/:id')
  @Roles('resident')
  @ApiView('HouseholdView', 'The owner sets 可审批费用 on a family member or tenant', { errors: [403, 404] })
  updateMember(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: UpdateMemberDto) {
    return this.residents.updateMember(actor, id, dto.canApproveFees);
  }

  @Delete('household-members/:id')
  @Roles('resident')
  @ApiView('HouseholdView', 'The owner removes a family member or tenant; it takes effect at once', {
    errors: [403, 404],
  })
  removeMember(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.residents.removeMember(actor, id);
  }

  @Get('house-bindings/pending')
  @Roles('desk', 'supervisor', 'admin')
  @ApiView(['HouseBindingView'], 'Bindings waiting for review')
  pending(@CurrentActor() actor: Actor) {
    return this.residents.pending(actor);
  }

  @Post('house-bindings/:id/review')
  @HttpCode(200)
  @Roles('desk', 'supervisor', 'admin')
  @ApiView('HouseBindingView', 'Verify or reject a binding', { errors: [409] })
  review(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: ReviewBindingDto) {
    return this.residents.review(actor, id, dto.decision);
  }
}
