import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { dueAt, ESCALATION_LEVELS, escalationLevelAt, nextEscalation, SLA_STAGES, type SlaStage } from '@linli/shared';
import type { EntityManager } from 'typeorm';
import { JobRunner } from '../jobs/job-runner.service.js';
import type { ScheduledJob } from '../jobs/jobs.repository.js';
import { JobsRepository } from '../jobs/jobs.repository.js';
import { OutboxWriter } from '../notifications/outbox.js';
import {
  WorkOrderLifecycle,
  type LifecycleContext,
  type OrderChange,
  type WorkOrder,
} from '../work-orders/work-order-lifecycle.js';
import { WorkOrdersRepository } from '../work-orders/work-orders.repository.js';
import { SlaPoliciesService } from './sla-policies.service.js';
import { SlaClockRow, SlaEscalation } from './sla.entities.js';

export const SLA_CHECK_JOB = 'sla_check';

/**
 * Pauses are kept in whole seconds: MariaDB's DATETIME drops fractions, so a pause start is
 * stored on a second boundary and measured against `now` on the same boundary.
 */
function wholeSecond(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

function pausedSecondsSince(since: Date, now: Date): number {
  return Math.max(0, Math.round((wholeSecond(now).getTime() - wholeSecond(since).getTime()) / 1000));
}

interface ClockShape {
  startedAt: number;
  targetMinutes: number;
  pausedMs: number;
}

function shapeOf(c: SlaClockRow): ClockShape {
  return { startedAt: c.startedAt.getTime(), targetMinutes: c.targetMinutes, pausedMs: c.pausedSeconds * 1000 };
}

/**
 * SLA clocks per order and stage, with persisted escalation checks (jobs) at 50/75/100%.
 * Hooks into every work-order change through the lifecycle.
 */
@Injectable()
export class SlaService implements OnModuleInit {
  constructor(
    @Inject(WorkOrderLifecycle) private readonly lifecycle: WorkOrderLifecycle,
    @Inject(JobRunner) private readonly runner: JobRunner,
    @Inject(JobsRepository) private readonly jobs: JobsRepository,
    @Inject(OutboxWriter) private readonly outbox: OutboxWriter,
    @Inject(SlaPoliciesService) private readonly policies: SlaPoliciesService,
    @Inject(WorkOrdersRepository) private readonly orders: WorkOrdersRepository,
  ) {}

  onModuleInit(): void {
    this.lifecycle.register('sla', {
      afterCreate: (ctx, order) => this.startCycle(ctx, order, 0),
      afterTransition: (ctx, change) => this.onChange(ctx, change),
    });
    this.runner.register(SLA_CHECK_JOB, (em, job, now) => this.check(em, job, now));
  }

  clocksOf(em: EntityManager, workOrderId: number) {
    return em.find(SlaClockRow, { where: { workOrderId }, order: { cycle: 'ASC', id: 'ASC' } });
  }

  escalationsOf(em: EntityManager, workOrderId: number) {
    return em.find(SlaEscalation, { where: { workOrderId }, order: { id: 'ASC' } });
  }

  private async startCycle(ctx: LifecycleContext, order: WorkOrder, cycle: number) {
    const policy = await this.policies.effectivePolicy(
      order.companyId,
      order.communityId,
      order.category,
      order.priority,
      ctx.em,
    );
    const targets: Record<SlaStage, number | null> = {
      accept: policy.acceptMinutes,
      arrive: policy.arriveMinutes,
      resolve: policy.resolveMinutes,
    };
    for (const stage of SLA_STAGES) {
      const targetMinutes = targets[stage];
      if (targetMinutes === null) continue;
      const shape = { startedAt: ctx.now.getTime(), targetMinutes, pausedMs: 0 };
      const clock = await ctx.em.save(
        ctx.em.create(SlaClockRow, {
          workOrderId: order.id,
          cycle,
          stage,
          startedAt: ctx.now,
          targetMinutes,
          calendar: policy.calendar,
          pausedSeconds: 0,
          pausedSince: null,
          pauseReason: null,
          dueAt: new Date(dueAt(shape, 1, policy.calendar)),
          status: 'running',
          level: 0,
          stoppedAt: null,
          breachedAt: null,
        }),
      );
      await this.scheduleNext(ctx.em, clock);
    }
    await this.refreshOrderDue(ctx.em, order.id);
  }

  /** Keep work_order.slaDueAt = the nearest deadline of its running clocks (null when none). */
  private async refreshOrderDue(em: EntityManager, workOrderId: number) {
    const rows: Array<{ due: Date | string | null }> = await em.query(
      "SELECT MIN(dueAt) AS due FROM sla_clock WHERE workOrderId = ? AND status = 'running'",
      [workOrderId],
    );
    const raw = rows[0]?.due ?? null;
    const due = raw === null ? null : raw instanceof Date ? raw : new Date(`${String(raw).replace(' ', 'T')}Z`);
    await this.orders.setSlaDue(em, workOrderId, due);
  }

  private async onChange(ctx: LifecycleContext, change: OrderChange) {
    await this.applyChange(ctx, change);
    await this.refreshOrderDue(ctx.em, change.order.id);
  }

  private async applyChange(ctx: LifecycleContext, change: OrderChange) {
    const { order } = change;
    const clocksToDo = change.effects.clocks;
    if (clocksToDo.startCycle !== null) {
      await this.startCycle(ctx, order, clocksToDo.startCycle);
      return;
    }
    const clocks = (await this.clocksOf(ctx.em, order.id)).filter(
      (c) => c.cycle === order.reopenCount && (c.status === 'running' || c.status === 'paused'),
    );
    if (clocksToDo.cancelAll) {
      for (const c of clocks) await this.stop(ctx, c, 'cancelled');
      return;
    }
    for (const stage of clocksToDo.stop) {
      const c = clocks.find((x) => x.stage === stage);
      if (c) await this.stop(ctx, c, 'stopped');
    }
    const resolve = clocks.find((c) => c.stage === 'resolve');
    if (!resolve) return;
    if (clocksToDo.pauseResolve && resolve.status === 'running') {
      await ctx.em.update(
        SlaClockRow,
        { id: resolve.id },
        { status: 'paused', pausedSince: wholeSecond(ctx.now), pauseReason: change.reason },
      );
      await this.jobs.cancel(ctx.em, SLA_CHECK_JOB, { refId: resolve.id });
    }
    if (clocksToDo.resumeResolve && resolve.status === 'paused' && resolve.pausedSince) {
      const pausedSeconds = resolve.pausedSeconds + pausedSecondsSince(resolve.pausedSince, ctx.now);
      const next = Object.assign(resolve, { status: 'running', pausedSince: null, pauseReason: null, pausedSeconds });
      next.dueAt = new Date(dueAt(shapeOf(next), 1, next.calendar));
      await ctx.em.update(
        SlaClockRow,
        { id: resolve.id },
        { status: 'running', pausedSince: null, pauseReason: null, pausedSeconds, dueAt: next.dueAt },
      );
      await this.scheduleNext(ctx.em, next);
    }
  }

  private async stop(ctx: LifecycleContext, clock: SlaClockRow, status: 'stopped' | 'cancelled') {
    let pausedSeconds = clock.pausedSeconds;
    if (clock.pausedSince) pausedSeconds += pausedSecondsSince(clock.pausedSince, ctx.now);
    await ctx.em.update(
      SlaClockRow,
      { id: clock.id },
      { status, stoppedAt: ctx.now, pausedSince: null, pausedSeconds },
    );
    await this.jobs.cancel(ctx.em, SLA_CHECK_JOB, { refId: clock.id });
  }

  private async scheduleNext(em: EntityManager, clock: SlaClockRow) {
    const next = nextEscalation(shapeOf(clock), clock.level as 0 | 1 | 2 | 3, clock.calendar);
    if (next)
      await this.jobs.schedule(em, {
        kind: SLA_CHECK_JOB,
        dueAt: new Date(next.at),
        workOrderId: clock.workOrderId,
        refId: clock.id,
      });
  }

  /** Job handler: fire every escalation level the clock has reached, once each. */
  private async check(em: EntityManager, job: ScheduledJob, now: Date) {
    const clock = await em.findOneBy(SlaClockRow, { id: job.refId! });
    if (!clock || clock.status !== 'running') return;
    const reached = escalationLevelAt(shapeOf(clock), now.getTime(), clock.calendar, null);
    if (reached <= clock.level) {
      await this.scheduleNext(em, clock);
      return;
    }
    // Conditional on the level read: a duplicate check finds nothing to do.
    const res = await em
      .createQueryBuilder()
      .update(SlaClockRow)
      .set({ level: reached, ...(reached >= 3 ? { breachedAt: now } : {}) })
      .where('id = :id AND level = :level', { id: clock.id, level: clock.level })
      .execute();
    if ((res.affected ?? 0) !== 1) return;
    const order = await this.orders.findById(clock.workOrderId, em);
    if (!order) return;
    for (let level = clock.level + 1; level <= reached; level++) {
      await em.insert(SlaEscalation, {
        clockId: clock.id,
        workOrderId: clock.workOrderId,
        level,
        notified: ESCALATION_LEVELS.find((s) => s.level === level)?.notify ?? '',
      });
      await this.outbox.emit(
        em,
        {
          type: 'sla.escalation',
          workOrderId: clock.workOrderId,
          payload: { clockId: clock.id, stage: clock.stage, level, assigneeId: order.assigneeId },
        },
        now,
      );
    }
    clock.level = reached;
    await this.scheduleNext(em, clock);
  }
}
