import { Module } from '@nestjs/common';
import { CategoriesModule } from '../categories/categories.module.js';
import { PlacesModule } from '../places/places.module.js';
import { ResidentsModule } from '../residents/residents.module.js';
import { UploadsModule } from '../uploads/uploads.module.js';
import { NotificationsCoreModule } from '../notifications/notifications-core.module.js';
import { SharedFaultsController } from './shared-faults.controller.js';
import { SharedFaultsService } from './shared-faults.service.js';
import { WorkOrderLifecycle } from './work-order-lifecycle.js';
import { WorkOrdersController } from './work-orders.controller.js';
import { WorkOrdersRepository } from './work-orders.repository.js';
import { WorkOrdersService } from './work-orders.service.js';

@Module({
  imports: [PlacesModule, ResidentsModule, CategoriesModule, UploadsModule, NotificationsCoreModule],
  controllers: [WorkOrdersController, SharedFaultsController],
  providers: [WorkOrdersRepository, WorkOrdersService, WorkOrderLifecycle, SharedFaultsService],
  exports: [WorkOrdersService, WorkOrderLifecycle, WorkOrdersRepository, SharedFaultsService],
})
export class WorkOrdersModule {}
