import { Module } from '@nestjs/common';
import { PlacesModule } from '../places/places.module.js';
import { PriceListModule } from '../price-list/price-list.module.js';
import { UsersModule } from '../users/users.module.js';
import { WorkOrdersModule } from '../work-orders/work-orders.module.js';
import { BillingController } from './billing.controller.js';
import { BillingService } from './billing.service.js';

/**
 * Fees of a repair (docs/fees.md): priced quotes, the ceiling, the bill, free repairs, waives.
 * Owns `order_bill` and `fee_setting`; payments (WeChat Pay, cash) add to a bill's paidFen.
 */
@Module({
  imports: [WorkOrdersModule, PriceListModule, PlacesModule, UsersModule],
  controllers: [BillingController],
  providers: [BillingService],
  exports: [BillingService],
})
export class BillingModule {}
