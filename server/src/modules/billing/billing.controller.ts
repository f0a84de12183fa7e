import { Body, Controller, Get, HttpCode, Inject, Param, ParseIntPipe, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { ApiView } from '../../common/api-contract.js';
import { FeeSettingDto, WaiveBillDto } from './billing.dto.js';
import { BillingService } from './billing.service.js';

@ApiTags('billing')
@ApiBearerAuth()
@Controller()
export class BillingController {
  constructor(@Inject(BillingService) private readonly billing: BillingService) {}

  @Post('work-orders/:id/bill/waive')
  @HttpCode(200)
  @Roles('desk', 'supervisor', 'admin')
  @ApiView('OrderBillView', 'Waive an unpaid bill with a reason (audited)', { errors: [409] })
  waive(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: WaiveBillDto) {
    return this.billing.waive(actor, id, dto.reason, dto.version);
  }

  @Get('fee-settings/:communityId')
  @Roles('desk', 'supervisor', 'admin')
  @ApiView('FeeSettingView', "A community's fee settings (the quote ceiling)")
  settings(@CurrentActor() actor: Actor, @Param('communityId', ParseIntPipe) communityId: number) {
    return this.billing.settings(actor, communityId);
  }

  @Put('fee-settings/:communityId')
  @Roles('admin')
  @ApiView('FeeSettingView', "Set a community's quote ceiling (audited)")
  setSettings(
    @CurrentActor() actor: Actor,
    @Param('communityId', ParseIntPipe) communityId: number,
    @Body() dto: FeeSettingDto,
  ) {
    return this.billing.setSettings(actor, communityId, dto.quoteCeilingFen);
  }
}
