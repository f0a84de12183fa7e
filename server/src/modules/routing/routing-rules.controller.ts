import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { RoutingRuleDto, RulePreviewQuery } from './routing-rules.dto.js';
import { RoutingRulesService } from './routing-rules.service.js';
import { ApiNoContent, ApiView } from '../../common/api-contract.js';

@ApiTags('routing-rules')
@ApiBearerAuth()
@Controller('routing-rules')
@Roles('admin')
export class RoutingRulesController {
  constructor(@Inject(RoutingRulesService) private readonly rules: RoutingRulesService) {}

  @Get()
  @ApiView(['RoutingRuleView'], "The company's routing rules")
  list(@CurrentActor() actor: Actor) {
    return this.rules.list(actor);
  }

  /** Declared before ':id' routes: which rule an order of this scope would be routed by. */
  @Get('preview')
  @ApiView('RoutingRulePreviewView', 'The rule an order of this scope would be routed by')
  preview(@CurrentActor() actor: Actor, @Query() query: RulePreviewQuery) {
    return this.rules.preview(actor, query);
  }

  @Post()
  @ApiView('RoutingRuleView', 'Create a routing rule')
  create(@CurrentActor() actor: Actor, @Body() dto: RoutingRuleDto) {
    return this.rules.create(actor, dto);
  }

  @Put(':id')
  @ApiView('RoutingRuleView', 'Replace a routing rule')
  update(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: RoutingRuleDto) {
    return this.rules.update(actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContent('Delete a routing rule')
  async remove(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number): Promise<void> {
    await this.rules.remove(actor, id);
  }
}
