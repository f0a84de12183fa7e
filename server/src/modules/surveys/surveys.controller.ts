import { Body, Controller, Get, HttpCode, Inject, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { RateLimit } from '../../common/rate-limit.js';
import { CreateSurveyDto, ListSurveysQuery, SurveyResponseDto } from './surveys.dto.js';
import { SurveysService } from './surveys.service.js';

@ApiTags('surveys')
@ApiBearerAuth()
@Controller('surveys')
export class SurveysController {
  constructor(@Inject(SurveysService) private readonly surveys: SurveysService) {}

  @Post()
  @Roles('admin')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateSurveyDto) {
    return this.surveys.create(actor, dto);
  }

  @Post(':id/open')
  @HttpCode(200)
  @Roles('admin')
  open(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.surveys.move(actor, id, 'open');
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles('admin')
  close(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.surveys.move(actor, id, 'close');
  }

  /** Staff: their company's surveys; residents: the open surveys of their communities, with `answered`. */
  @Get()
  @Roles('admin', 'supervisor', 'resident')
  list(@CurrentActor() actor: Actor, @Query() query: ListSurveysQuery) {
    return this.surveys.list(actor, query);
  }

  @Post(':id/responses')
  @Roles('resident')
  @RateLimit({ name: 'survey-response', limit: 20, windowSeconds: 60 })
  respond(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: SurveyResponseDto) {
    return this.surveys.respond(actor, id, dto);
  }

  @Get(':id/results')
  @Roles('admin', 'supervisor')
  results(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.surveys.results(actor, id);
  }
}
