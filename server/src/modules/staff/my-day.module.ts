import { Module } from '@nestjs/common';
import { ResidentsModule } from '../residents/residents.module.js';
import { ScoresModule } from '../satisfaction/scores.module.js';
import { WorkOrdersModule } from '../work-orders/work-orders.module.js';
import { MyDayController } from './my-day.controller.js';
import { MyDayService } from './my-day.service.js';
import { StaffModule } from './staff.module.js';

/** A technician's own summary and colleagues, the desk's house residents. */
@Module({
  imports: [StaffModule, ScoresModule, WorkOrdersModule, ResidentsModule],
  controllers: [MyDayController],
  providers: [MyDayService],
})
export class MyDayModule {}
