import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { dueAt, ESCALATION_LEVELS, escalationLevelAt, nextEscalation, SLA_STAGES, type SlaStage } from '@linli/shared';
import { type EntityManager, In } from 'typeorm';
import { deferInsert } from '../../common/write-batch.js';
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

/** The nearest deadline of new running clocks (work_order.slaDueAt), null when there are none. */
function nearestDue(clocks: Array<Pick<SlaClockRow, 'dueAt'>>): Date | null {
  return clocks.reduce<Date | null>((min, c) => (min === null || c.dueAt < min ? c.dueAt : min), null);
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
      prepareCreate: async (ctx, row) => {
        const clocks = await this.planCycle(ctx, row, 0);
        return {
          patch: { slaDueAt: nearestDue(clocks) },
          afterInsert: (order) => this.insertCycle(ctx, order.id, clocks),
        };
      },
      afterTransition: (ctx, change) => this.onChange(ctx, change),
    });
    this.runner.register(SLA_CHECK_JOB, (em, job, now) => this.checkMany(em, [job], now));
    this.runner.registerBatch(SLA_CHECK_JOB, (em, jobs, now) => this.checkMany(em, jobs, now));
  }

  clocksOf(em: EntityManager, workOrderId: number) {
    return em.find(SlaClockRow, { where: { workOrderId }, order: { cycle: 'ASC', id: 'ASC' } });
  }

  escalationsOf(em: EntityManager, workOrderId: number) {
    return em.find(SlaEscalation, { where: { workOrderId }, order: { id: 'ASC' } });
  }

  /** The clocks of a new cycle (not written yet): the effective policy's targets from `ctx.now`. */
  private async planCycle(
    ctx: LifecycleContext,
    order: Pick<WorkOrder, 'companyId' | 'communityId' | 'category' | 'priority'>,
    cycle: number,
  ): Promise<Array<Omit<SlaClockRow, 'id' | 'workOrderId'>>> {
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
    return SLA_STAGES.flatMap((stage) => {
      const targetMinutes = targets[stage];
      if (targetMinutes === null) return [];
      const shape = { startedAt: ctx.now.getTime(), targetMinutes, pausedMs: 0 };
      return [
        {
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
        },
      ];
    });
  }

  /** Write a cycle's clocks in one statement, and the first escalation check of each. */
  private async insertCycle(
    ctx: LifecycleContext,
    workOrderId: number,
    clocks: Array<Omit<SlaClockRow, 'id' | 'workOrderId'>>,
  ): Promise<void> {
    if (!clocks.length) return;
    const rows = clocks.map((c) => ({ ...c, workOrderId }));
    const res = await ctx.em.createQueryBuilder().insert().into(SlaClockRow).values(rows).execute();
    for (const [i, row] of rows.entries()) {
      const id = Number(res.identifiers[i]?.id);
      if (!Number.isSafeInteger(id)) throw new Error('SLA clock insert returned no id');
      await this.scheduleNext(ctx.em, { ...row, id });
    }
  }

  private async startCycle(ctx: LifecycleContext, order: WorkOrder, cycle: number) {
    await this.insertCycle(ctx, order.id, await this.planCycle(ctx, order, cycle));
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
    const c = change.effects.clocks;
    // Most actions (assign, quote, urge...) leave every clock as it is: nothing to read or write.
    if (c.startCycle === null && !c.cancelAll && !c.stop.length && !c.pauseResolve && !c.resumeResolve) return;
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
    const pauseReason = clocksToDo.pauseReason ?? change.reason;
    if (clocksToDo.pauseResolve && resolve.status === 'running') {
      await ctx.em.update(
        SlaClockRow,
        { id: resolve.id },
        { status: 'paused', pausedSince: wholeSecond(ctx.now), pauseReason },
      );
      await this.jobs.cancel(ctx.em, SLA_CHECK_JOB, { refId: resolve.id });
    } else if (clocksToDo.pauseResolve && resolve.status === 'paused' && pauseReason !== resolve.pauseReason) {
      // Still paused for another reason (a quote released by the supervisor now waits for the resident).
      await ctx.em.update(SlaClockRow, { id: resolve.id }, { pauseReason });
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

  /**
   * Job handler, for one check or a batch: fire every escalation level each clock has reached,
   * once each. Clocks and orders are read in one query each; the escalations, outbox events
   * and next checks are deferred inserts (one statement per table for the whole batch).
   */
  private async checkMany(em: EntityManager, jobs: ScheduledJob[], now: Date) {
    const ids = [...new Set(jobs.map((j) => j.refId).filter((x): x is number => x !== null))];
    if (!ids.length) return;
    const clocks = await em.find(SlaClockRow, {
      where: { id: In(ids) },
      ...(this.jobs.isMysql && jobs.length > 1 ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    // Clocks that reached a new level, grouped by (level read, level reached): one conditional
    // UPDATE per group, usually one for the whole batch.
    const groups = new Map<string, Array<{ clock: SlaClockRow; reached: number }>>();
    for (const clock of clocks) {
      if (clock.status !== 'running') continue;
      const reached = escalationLevelAt(shapeOf(clock), now.getTime(), clock.calendar, null);
      if (reached <= clock.level) {
        await this.scheduleNext(em, clock);
        continue;
      }
      const key = `${clock.level}:${reached}`;
      const group = groups.get(key);
      if (group) group.push({ clock, reached });
      else groups.set(key, [{ clock, reached }]);
    }
    const escalating: Array<{ clock: SlaClockRow; reached: number }> = [];
    for (const group of groups.values()) {
      const { reached } = group[0];
      const from = group[0].clock.level;
      // Conditional on the level read: a duplicate check finds nothing to do.
      const res = await em
        .createQueryBuilder()
        .update(SlaClockRow)
        .set({ level: reached, ...(reached >= 3 ? { breachedAt: now } : {}) })
        .where('id IN (:...clockIds) AND level = :from', { clockIds: group.map((g) => g.clock.id), from })
        .execute();
      if (group.length === 1) {
        // A single check (or a duplicate of one already fired): the conditional update decides.
        if ((res.affected ?? 0) === 1) escalating.push(group[0]);
        continue;
      }
      // The clocks were read under a lock (MySQL) or in the file's one write transaction
      // (SQLite), so every one of them is still at the level read. If not, fail the batch: its
      // checks run again one per transaction, where the single conditional update decides.
      if ((res.affected ?? 0) !== group.length) throw new Error('an SLA clock changed while its check ran');
      escalating.push(...group);
    }
    if (!escalating.length) return;
    const orders = new Map(
      (
        await this.orders.findByIds(
          escalating.map((e) => e.clock.workOrderId),
          em,
        )
      ).map((o) => [o.id, o]),
    );
    for (const { clock, reached } of escalating) {
      const order = orders.get(clock.workOrderId);
      if (!order) continue;
      for (let level = clock.level + 1; level <= reached; level++) {
        await deferInsert(em, SlaEscalation, {
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
}
