import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { MyDayService } from './my-day.service.js';
import { HouseResidentsQuery } from './staff.dto.js';

/** Staff-app reads: a technician's day and colleagues; the desk's callers of a house. */
@ApiTags('staff')
@ApiBearerAuth()
@Controller('staff')
export class MyDayController {
  constructor(@Inject(MyDayService) private readonly myDay: MyDayService) {}

  @Get('me/today')
  @Roles('technician')
  today(@CurrentActor() actor: Actor) {
    return this.myDay.today(actor);
  }

  @Get('me/colleagues')
  @Roles('technician')
  colleagues(@CurrentActor() actor: Actor) {
    return this.myDay.colleagues(actor);
  }

  /** Desk: who may be the reporter of a phone report for this house. */
  @Get('desk/house-residents')
  @Roles('desk', 'supervisor', 'admin')
  houseResidents(@CurrentActor() actor: Actor, @Query() query: HouseResidentsQuery) {
    return this.myDay.houseResidents(actor, query.houseId);
  }
}
