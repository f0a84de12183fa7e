import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { BreakdownQuery, HotspotsQuery, ScoresQuery } from './scores.dto.js';
import { ScoresService } from './scores.service.js';
import { ApiView } from '../../common/api-contract.js';

/** Satisfaction scores for the office: company-scoped, desk and supervisors limited to their communities. */
@ApiTags('satisfaction')
@ApiBearerAuth()
@Controller('satisfaction')
@Roles('desk', 'supervisor', 'admin')
export class ScoresController {
  constructor(@Inject(ScoresService) private readonly scores: ScoresService) {}

  @Get('summary')
  @ApiView('SummaryView', 'Satisfaction and service metrics of a slice', { errors: [404] })
  summary(@CurrentActor() actor: Actor, @Query() query: ScoresQuery) {
    return this.scores.summary(actor, query);
  }

  @Get('breakdown')
  @ApiView('BreakdownView', 'The metrics of a slice broken down', { errors: [404] })
  breakdown(@CurrentActor() actor: Actor, @Query() query: BreakdownQuery) {
    return this.scores.breakdown(actor, query);
  }

  @Get('drivers')
  @ApiView('DriversView', 'Key drivers of satisfaction', { errors: [404] })
  drivers(@CurrentActor() actor: Actor, @Query() query: ScoresQuery) {
    return this.scores.drivers(actor, query);
  }

  @Get('hotspots')
  @ApiView('HotspotsView', 'Category x building hotspots', { errors: [404] })
  hotspots(@CurrentActor() actor: Actor, @Query() query: HotspotsQuery) {
    return this.scores.hotspots(actor, query);
  }
}
