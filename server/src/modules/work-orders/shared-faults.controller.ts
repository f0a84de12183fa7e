import { Body, Controller, HttpCode, Inject, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { RateLimit } from '../../common/rate-limit.js';
import { ApiView } from '../../common/api-contract.js';
import { SharedFaultsService } from './shared-faults.service.js';

export class MergeOrderDto {
  /** The surviving order the duplicate is merged into. */
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  intoId: number;
}

/** "我也遇到了" and the desk's merge of duplicates (docs/notices.md "Shared faults"). */
@ApiTags('work-orders')
@ApiBearerAuth()
@Controller('work-orders')
export class SharedFaultsController {
  constructor(@Inject(SharedFaultsService) private readonly faults: SharedFaultsService) {}

  @Post(':id/join')
  @HttpCode(200)
  @Roles('resident')
  @RateLimit({ name: 'join-order', limit: 30, windowSeconds: 60 })
  @ApiView('JoinResultView', 'Join an open public-area order as one more reporter (idempotent)', {
    errors: [404, 409],
  })
  join(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.faults.join(actor, id);
  }

  @Post(':id/merge')
  @HttpCode(200)
  @Roles('desk', 'supervisor', 'admin')
  @ApiView('MergeResultView', 'Merge a duplicate order into a surviving one', { errors: [404, 409] })
  merge(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number, @Body() dto: MergeOrderDto) {
    return this.faults.merge(actor, id, dto.intoId);
  }
}
