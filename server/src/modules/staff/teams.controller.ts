import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseIntPipe, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { TeamDto } from './staff.dto.js';
import { TeamsService } from './teams.service.js';
import { ApiNoContent, ApiView } from '../../common/api-contract.js';

@ApiTags('staff')
@ApiBearerAuth()
@Controller('teams')
@Roles('admin')
export class TeamsController {
  constructor(@Inject(TeamsService) private readonly teams: TeamsService) {}

  @Get()
  @ApiView(['TeamView'], "The company's teams")
  list(@CurrentActor() actor: Actor) {
    return this.teams.list(actor);
  }

  @Post()
  @ApiView('TeamView', 'Create a team')
  create(@CurrentActor() actor: Actor, @Body() dto: TeamDto) {
    return this.teams.create(actor, dto);
  }

  @Put(':id')
  @ApiView('TeamView', 'Replace a team')
  update(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: TeamDto) {
    return this.teams.update(actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContent('Delete a team', { errors: [409] })
  async remove(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number): Promise<void> {
    await this.teams.remove(actor, id);
  }
}
