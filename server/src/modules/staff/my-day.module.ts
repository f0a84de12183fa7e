import { Module } from '@nestjs/common';
import { ScoresModule } from '../satisfaction/scores.module.js';
import { MyDayController } from './my-day.controller.js';
import { MyDayService } from './my-day.service.js';
import { StaffModule } from './staff.module.js';

/**
 * A technician's own summary and colleagues. Its own module (imported last by the app) so that
 * StaffModule, which routing imports early, does not pull the scores module forward.
 */
@Module({
  imports: [StaffModule, ScoresModule],
  controllers: [MyDayController],
  providers: [MyDayService],
})
export class MyDayModule {}
