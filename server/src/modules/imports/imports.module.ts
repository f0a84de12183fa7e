import { Module } from '@nestjs/common';
import { CategoriesModule } from '../categories/categories.module.js';
import { PlacesModule } from '../places/places.module.js';
import { StaffModule } from '../staff/staff.module.js';
import { ImportsController } from './imports.controller.js';
import { ImportsService } from './imports.service.js';

/**
 * Master data for the console: the Excel/CSV import (validated here, written by the places
 * module) and the paginated browse of communities and houses (the places module's read model).
 */
@Module({
  imports: [PlacesModule, StaffModule, CategoriesModule],
  controllers: [ImportsController],
  providers: [ImportsService],
})
export class ImportsModule {}
