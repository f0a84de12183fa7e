import { Body, Controller, Get, HttpCode, Inject, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Roles } from '../../common/auth/decorators.js';
import { RateLimit } from '../../common/rate-limit.js';
import { ApiView } from '../../common/api-contract.js';
import { CreateNoticeDto, ListNoticesQuery, NoticesAtQuery } from './notices.dto.js';
import { NoticesService } from './notices.service.js';

@ApiTags('notices')
@ApiBearerAuth()
@Controller('notices')
export class NoticesController {
  constructor(@Inject(NoticesService) private readonly notices: NoticesService) {}

  @Post()
  @Roles('desk', 'supervisor', 'admin')
  @RateLimit({ name: 'notice-publish', limit: 20, windowSeconds: 60 })
  @ApiView('NoticeView', 'Publish a notice to a community or some of its buildings (messages its residents)')
  publish(@CurrentActor() actor: Actor, @Body() dto: CreateNoticeDto) {
    return this.notices.publish(actor, dto);
  }

  @Post(':id/end')
  @HttpCode(200)
  @Roles('desk', 'supervisor', 'admin')
  @ApiView('NoticeView', 'End a notice before its window ends', { errors: [409] })
  end(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.notices.end(actor, id);
  }

  /** Residents: the upcoming and current notices of their houses; staff: their communities'. */
  @Get()
  @Roles('resident', 'desk', 'supervisor', 'admin')
  @ApiView(['NoticeView'], 'Notices the caller may see')
  list(@CurrentActor() actor: Actor, @Query() query: ListNoticesQuery) {
    return this.notices.list(actor, query);
  }

  /** What the report sheet shows first: current notices and open public-area orders at a place. */
  @Get('at')
  @Roles('resident')
  @ApiView('SharedFaultsView', 'Current notices and open orders where a resident is about to report')
  at(@CurrentActor() actor: Actor, @Query() query: NoticesAtQuery) {
    return this.notices.at(actor, query);
  }
}
