import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { BreakdownQuery, HotspotsQuery, ScoresQuery } from './scores.dto.js';
import { ScoresService } from './scores.service.js';
import { ApiView } from '../../common/api-contract.js';
import { ReplicaReader } from '../../database/replica-reader.js';

/**
 * Satisfaction scores for the office: company-scoped, desk and supervisors limited to their
 * communities. Read from a replica when one is configured and fresh enough (ReplicaReader);
 * every answer says where it was read (`freshness`).
 */
@ApiTags('satisfaction')
@ApiBearerAuth()
@Controller('satisfaction')
@Roles('desk', 'supervisor', 'admin')
export class ScoresController {
  constructor(
    @Inject(ScoresService) private readonly scores: ScoresService,
    @Inject(ReplicaReader) private readonly reader: ReplicaReader,
  ) {}

  @Get('summary')
  @ApiView('SummaryView', 'Satisfaction and service metrics of a slice', { errors: [404] })
  summary(@CurrentActor() actor: Actor, @Query() query: ScoresQuery) {
    return this.reader.view((em) => this.scores.on(em).summary(actor, query));
  }

  @Get('breakdown')
  @ApiView('BreakdownView', 'The metrics of a slice broken down', { errors: [404] })
  breakdown(@CurrentActor() actor: Actor, @Query() query: BreakdownQuery) {
    return this.reader.view((em) => this.scores.on(em).breakdown(actor, query));
  }

  @Get('drivers')
  @ApiView('DriversView', 'Key drivers of satisfaction', { errors: [404] })
  drivers(@CurrentActor() actor: Actor, @Query() query: ScoresQuery) {
    return this.reader.view((em) => this.scores.on(em).drivers(actor, query));
  }

  @Get('hotspots')
  @ApiView('HotspotsView', 'Category x building hotspots', { errors: [404] })
  hotspots(@CurrentActor() actor: Actor, @Query() query: HotspotsQuery) {
    return this.reader.view((em) => this.scores.on(em).hotspots(actor, query));
  }
}
