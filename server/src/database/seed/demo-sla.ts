import {
  DEFAULT_SLA_TARGETS,
  dueAt,
  escalationLevelAt,
  nextEscalation,
  SLA_STAGES,
  stageTargetMinutes,
  type Priority,
  type SlaStage,
} from '@linli/shared';
import type { EntityManager } from 'typeorm';
import { ScheduledJob } from '../../modules/jobs/job.entity.js';
import { SlaClockRow } from '../../modules/sla/sla.entities.js';
import { WorkOrder } from '../../modules/work-orders/work-order.entities.js';

/** Which stage clocks an action stops (as SlaService does). */
const STOPS: Partial<Record<string, SlaStage[]>> = {
  accept: ['accept'],
  grab: ['accept'],
  arrive: ['accept', 'arrive'],
  complete: ['accept', 'arrive', 'resolve'],
};

/**
 * The SLA clocks a seeded order would have had, replayed from its events with the default
 * targets of its priority (wall clock, no business calendar): one cycle from creation and one
 * per reopen; stopped by accept, arrive and complete, cancelled by cancel; still running at
 * `now` otherwise, with the escalation level reached by then and the next sla_check job
 * scheduled, as SlaService leaves a live order. Keeps work_order.slaDueAt in step.
 */
export async function seedSlaClocks(
  em: EntityManager,
  order: { id: number; priority: Priority },
  events: ReadonlyArray<{ action?: string; createdAt?: Date }>,
  now: Date,
): Promise<void> {
  const targets = DEFAULT_SLA_TARGETS[order.priority];
  type Clock = Omit<SlaClockRow, 'id'>;
  const clocks: Clock[] = [];
  let cycle = -1;
  let live: Clock[] = [];
  for (const e of events) {
    const at = e.createdAt!;
    if (e.action === 'create' || e.action === 'reopen') {
      cycle += 1;
      live = [];
      for (const stage of SLA_STAGES) {
        const targetMinutes = stageTargetMinutes(targets, stage);
        if (targetMinutes === null) continue;
        const shape = { startedAt: at.getTime(), targetMinutes, pausedMs: 0 };
        const clock: Clock = {
          workOrderId: order.id,
          cycle,
          stage,
          startedAt: at,
          targetMinutes,
          calendar: null,
          pausedSeconds: 0,
          pausedSince: null,
          pauseReason: null,
          dueAt: new Date(dueAt(shape, 1, null)),
          status: 'running',
          level: 0,
          stoppedAt: null,
          breachedAt: null,
        };
        clocks.push(clock);
        live.push(clock);
      }
      continue;
    }
    const stop = (c: Clock, status: 'stopped' | 'cancelled') => {
      const shape = { startedAt: c.startedAt.getTime(), targetMinutes: c.targetMinutes, pausedMs: 0 };
      c.status = status;
      c.stoppedAt = at;
      c.level = escalationLevelAt(shape, at.getTime(), null, null);
      if (c.level === 3) c.breachedAt = c.dueAt;
      live = live.filter((x) => x !== c);
    };
    if (e.action === 'cancel') [...live].forEach((c) => stop(c, 'cancelled'));
    for (const stage of STOPS[e.action ?? ''] ?? []) {
      const c = live.find((x) => x.stage === stage);
      if (c) stop(c, 'stopped');
    }
  }
  for (const c of live) {
    const shape = { startedAt: c.startedAt.getTime(), targetMinutes: c.targetMinutes, pausedMs: 0 };
    c.level = escalationLevelAt(shape, now.getTime(), null, null);
    if (c.level === 3) c.breachedAt = c.dueAt;
  }
  for (const c of clocks) {
    const saved = await em.save(em.create(SlaClockRow, c));
    if (c.status !== 'running') continue;
    const shape = { startedAt: c.startedAt.getTime(), targetMinutes: c.targetMinutes, pausedMs: 0 };
    const next = nextEscalation(shape, c.level as 0 | 1 | 2 | 3, null);
    if (!next) continue;
    await em.save(
      em.create(ScheduledJob, {
        kind: 'sla_check',
        workOrderId: order.id,
        refId: saved.id,
        payload: null,
        dueAt: new Date(next.at),
        status: 'pending',
        attempts: 0,
        lastError: null,
        doneBy: null,
        doneAt: null,
      }),
    );
  }
  const due = live.map((c) => c.dueAt.getTime());
  await em.update(WorkOrder, { id: order.id }, { slaDueAt: due.length ? new Date(Math.min(...due)) : null });
}
