import { Body, Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, Public } from '../../common/auth/decorators.js';
import { RateLimit } from '../../common/rate-limit.js';
import { PasswordLoginDto, WechatLoginDto } from './auth.dto.js';
import { AuthService } from './auth.service.js';
import { ApiView } from '../../common/api-contract.js';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @Public()
  @Post('auth/wechat')
  @HttpCode(200)
  @RateLimit({ name: 'login', limit: 20, windowSeconds: 60 })
  @ApiView('LoginResponse', 'Sign a resident in with a wx.login code', { errors: [401, 403] })
  wechat(@Body() dto: WechatLoginDto) {
    return this.auth.loginWithWechat(dto.code);
  }

  @Public()
  @Post('auth/password')
  @HttpCode(200)
  @RateLimit({ name: 'login', limit: 20, windowSeconds: 60 })
  @ApiView('LoginResponse', 'Sign staff in with username and password', { errors: [401, 403] })
  password(@Body() dto: PasswordLoginDto, @Req() req: Request) {
    return this.auth.loginWithPassword(dto.username, dto.password, req.ip ?? '');
  }

  @ApiBearerAuth()
  @Get('me')
  @ApiView('UserView', 'The signed-in user')
  me(@CurrentActor() actor: Actor) {
    return this.auth.me(actor);
  }
}
