import { Inject, Injectable, Module } from '@nestjs/common';
import { chinaDay } from '@linli/shared';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { JobsRepository } from '../jobs/jobs.repository.js';
import { RollupDirty } from './satisfaction.entities.js';

export const ROLLUP_JOB = 'rollup';

/**
 * Marks rollup partitions stale in the caller's transaction. Call it with every write that
 * changes what a (community, China day) partition counts: an order created, completed,
 * reopened, closed, rated, a follow-up done, an SLA clock stopped. The mark is one statement:
 * the `rollup` job that recomputes it is queued by the tick's sweep (RollupMaintainer.sweep:
 * every community with marks and no pending job), not here, so an order's hot path does not
 * pay a pending-job lookup.
 */
@Injectable()
export class RollupQueue {
  constructor(
    @Inject(JobsRepository) private readonly jobs: JobsRepository,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  /** For the metrics: partitions waiting to be recomputed, and since when the oldest rollup job is due. */
  async backlog(): Promise<{ dirtyPartitions: number; oldestDueAt: Date | null }> {
    return {
      dirtyPartitions: await this.ds.getRepository(RollupDirty).count(),
      oldestDueAt: await this.jobs.oldestPendingDueAt(ROLLUP_JOB),
    };
  }

  /** Mark the community-day for recompute; the tick's sweep queues the job (one statement here). */
  async markDirty(em: EntityManager, communityId: number, at: Date): Promise<void> {
    await em
      .createQueryBuilder()
      .insert()
      .into(RollupDirty)
      .values({ communityId, day: chinaDay(at) })
      .orIgnore()
      .execute();
  }
}

@Module({ providers: [RollupQueue], exports: [RollupQueue] })
export class RollupQueueModule {}
