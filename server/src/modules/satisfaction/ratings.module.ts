import { Module } from '@nestjs/common';
import { PlacesModule } from '../places/places.module.js';
import { WorkOrdersModule } from '../work-orders/work-orders.module.js';
import { ClosedLoopService } from './closed-loop.service.js';
import { FollowUpsController } from './follow-ups.controller.js';
import { FollowUpsService } from './follow-ups.service.js';
import { RatingsController } from './ratings.controller.js';
import { RatingsService } from './ratings.service.js';
import { RollupQueueModule } from './rollup-queue.js';

/** Ratings, follow-ups and the rating window: the closed loop after a repair. */
@Module({
  imports: [WorkOrdersModule, RollupQueueModule, PlacesModule],
  controllers: [RatingsController, FollowUpsController],
  providers: [ClosedLoopService, RatingsService, FollowUpsService],
  exports: [ClosedLoopService],
})
export class RatingsModule {}
