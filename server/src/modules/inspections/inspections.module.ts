import { Module } from '@nestjs/common';
import { CategoriesModule } from '../categories/categories.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { PlacesModule } from '../places/places.module.js';
import { StaffModule } from '../staff/staff.module.js';
import { UploadsModule } from '../uploads/uploads.module.js';
import { UsersModule } from '../users/users.module.js';
import { WorkOrdersModule } from '../work-orders/work-orders.module.js';
import { InspectionPointsReader } from './inspection-points.reader.js';
import { InspectionScheduler } from './inspection-scheduler.js';
import { InspectionsController } from './inspections.controller.js';
import { InspectionsService } from './inspections.service.js';
import { RoundsService } from './rounds.service.js';

/** Inspection points, plans, rounds and planned maintenance (docs/inspections.md). */
@Module({
  imports: [JobsModule, PlacesModule, StaffModule, CategoriesModule, UploadsModule, UsersModule, WorkOrdersModule],
  controllers: [InspectionsController],
  providers: [InspectionsService, RoundsService, InspectionScheduler, InspectionPointsReader],
  exports: [InspectionPointsReader],
})
export class InspectionsModule {}
