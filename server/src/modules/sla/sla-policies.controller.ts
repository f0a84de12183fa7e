import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { EffectivePolicyQuery, SlaPolicyDto } from './sla-policies.dto.js';
import { SlaPoliciesService } from './sla-policies.service.js';
import { ApiNoContent, ApiView } from '../../common/api-contract.js';

@ApiTags('sla-policies')
@ApiBearerAuth()
@Controller('sla-policies')
@Roles('admin')
export class SlaPoliciesController {
  constructor(@Inject(SlaPoliciesService) private readonly policies: SlaPoliciesService) {}

  @Get()
  @ApiView(['SlaPolicyView'], "The company's SLA policies")
  list(@CurrentActor() actor: Actor) {
    return this.policies.list(actor);
  }

  /** Declared before ':id' routes: the targets an order of this scope would get. */
  @Get('effective')
  @ApiView('EffectiveSlaPolicyView', 'The targets an order of this scope would get')
  effective(@CurrentActor() actor: Actor, @Query() query: EffectivePolicyQuery) {
    return this.policies.effective(actor, query);
  }

  @Post()
  @ApiView('SlaPolicyView', 'Create an SLA policy')
  create(@CurrentActor() actor: Actor, @Body() dto: SlaPolicyDto) {
    return this.policies.create(actor, dto);
  }

  @Put(':id')
  @ApiView('SlaPolicyView', 'Replace an SLA policy')
  update(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: SlaPolicyDto) {
    return this.policies.update(actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContent('Delete an SLA policy')
  async remove(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number): Promise<void> {
    await this.policies.remove(actor, id);
  }
}
