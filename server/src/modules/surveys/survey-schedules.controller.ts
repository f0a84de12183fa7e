import { Body, Controller, Get, HttpCode, Inject, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { ApiView } from '../../common/api-contract.js';
import { ListSurveyPeriodsQuery, OpenSurveyNowDto, SaveSurveyScheduleDto } from './survey-schedules.dto.js';
import { SurveySchedulesService } from './survey-schedules.service.js';

@ApiTags('surveys')
@ApiBearerAuth()
@Controller()
export class SurveySchedulesController {
  constructor(@Inject(SurveySchedulesService) private readonly schedules: SurveySchedulesService) {}

  @Get('survey-schedules')
  @Roles('admin')
  @ApiView(['SurveyScheduleView'], "The company's survey schedules (company-wide and per community)")
  list(@CurrentActor() actor: Actor) {
    return this.schedules.list(actor);
  }

  @Put('survey-schedules')
  @Roles('admin')
  @ApiView('SurveyScheduleView', "Create or replace the company's or a community's survey schedule")
  save(@CurrentActor() actor: Actor, @Body() dto: SaveSurveyScheduleDto) {
    return this.schedules.save(actor, dto);
  }

  @Post('survey-schedules/open-now')
  @HttpCode(201)
  @Roles('admin')
  @ApiView('SurveyView', "Open the current period's survey of a community now", { errors: [409] })
  openNow(@CurrentActor() actor: Actor, @Body() dto: OpenSurveyNowDto) {
    return this.schedules.openNow(actor, dto);
  }

  @Get('surveys/periods')
  @Roles('admin', 'supervisor')
  @ApiView(['SurveyPeriodView'], "Scheduled periods' surveys with response rate, ACSI, NPS and the trend")
  periods(@CurrentActor() actor: Actor, @Query() query: ListSurveyPeriodsQuery) {
    return this.schedules.periods(actor, query);
  }
}
