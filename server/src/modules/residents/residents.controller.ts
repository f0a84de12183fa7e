import { Body, Controller, Get, HttpCode, Inject, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { RequestBindingDto, ReviewBindingDto } from './bindings.dto.js';
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
  @ApiView('HouseBindingView', 'Ask to be bound to a house', { errors: [404, 409] })
  requestBinding(@CurrentActor() actor: Actor, @Body() dto: RequestBindingDto) {
    return this.residents.requestBinding(actor, dto);
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
