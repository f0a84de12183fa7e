import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { MyDayService } from './my-day.service.js';
import { CallerQuery, HouseResidentsQuery } from './staff.dto.js';
import { ApiView } from '../../common/api-contract.js';

/** Staff-app reads: a technician's day and colleagues; the desk's callers of a house. */
@ApiTags('staff')
@ApiBearerAuth()
@Controller('staff')
export class MyDayController {
  constructor(@Inject(MyDayService) private readonly myDay: MyDayService) {}

  @Get('me/today')
  @Roles('technician')
  @ApiView('MyDayView', "The technician's own day")
  today(@CurrentActor() actor: Actor) {
    return this.myDay.today(actor);
  }

  @Get('me/colleagues')
  @Roles('technician')
  @ApiView(['ColleagueView'], 'Colleagues the technician may transfer to')
  colleagues(@CurrentActor() actor: Actor) {
    return this.myDay.colleagues(actor);
  }

  /** Desk: who may be the reporter of a phone report for this house. */
  @Get('desk/house-residents')
  @Roles('desk', 'supervisor', 'admin')
  @ApiView(['HouseResidentView'], 'Verified residents of a house (callers of a phone report)', {
    errors: [404],
  })
  houseResidents(@CurrentActor() actor: Actor, @Query() query: HouseResidentsQuery) {
    return this.myDay.houseResidents(actor, query.houseId);
  }

  /** Desk: who is calling, from the number on the phone: the residents and houses bound to it. */
  @Get('desk/callers')
  @Roles('desk', 'supervisor', 'admin')
  @ApiView(['CallerView'], 'Verified residents with this phone and their houses in the caller’s communities')
  callers(@CurrentActor() actor: Actor, @Query() query: CallerQuery) {
    return this.myDay.callers(actor, query.phone);
  }
}
