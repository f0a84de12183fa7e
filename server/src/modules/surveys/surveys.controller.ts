import { Body, Controller, Get, HttpCode, Inject, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { RateLimit } from '../../common/rate-limit.js';
import { CreateSurveyDto, ListSurveysQuery, SurveyResponseDto } from './surveys.dto.js';
import { SurveysService } from './surveys.service.js';
import { ApiView } from '../../common/api-contract.js';

@ApiTags('surveys')
@ApiBearerAuth()
@Controller('surveys')
export class SurveysController {
  constructor(@Inject(SurveysService) private readonly surveys: SurveysService) {}

  @Post()
  @Roles('admin')
  @ApiView('SurveyView', 'Create a survey (draft)')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateSurveyDto) {
    return this.surveys.create(actor, dto);
  }

  @Post(':id/open')
  @HttpCode(200)
  @Roles('admin')
  @ApiView('SurveyView', 'Open a survey', { errors: [409] })
  open(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.surveys.move(actor, id, 'open');
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles('admin')
  @ApiView('SurveyView', 'Close a survey', { errors: [409] })
  close(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.surveys.move(actor, id, 'close');
  }

  /** Staff: their company's surveys; residents: the open surveys of their communities, with `answered`. */
  @Get()
  @Roles('admin', 'supervisor', 'resident')
  @ApiView(['SurveyView'], 'Surveys the caller may see')
  list(@CurrentActor() actor: Actor, @Query() query: ListSurveysQuery) {
    return this.surveys.list(actor, query);
  }

  @Post(':id/responses')
  @Roles('resident')
  @RateLimit({ name: 'survey-response', limit: 20, windowSeconds: 60 })
  @ApiView('SurveyResponseResult', 'Answer a survey for a household', { errors: [409] })
  respond(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: SurveyResponseDto) {
    return this.surveys.respond(actor, id, dto);
  }

  @Get(':id/results')
  @Roles('admin', 'supervisor')
  @ApiView('SurveyResultsView', "A survey's results: ACSI index, NPS, SERVPERF means")
  results(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.surveys.results(actor, id);
  }
}
