import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { SmsCodeSentView } from '@linli/shared';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Public, Roles } from '../../common/auth/decorators.js';
import { RateLimit } from '../../common/rate-limit.js';
import { ApiView } from '../../common/api-contract.js';
import { ListSmsQuery, SendSmsCodeDto } from './sms.dto.js';
import { SMS_CODE_RULES, SmsCodesService } from './sms-codes.service.js';
import { SmsMessagesService } from './sms-messages.service.js';

@ApiTags('sms')
@Controller('sms')
export class SmsController {
  constructor(
    @Inject(SmsCodesService) private readonly codes: SmsCodesService,
    @Inject(SmsMessagesService) private readonly messages: SmsMessagesService,
  ) {}

  /**
   * Send a verification code to a phone (H5 binding, login). Public, so limited three ways:
   * per client IP (10 a minute), and per phone (1 a minute, 10 a day: SMS_CODE_TOO_SOON,
   * SMS_CODE_DAILY_LIMIT). The SMS is queued, not awaited.
   */
  @Public()
  @Post('codes')
  @HttpCode(202)
  @RateLimit({ name: 'sms-code', limit: 10, windowSeconds: 60 })
  @ApiView('SmsCodeSentView', 'Send a 6-digit verification code by SMS', { errors: [503] })
  async send(@Body() dto: SendSmsCodeDto): Promise<SmsCodeSentView> {
    await this.codes.send(dto.phone, dto.purpose);
    return { expiresInSeconds: SMS_CODE_RULES.ttlSeconds, resendInSeconds: SMS_CODE_RULES.resendSeconds };
  }

  /** The company's recent SMS (order notices) with their delivery status; admins. */
  @ApiBearerAuth()
  @Roles('admin')
  @Get('messages')
  @ApiView('SmsMessagePage', 'Recent SMS of the company and how their delivery went, newest first')
  list(@CurrentActor() actor: Actor, @Query() query: ListSmsQuery) {
    return this.messages.list(actor, query);
  }
}
