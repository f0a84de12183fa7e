import { Module } from '@nestjs/common';
import { NotificationsCoreModule } from '../notifications/notifications-core.module.js';
import { WorkOrdersModule } from '../work-orders/work-orders.module.js';
import { SlaPoliciesModule } from './sla-policies.module.js';
import { SlaController } from './sla.controller.js';
import { SlaService } from './sla.service.js';

@Module({
  imports: [WorkOrdersModule, SlaPoliciesModule, NotificationsCoreModule],
  controllers: [SlaController],
  providers: [SlaService],
  exports: [SlaService],
})
export class SlaModule {}
