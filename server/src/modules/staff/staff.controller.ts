import { Body, Controller, Get, Inject, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { LeaveService } from './leave.service.js';
import { LeaveRequestDto, ListStaffQuery, ProfileDto, RosterDto, ServiceAreaDto, SkillsDto } from './staff.dto.js';
import { StaffService } from './staff.service.js';
import { ApiView } from '../../common/api-contract.js';

@ApiTags('staff')
@ApiBearerAuth()
@Controller('staff')
export class StaffController {
  constructor(
    @Inject(StaffService) private readonly staff: StaffService,
    @Inject(LeaveService) private readonly leave: LeaveService,
  ) {}

  @Get()
  @Roles('admin', 'supervisor', 'desk')
  @ApiView(['StaffView'], "Staff of the caller's company or communities")
  list(@CurrentActor() actor: Actor, @Query() query: ListStaffQuery) {
    return this.staff.list(actor, query);
  }

  @Get(':id')
  @Roles('admin', 'supervisor', 'desk')
  @ApiView('StaffView', 'One staff member')
  detail(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.staff.detail(actor, id);
  }

  @Put(':id/profile')
  @Roles('admin', 'supervisor')
  @ApiView('StaffView', 'Set capacity and home coordinates')
  profile(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: ProfileDto) {
    return this.staff.updateProfile(actor, id, dto);
  }

  @Put(':id/skills')
  @Roles('admin')
  @ApiView('StaffView', 'Replace the skills')
  skills(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: SkillsDto) {
    return this.staff.replaceSkills(actor, id, dto);
  }

  @Put(':id/service-area')
  @Roles('admin')
  @ApiView('StaffView', 'Replace the communities and buildings served')
  serviceArea(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: ServiceAreaDto) {
    return this.staff.replaceServiceArea(actor, id, dto);
  }

  @Get(':id/shifts')
  @Roles('admin', 'supervisor')
  @ApiView('RosterView', 'The weekly shift pattern and its exceptions')
  shifts(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.staff.roster(actor, id);
  }

  @Put(':id/shifts')
  @Roles('admin', 'supervisor')
  @ApiView('RosterView', 'Replace the shift pattern and exceptions')
  replaceShifts(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: RosterDto) {
    return this.staff.replaceRoster(actor, id, dto);
  }

  /** A technician for themself; an admin or supervisor for their staff. */
  @Post(':id/leave')
  @Roles('technician', 'supervisor', 'admin')
  @ApiView('LeaveView', 'Request leave for a technician')
  requestLeave(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: LeaveRequestDto) {
    return this.leave.request(actor, id, dto);
  }
}
