import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { WechatApiClient } from '../../wechat/wechat-api.client.js';
import { AuthController } from './auth.controller.js';
import { AuthService, WECHAT_CLIENT } from './auth.service.js';

@Module({
  controllers: [AuthController],
  providers: [
    AuthService,
    {
      provide: WECHAT_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new WechatApiClient({
          baseUrl: config.wechat.apiBase,
          appid: config.wechat.appid,
          secret: config.wechat.secret,
          timeoutMs: config.wechat.timeoutMs,
        }),
    },
  ],
  exports: [WECHAT_CLIENT],
})
export class AuthModule {}
