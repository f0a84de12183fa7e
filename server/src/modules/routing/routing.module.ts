import { Module } from '@nestjs/common';
import { NotificationsCoreModule } from '../notifications/notifications-core.module.js';
import { PlacesModule } from '../places/places.module.js';
import { StaffModule } from '../staff/staff.module.js';
import { WorkOrdersModule } from '../work-orders/work-orders.module.js';
import { RoutingRulesModule } from './routing-rules.module.js';
import { RematchController } from './rematch.controller.js';
import { RematchService } from './rematch.service.js';
import { RoutingController } from './routing.controller.js';
import { RoutingExplainService } from './routing-explain.service.js';
import { RoutingService } from './routing.service.js';

@Module({
  imports: [WorkOrdersModule, RoutingRulesModule, StaffModule, NotificationsCoreModule, PlacesModule],
  controllers: [RoutingController, RematchController],
  providers: [RoutingService, RoutingExplainService, RematchService],
  exports: [RoutingService],
})
export class RoutingModule {}
