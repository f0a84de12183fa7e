import { Body, Controller, Get, HttpCode, Inject, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor } from '../../common/auth/decorators.js';
import { RateLimit } from '../../common/rate-limit.js';
import { ListNotificationsQuery, ReportSubscriptionsDto } from './notifications.dto.js';
import { NotificationsService } from './notifications.service.js';

/** The signed-in user's own messages and WeChat subscriptions (every role). */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('me')
export class NotificationsController {
  constructor(@Inject(NotificationsService) private readonly notifications: NotificationsService) {}

  @Get('notifications')
  list(@CurrentActor() actor: Actor, @Query() query: ListNotificationsQuery) {
    return this.notifications.list(actor, query);
  }

  @Post('notifications/read-all')
  @HttpCode(200)
  readAll(@CurrentActor() actor: Actor) {
    return this.notifications.markAllRead(actor);
  }

  @Post('notifications/:id/read')
  @HttpCode(200)
  read(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.notifications.markRead(actor, id);
  }

  @Get('subscriptions')
  subscriptions(@CurrentActor() actor: Actor) {
    return this.notifications.subscriptions(actor);
  }

  /** After wx.requestSubscribeMessage: one more send per accepted template. */
  @Post('subscriptions')
  @HttpCode(200)
  @RateLimit({ name: 'subscriptions', limit: 30, windowSeconds: 60 })
  report(@CurrentActor() actor: Actor, @Body() dto: ReportSubscriptionsDto) {
    return this.notifications.reportSubscriptions(actor, dto);
  }
}
