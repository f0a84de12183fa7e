/**
 * The promises an order makes to its resident, one per stage (接单, 上门, 完成), and whether each
 * was kept: a fixed time per stage, not a countdown to "the nearest deadline" that starts again
 * at every stage (docs/arrival.md "Stage promises"). Pure: the server passes the order's SLA
 * clocks and `now`.
 */
import type { SlaStage } from './sla.js';

/**
 * pending: not done yet, the promised time is ahead; overdue: not done, the promised time has
 * passed; paused: the clock stands still (waiting for parts, resident not home); kept / late:
 * done, on time or after the promised time; cancelled: the stage no longer applies.
 */
export const PROMISE_STATES = ['pending', 'overdue', 'paused', 'kept', 'late'] as const;
export type PromiseState = (typeof PROMISE_STATES)[number];

export interface StagePromise {
  stage: SlaStage;
  /** Epoch ms; null: no time promised for this stage (P3/P4 visits without an appointment). */
  promisedAt: number | null;
  /** sla: the SLA target of the stage; appointment: the end of the resident's visit window. */
  basis: 'sla' | 'appointment';
  state: PromiseState;
  /** Epoch ms when the stage was done; null until then. */
  doneAt: number | null;
}

/** One SLA clock as the promises need it (the sla_clock row). */
export interface PromiseClock {
  cycle: number;
  stage: SlaStage;
  /** running, paused, stopped or cancelled (SlaClockView.status). */
  status: string;
  dueAt: number;
  stoppedAt: number | null;
}

/** What the order itself adds: the visit window and when the technician arrived. */
export interface PromiseFacts {
  /** The resident's visit window ends (epoch ms); null: none asked for. */
  visitTo: number | null;
  /** The current cycle's first arrival (a reopen clears it). */
  arrivedAt: number | null;
}

const ORDER: readonly SlaStage[] = ['accept', 'arrive', 'resolve'];

function judged(promisedAt: number | null, doneAt: number | null, now: number): PromiseState {
  if (doneAt !== null) return promisedAt === null || doneAt <= promisedAt ? 'kept' : 'late';
  return promisedAt !== null && now > promisedAt ? 'overdue' : 'pending';
}

/**
 * The current cycle's promises in stage order. A stage with a clock promises the clock's due
 * time (pauses included); it is done when the clock stopped. The visit (arrive) of a P3/P4 order
 * has no clock: with a visit window the window's end is the promise, judged by the arrival;
 * without one there is no promise for it and the stage is left out. Cancelled clocks (the order
 * was withdrawn) are left out.
 */
export function stagePromises(clocks: readonly PromiseClock[], facts: PromiseFacts, now: number): StagePromise[] {
  const cycle = Math.max(-1, ...clocks.map((c) => c.cycle));
  const current = clocks.filter((c) => c.cycle === cycle);
  const out: StagePromise[] = [];
  for (const stage of ORDER) {
    const c = current.find((x) => x.stage === stage);
    if (c) {
      if (c.status === 'cancelled') continue;
      const doneAt = c.status === 'stopped' ? (c.stoppedAt ?? now) : null;
      const state: PromiseState = c.status === 'paused' && doneAt === null ? 'paused' : judged(c.dueAt, doneAt, now);
      out.push({ stage, promisedAt: c.dueAt, basis: 'sla', state, doneAt });
    } else if (stage === 'arrive' && facts.visitTo !== null && current.length > 0) {
      const doneAt = facts.arrivedAt;
      out.push({
        stage,
        promisedAt: facts.visitTo,
        basis: 'appointment',
        state: judged(facts.visitTo, doneAt, now),
        doneAt,
      });
    }
  }
  return out;
}

/** The stage names a resident reads on the order page. */
export const PROMISE_STAGE_LABELS: Record<SlaStage, string> = {
  accept: '接单',
  arrive: '上门',
  resolve: '完成',
};

/** The state as a resident reads it: 按时 / 超时 once done, 已暂停 while paused. */
export const PROMISE_STATE_LABELS: Record<PromiseState, string> = {
  pending: '未到时间',
  overdue: '已超时',
  paused: '已暂停',
  kept: '按时',
  late: '超时',
};
