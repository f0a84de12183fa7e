import { Module } from '@nestjs/common';
import { CategoriesModule } from '../categories/categories.module.js';
import { PlacesModule } from '../places/places.module.js';
import { SlaPoliciesController } from './sla-policies.controller.js';
import { SlaPoliciesRepository, SlaPoliciesService } from './sla-policies.service.js';

/** Admin CRUD of SLA policies; exports SlaPoliciesService (effectivePolicy) for the SLA clocks. */
@Module({
  imports: [PlacesModule, CategoriesModule],
  controllers: [SlaPoliciesController],
  providers: [SlaPoliciesRepository, SlaPoliciesService],
  exports: [SlaPoliciesService],
})
export class SlaPoliciesModule {}
