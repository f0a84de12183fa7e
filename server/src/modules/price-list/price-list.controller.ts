import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AppError } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { PriceItemDto } from './price-list.dto.js';
import { PriceListService } from './price-list.service.js';
import { ApiNoContent, ApiView } from '../../common/api-contract.js';

@ApiTags('price-list')
@ApiBearerAuth()
@Controller()
export class PriceListController {
  constructor(@Inject(PriceListService) private readonly prices: PriceListService) {}

  @Get('price-list')
  @ApiView(['PriceItemView'], 'The price list of a community')
  list(@CurrentActor() actor: Actor, @Query('communityId') communityId?: string) {
    if (!communityId || !/^\d{1,9}$/.test(communityId)) {
      throw new AppError('VALIDATION_FAILED', 'communityId is required', [
        { field: 'communityId', problems: ['must be a community id'] },
      ]);
    }
    return this.prices.forCommunity(actor, Number(communityId));
  }

  @Post('price-items')
  @Roles('admin')
  @ApiView('PriceItemView', 'Add a price item')
  create(@CurrentActor() actor: Actor, @Body() dto: PriceItemDto) {
    return this.prices.create(actor, dto);
  }

  @Put('price-items/:id')
  @Roles('admin')
  @ApiView('PriceItemView', 'Replace a price item')
  update(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: PriceItemDto) {
    return this.prices.update(actor, id, dto);
  }

  @Delete('price-items/:id')
  @HttpCode(204)
  @Roles('admin')
  @ApiNoContent('Delete a price item')
  async remove(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    await this.prices.remove(actor, id);
  }
}
