import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { LoginThrottle } from './login-throttle.js';
import { MemoryRateLimitStore, RATE_LIMIT_STORE } from './rate-limit.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';

/** The rate-limit store (and the login throttle on it), for the global guard and the auth module. */
@Global()
@Module({
  providers: [
    {
      // Shared across processes when Redis is configured; per process otherwise.
      // Nest closes the Redis connection on shutdown (RedisRateLimitStore.onModuleDestroy).
      provide: RATE_LIMIT_STORE,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => (c.redisUrl ? new RedisRateLimitStore(c.redisUrl) : new MemoryRateLimitStore()),
    },
    LoginThrottle,
  ],
  exports: [RATE_LIMIT_STORE, LoginThrottle],
})
export class RateLimitModule {}
