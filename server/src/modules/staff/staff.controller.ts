import { Body, Controller, Get, Inject, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { LeaveService } from './leave.service.js';
import {
  CreateStaffDto,
  LeaveRequestDto,
  ListStaffQuery,
  ProfileDto,
  RosterDto,
  ServiceAreaDto,
  SkillsDto,
  StaffTeamsDto,
  UpdateStaffDto,
} from './staff.dto.js';
import { StaffAccountsService } from './staff-accounts.service.js';
import { StaffService } from './staff.service.js';
import { ApiView } from '../../common/api-contract.js';

@ApiTags('staff')
@ApiBearerAuth()
@Controller('staff')
export class StaffController {
  constructor(
    @Inject(StaffService) private readonly staff: StaffService,
    @Inject(LeaveService) private readonly leave: LeaveService,
    @Inject(StaffAccountsService) private readonly accounts: StaffAccountsService,
  ) {}

  /** A new account with its service area, skills, teams and shift pattern, in one transaction. */
  @Post()
  @Roles('admin')
  @ApiView('StaffCreatedView', 'Create a staff account (temporary password in this answer only)', {
    errors: [409],
  })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateStaffDto) {
    return this.accounts.create(actor, dto);
  }

  @Put(':id')
  @Roles('admin')
  @ApiView('StaffView', 'Edit the account: name, phone, role; active false deactivates, true reactivates', {
    errors: [409],
  })
  update(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: UpdateStaffDto) {
    return this.accounts.update(actor, id, dto);
  }

  @Put(':id/teams')
  @Roles('admin')
  @ApiView('StaffView', 'Replace the teams a technician belongs to')
  replaceTeams(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: StaffTeamsDto) {
    return this.accounts.replaceTeams(actor, id, dto);
  }

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
