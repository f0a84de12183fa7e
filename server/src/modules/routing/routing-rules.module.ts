import { Module } from '@nestjs/common';
import { CategoriesModule } from '../categories/categories.module.js';
import { PlacesModule } from '../places/places.module.js';
import { StaffModule } from '../staff/staff.module.js';
import { RoutingRulesController } from './routing-rules.controller.js';
import { RoutingRulesRepository, RoutingRulesService } from './routing-rules.service.js';

/** Admin CRUD of routing rules; exports RoutingRulesService (ruleFor) for the routing service. */
@Module({
  imports: [PlacesModule, CategoriesModule, StaffModule],
  controllers: [RoutingRulesController],
  providers: [RoutingRulesRepository, RoutingRulesService],
  exports: [RoutingRulesService],
})
export class RoutingRulesModule {}
