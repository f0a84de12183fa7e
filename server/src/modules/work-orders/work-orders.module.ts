import { Module } from '@nestjs/common';
import { CategoriesModule } from '../categories/categories.module.js';
import { PlacesModule } from '../places/places.module.js';
import { ResidentsModule } from '../residents/residents.module.js';
import { UploadsModule } from '../uploads/uploads.module.js';
import { WorkOrdersController } from './work-orders.controller.js';
import { WorkOrdersRepository } from './work-orders.repository.js';
import { WorkOrdersService } from './work-orders.service.js';

@Module({
  imports: [PlacesModule, ResidentsModule, CategoriesModule, UploadsModule],
  controllers: [WorkOrdersController],
  providers: [WorkOrdersRepository, WorkOrdersService],
  exports: [WorkOrdersService],
})
export class WorkOrdersModule {}
