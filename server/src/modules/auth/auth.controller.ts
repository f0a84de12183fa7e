import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Public } from '../../common/auth/decorators.js';
import { RateLimit } from '../../common/rate-limit.js';
import { PasswordLoginDto, WechatLoginDto } from './auth.dto.js';
import { AuthService } from './auth.service.js';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @Public()
  @Post('auth/wechat')
  @HttpCode(200)
  @RateLimit({ name: 'login', limit: 20, windowSeconds: 60 })
  wechat(@Body() dto: WechatLoginDto) {
    return this.auth.loginWithWechat(dto.code);
  }

  @Public()
  @Post('auth/password')
  @HttpCode(200)
  @RateLimit({ name: 'login', limit: 20, windowSeconds: 60 })
  password(@Body() dto: PasswordLoginDto) {
    return this.auth.loginWithPassword(dto.username, dto.password);
  }

  @ApiBearerAuth()
  @Get('me')
  me(@CurrentActor() actor: Actor) {
    return this.auth.me(actor);
  }
}
