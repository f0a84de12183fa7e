import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { AuthModule } from '../auth/auth.module.js';
import { CategoriesModule } from '../categories/categories.module.js';
import { PlacesModule } from '../places/places.module.js';
import { StaffModule } from '../staff/staff.module.js';
import { WorkOrdersModule } from '../work-orders/work-orders.module.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { DeliveryWorker } from './delivery-worker.service.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsRepository } from './notifications.repository.js';
import { NotificationsService } from './notifications.service.js';
import { NotificationsCoreModule } from './notifications-core.module.js';
import { OutboxDispatcher } from './outbox-dispatcher.service.js';
import { DisabledSmsSender, LoggingSmsSender, SMS_SENDER } from './sms-sender.js';
import { QueuedSmsSender } from '../sms/queued-sms-sender.js';
import { SmsModule } from '../sms/sms.module.js';

/**
 * Outbox -> in-app notifications -> WeChat / SMS deliveries. Modules that only emit events
 * import `NotificationsCoreModule` (just `OutboxWriter`). AuthModule provides the WeChat
 * client; JobsModule the tick loop that runs the dispatcher and the delivery worker.
 */
@Module({
  imports: [
    AuthModule,
    JobsModule,
    NotificationsCoreModule,
    WorkOrdersModule,
    PlacesModule,
    CategoriesModule,
    StaffModule,
    SmsModule,
  ],
  controllers: [NotificationsController],
  providers: [
    NotificationsRepository,
    NotificationsService,
    OutboxDispatcher,
    DeliveryWorker,
    {
      provide: SMS_SENDER,
      inject: [APP_CONFIG, QueuedSmsSender],
      useFactory: (config: AppConfig, queued: QueuedSmsSender) =>
        config.notifications.sms === 'aliyun'
          ? queued
          : config.notifications.sms === 'log'
            ? new LoggingSmsSender()
            : new DisabledSmsSender(),
    },
  ],
  // Importers get OutboxWriter; modules that must not depend on the dispatcher import the core one.
  exports: [NotificationsCoreModule, NotificationsRepository],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    @Inject(JobRunner) private readonly runner: JobRunner,
    @Inject(OutboxDispatcher) private readonly dispatcher: OutboxDispatcher,
    @Inject(DeliveryWorker) private readonly worker: DeliveryWorker,
  ) {}

  onModuleInit(): void {
    // Dispatch first, so a notification made in a tick goes out in the same tick.
    // Up to 1,000 events a tick (40 batches): enough for ~500 creates/s per process.
    this.runner.addTickTask('outbox-dispatcher', (now) => this.dispatcher.dispatch(now, 1000));
    this.runner.addTickTask('notification-deliveries', (now) => this.worker.deliver(now));
  }
}
