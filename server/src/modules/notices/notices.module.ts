import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { PlacesModule } from '../places/places.module.js';
import { ResidentsModule } from '../residents/residents.module.js';
import { UsersModule } from '../users/users.module.js';
import { WorkOrdersModule } from '../work-orders/work-orders.module.js';
import { NoticesController } from './notices.controller.js';
import { NoticesService } from './notices.service.js';

/** Notices to residents and the report sheet's "known faults here" (docs/notices.md). */
@Module({
  imports: [PlacesModule, ResidentsModule, UsersModule, NotificationsModule, WorkOrdersModule],
  controllers: [NoticesController],
  providers: [NoticesService],
})
export class NoticesModule {}
