import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { WechatApiClient } from '../../wechat/wechat-api.client.js';
import { Metrics } from '../metrics/metrics.js';
import { AuthController } from './auth.controller.js';
import { AuthService, WECHAT_CLIENT } from './auth.service.js';

@Module({
  controllers: [AuthController],
  providers: [
    AuthService,
    {
      provide: WECHAT_CLIENT,
      inject: [APP_CONFIG, Metrics],
      useFactory: (config: AppConfig, metrics: Metrics) =>
        new WechatApiClient({
          baseUrl: config.wechat.apiBase,
          appid: config.wechat.appid,
          secret: config.wechat.secret,
          timeoutMs: config.wechat.timeoutMs,
          onError: (e) => metrics.externalCallFailed('wechat', e.operation, e.kind),
        }),
    },
  ],
  exports: [WECHAT_CLIENT, AuthService],
})
export class AuthModule {}
