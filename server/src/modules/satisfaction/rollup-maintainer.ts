/**
 * The maintainer: keeps the satisfaction rollups current as orders move (lifecycle hooks mark
 * partitions dirty, the `rollup` job recomputes them, a sweep catches stray marks).
 */
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { chinaDay, startOfChinaDay } from '@linli/shared';
import { DataSource, type EntityManager } from 'typeorm';
import { JobRunner } from '../jobs/job-runner.service.js';
import { JobsRepository } from '../jobs/jobs.repository.js';
import {
  WorkOrderLifecycle,
  type LifecycleContext,
  type OrderChange,
  type WorkOrder,
} from '../work-orders/work-order-lifecycle.js';
import { dialectOf, toDate } from './rollup-days.js';
import { ROLLUP_JOB, RollupQueue } from './rollup-queue.js';
import { RollupService } from './rollup.service.js';

/** Actions that stop SLA clocks: the day they happen changes. */
const CLOCK_STOPPING = new Set(['accept', 'grab', 'arrive']);
/** Actions that change what an order counts on several days (attribution, cohort columns). */
const ORDER_WIDE = new Set(['complete', 'reopen', 'confirm', 'auto_close']);

/**
 * Marks partitions dirty on every order event (through the work-order lifecycle, in the
 * event's transaction), runs the `rollup` job that recomputes them, and sweeps up dirty days
 * whose job went missing (a mark that raced a finishing job).
 */
@Injectable()
export class RollupMaintainer implements OnModuleInit {
  private readonly logger = new Logger(RollupMaintainer.name);

  constructor(
    @Inject(WorkOrderLifecycle) private readonly lifecycle: WorkOrderLifecycle,
    @Inject(JobRunner) private readonly runner: JobRunner,
    @Inject(JobsRepository) private readonly jobs: JobsRepository,
    @Inject(RollupQueue) private readonly queue: RollupQueue,
    @Inject(RollupService) private readonly rollups: RollupService,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  onModuleInit(): void {
    this.lifecycle.register('rollups', {
      afterCreate: (ctx, order) => this.onCreate(ctx, order),
      afterTransition: (ctx, change) => this.onTransition(ctx, change),
    });
    this.runner.register(ROLLUP_JOB, async (em, job) => {
      const communityId = job.refId;
      if (communityId === null) return;
      // On MariaDB the job's transaction read its snapshot when it claimed the job: an event
      // committed since would be missed. Recompute in a READ COMMITTED transaction of its own
      // (idempotent if the job then fails and runs again). SQLite runs one writer at a time.
      if (dialectOf(em) === 'mysql') {
        await this.ds.transaction('READ COMMITTED', (own) => this.rollups.processDirty(own, communityId));
      } else {
        await this.rollups.processDirty(em, communityId);
      }
    });
    // First in the tick: the jobs it queues for new marks fire in the same tick.
    this.runner.addTickTask('rollup sweep', (now) => this.sweep(now), { beforeJobs: true });
  }

  private async onCreate(ctx: LifecycleContext, order: WorkOrder): Promise<void> {
    const days = new Set([chinaDay(order.createdAt)]);
    // The order it repeats now "has a repeat": its creation day changes too. The closed loop's
    // hook links repeats and runs before this one (ScoresModule imports RatingsModule for
    // that), setting order.repeatOfId on the object every hook sees.
    if (order.repeatOfId !== null) {
      const rows: Array<{ createdAt: unknown }> = await ctx.em.query('SELECT createdAt FROM work_order WHERE id = ?', [
        order.repeatOfId,
      ]);
      const at = toDate(rows[0]?.createdAt);
      if (at) days.add(chinaDay(at));
    }
    for (const day of days) await this.queue.markDirty(ctx.em, order.communityId, startOfChinaDay(day));
  }

  private async onTransition(ctx: LifecycleContext, change: OrderChange): Promise<void> {
    const days = new Set<string>();
    if (CLOCK_STOPPING.has(change.action) || ORDER_WIDE.has(change.action)) days.add(chinaDay(ctx.now));
    // Durations (sketches) count on the creation day: the first accept / arrival changes them.
    if (CLOCK_STOPPING.has(change.action)) days.add(chinaDay(change.order.createdAt));
    if (ORDER_WIDE.has(change.action)) for (const day of await this.daysOf(ctx.em, change.order)) days.add(day);
    for (const day of days) await this.queue.markDirty(ctx.em, change.order.communityId, startOfChinaDay(day));
  }

  /** Every day an order counts on: created, first completed, rated, its clocks stopped. */
  async daysOf(em: EntityManager, order: WorkOrder): Promise<Set<string>> {
    const days = new Set([chinaDay(order.createdAt)]);
    if (order.firstCompletedAt) days.add(chinaDay(order.firstCompletedAt));
    const rated: Array<{ at: unknown }> = await em.query('SELECT createdAt AS at FROM rating WHERE workOrderId = ?', [
      order.id,
    ]);
    const stopped: Array<{ at: unknown }> = await em.query(
      "SELECT stoppedAt AS at FROM sla_clock WHERE workOrderId = ? AND status = 'stopped'",
      [order.id],
    );
    for (const r of [...rated, ...stopped]) {
      const at = toDate(r.at);
      if (at) days.add(chinaDay(at));
    }
    return days;
  }

  /** Dirty days with no pending job (a mark that raced the job finishing): queue their job. */
  async sweep(now: Date): Promise<number> {
    const orphans: Array<{ communityId: unknown }> = await this.ds.query(
      `SELECT DISTINCT d.communityId FROM rollup_dirty d WHERE NOT EXISTS (
         SELECT 1 FROM scheduled_job j WHERE j.kind = ? AND j.refId = d.communityId AND j.status = 'pending')`,
      [ROLLUP_JOB],
    );
    for (const o of orphans) {
      await this.ds.transaction((em) =>
        this.jobs.schedule(em, { kind: ROLLUP_JOB, dueAt: now, refId: Number(o.communityId) }),
      );
    }
    if (orphans.length) this.logger.debug(`queued rollup jobs for ${orphans.length} communities with stray marks`);
    return orphans.length;
  }
}
