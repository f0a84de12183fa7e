import { Module } from '@nestjs/common';
import { ReplicaReader } from '../../database/replica-reader.js';
import { WorkOrdersModule } from '../work-orders/work-orders.module.js';
import { ExportsController } from './exports.controller.js';
import { ExportsService } from './exports.service.js';
import { RatingsModule } from './ratings.module.js';
import { RollupQueueModule } from './rollup-queue.js';
import { RollupMaintainer } from './rollup-maintainer.js';
import { RollupService } from './rollup.service.js';
import { ScoresController } from './scores.controller.js';
import { ScoresService } from './scores.service.js';

/**
 * Satisfaction scores: rollups kept fresh with every order event, the scores API and exports.
 * Imports RatingsModule so that its lifecycle hooks (repeat linking) are registered, and run,
 * before this module's, which read the link.
 */
@Module({
  imports: [WorkOrdersModule, RollupQueueModule, RatingsModule],
  controllers: [ScoresController, ExportsController],
  providers: [RollupService, RollupMaintainer, ScoresService, ExportsService, ReplicaReader],
  exports: [RollupService, ScoresService],
})
export class ScoresModule {}
