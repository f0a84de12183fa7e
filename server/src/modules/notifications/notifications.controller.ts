import { Body, Controller, Get, HttpCode, Inject, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor } from '../../common/auth/decorators.js';
import { RateLimit } from '../../common/rate-limit.js';
import { ListNotificationsQuery, ReportSubscriptionsDto } from './notifications.dto.js';
import { NotificationsService } from './notifications.service.js';
import { ApiView } from '../../common/api-contract.js';

/** The signed-in user's own messages and WeChat subscriptions (every role). */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('me')
export class NotificationsController {
  constructor(@Inject(NotificationsService) private readonly notifications: NotificationsService) {}

  @Get('notifications')
  @ApiView('NotificationPage', "The caller's in-app messages, newest first")
  list(@CurrentActor() actor: Actor, @Query() query: ListNotificationsQuery) {
    return this.notifications.list(actor, query);
  }

  @Post('notifications/read-all')
  @HttpCode(200)
  @ApiView('MarkAllReadResponse', 'Mark every message read')
  readAll(@CurrentActor() actor: Actor) {
    return this.notifications.markAllRead(actor);
  }

  @Post('notifications/:id/read')
  @HttpCode(200)
  @ApiView('NotificationView', 'Mark one message read')
  read(@CurrentActor() actor: Actor, @Param('id', ParseIntPipe) id: number) {
    return this.notifications.markRead(actor, id);
  }

  @Get('subscriptions')
  @ApiView('SubscriptionsView', 'Subscribe-message sends left per template')
  subscriptions(@CurrentActor() actor: Actor) {
    return this.notifications.subscriptions(actor);
  }

  /** After wx.requestSubscribeMessage: one more send per accepted template. */
  @Post('subscriptions')
  @HttpCode(200)
  @RateLimit({ name: 'subscriptions', limit: 30, windowSeconds: 60 })
  @ApiView('ReportSubscriptionsResponse', 'Report what wx.requestSubscribeMessage answered')
  report(@CurrentActor() actor: Actor, @Body() dto: ReportSubscriptionsDto) {
    return this.notifications.reportSubscriptions(actor, dto);
  }
}
