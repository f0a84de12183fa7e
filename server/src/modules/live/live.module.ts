import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { NotificationsCoreModule } from '../notifications/notifications-core.module.js';
import { UsersModule } from '../users/users.module.js';
import { WorkOrdersModule } from '../work-orders/work-orders.module.js';
import { LIVE_BUS, LocalLiveBus, RedisLiveBus } from './live-bus.js';
import { deploymentChannel } from '../../common/redis-broadcast.js';
import { LiveGateway } from './live.gateway.js';
import { LivePublisher } from './live-publisher.js';

/**
 * Live updates (docs/architecture.md "Live updates"): committed order changes become small
 * notices on a WebSocket, through Redis pub/sub between processes when LINLI_REDIS_URL is set.
 */
@Module({
  imports: [NotificationsCoreModule, UsersModule, WorkOrdersModule],
  providers: [
    {
      provide: LIVE_BUS,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) =>
        c.redisUrl ? new RedisLiveBus(c.redisUrl, deploymentChannel('live', c.db)) : new LocalLiveBus(),
    },
    LivePublisher,
    LiveGateway,
  ],
  exports: [LivePublisher, LiveGateway],
})
export class LiveModule {}
