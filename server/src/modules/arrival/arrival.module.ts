import { Module } from '@nestjs/common';
import { PlacesModule } from '../places/places.module.js';
import { SlaModule } from '../sla/sla.module.js';
import { StaffModule } from '../staff/staff.module.js';
import { WorkOrdersModule } from '../work-orders/work-orders.module.js';
import { ArrivalService } from './arrival.service.js';

/**
 * Arrival estimates and stage promises (docs/arrival.md): computed on every read, stored
 * nowhere; adds `arrival` and `promises` to every order detail.
 */
@Module({
  imports: [WorkOrdersModule, PlacesModule, StaffModule, SlaModule],
  providers: [ArrivalService],
  exports: [ArrivalService],
})
export class ArrivalModule {}
