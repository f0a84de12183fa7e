import { PROMISE_STAGE_LABELS, PROMISE_STATE_LABELS, stagePromises, type PromiseClock } from './stage-promises.js';

const MIN = 60_000;
const t0 = Date.parse('2026-12-07T02:00:00Z');
const noFacts = { visitTo: null, arrivedAt: null };

const clock = (over: Partial<PromiseClock> & Pick<PromiseClock, 'stage'>): PromiseClock => ({
  cycle: 0,
  status: 'running',
  dueAt: t0 + 30 * MIN,
  stoppedAt: null,
  ...over,
});

describe('stagePromises', () => {
  it('a P2 order: each stage keeps its own promised time; none resets when the one before is done', () => {
    const clocks = [
      clock({ stage: 'accept', dueAt: t0 + 15 * MIN, status: 'stopped', stoppedAt: t0 + 3 * MIN }),
      clock({ stage: 'arrive', dueAt: t0 + 120 * MIN }),
      clock({ stage: 'resolve', dueAt: t0 + 240 * MIN }),
    ];
    const promises = stagePromises(clocks, noFacts, t0 + 20 * MIN);
    expect(promises).toEqual([
      { stage: 'accept', promisedAt: t0 + 15 * MIN, basis: 'sla', state: 'kept', doneAt: t0 + 3 * MIN },
      { stage: 'arrive', promisedAt: t0 + 120 * MIN, basis: 'sla', state: 'pending', doneAt: null },
      { stage: 'resolve', promisedAt: t0 + 240 * MIN, basis: 'sla', state: 'pending', doneAt: null },
    ]);
  });

  it('a stage done after its time was late; an open one past its time is overdue; a paused one says so', () => {
    const clocks = [
      clock({ stage: 'accept', dueAt: t0 + 5 * MIN, status: 'stopped', stoppedAt: t0 + 9 * MIN }),
      clock({ stage: 'arrive', dueAt: t0 + 30 * MIN }),
      clock({ stage: 'resolve', dueAt: t0 + 120 * MIN, status: 'paused' }),
    ];
    const states = stagePromises(clocks, noFacts, t0 + 31 * MIN).map((p) => p.state);
    expect(states).toEqual(['late', 'overdue', 'paused']);
    expect(PROMISE_STATE_LABELS.late).toBe('超时');
    expect(PROMISE_STATE_LABELS.kept).toBe('按时');
  });

  it('done exactly at the promised time is on time', () => {
    const clocks = [clock({ stage: 'accept', dueAt: t0, status: 'stopped', stoppedAt: t0 })];
    expect(stagePromises(clocks, noFacts, t0 + MIN)[0].state).toBe('kept');
  });

  it('a P3 visit without a clock: the appointment is the promise, judged by the arrival', () => {
    const clocks = [
      clock({ stage: 'accept', dueAt: t0 + 30 * MIN, status: 'stopped', stoppedAt: t0 + 10 * MIN }),
      clock({ stage: 'resolve', dueAt: t0 + 2880 * MIN }),
    ];
    const visitTo = t0 + 300 * MIN;
    const waiting = stagePromises(clocks, { ...noFacts, visitTo }, t0 + 60 * MIN);
    expect(waiting.map((p) => [p.stage, p.basis, p.state])).toEqual([
      ['accept', 'sla', 'kept'],
      ['arrive', 'appointment', 'pending'],
      ['resolve', 'sla', 'pending'],
    ]);
    const lateVisit = stagePromises(clocks, { ...noFacts, visitTo, arrivedAt: visitTo + MIN }, visitTo + 2 * MIN);
    expect(lateVisit[1]).toMatchObject({ state: 'late', doneAt: visitTo + MIN });
    // No appointment: nothing was promised for the visit, so nothing is shown for it.
    expect(stagePromises(clocks, noFacts, t0).map((p) => p.stage)).toEqual(['accept', 'resolve']);
    expect(PROMISE_STAGE_LABELS.arrive).toBe('上门');
  });

  it('shows the current cycle only (a reopen promises again) and leaves out cancelled clocks', () => {
    const clocks = [
      clock({ stage: 'accept', cycle: 0, status: 'stopped', stoppedAt: t0 + 99 * MIN }),
      clock({ stage: 'resolve', cycle: 0, status: 'stopped', stoppedAt: t0 + 99 * MIN }),
      clock({ stage: 'accept', cycle: 1, dueAt: t0 + 200 * MIN }),
      clock({ stage: 'resolve', cycle: 1, dueAt: t0 + 500 * MIN, status: 'cancelled' }),
    ];
    const promises = stagePromises(clocks, noFacts, t0 + 150 * MIN);
    expect(promises).toEqual([
      { stage: 'accept', promisedAt: t0 + 200 * MIN, basis: 'sla', state: 'pending', doneAt: null },
    ]);
  });

  it('no clocks (a suggestion has none): no promises', () => {
    expect(stagePromises([], { ...noFacts, visitTo: t0 }, t0)).toEqual([]);
  });
});
