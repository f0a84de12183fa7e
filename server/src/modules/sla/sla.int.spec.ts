import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Clock } from '../../common/clock.js';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { withCompletionPhoto } from '../../testing/photos.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import { OutboxEvent } from '../notifications/notification.entities.js';
import { TechnicianSkill } from '../staff/staff.entities.js';
import { SlaEscalation } from './sla.entities.js';

const MIN = 60_000;

describe(`SLA clocks and escalation (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let resident: string;
  let tech: string;
  let clock: Clock;

  // Each order its own text: identical open orders of one house are duplicates (abuse-limits.ts).
  let filed = 0;
  const create = (body: object = {}) =>
    server.api.post(
      '/work-orders',
      { category: 'plumbing', description: `漏水 ${++filed}`, houseId: w.houseA1.id, priority: 'P2', ...body },
      { token: resident },
    );
  const act = async (token: string, id: number, body: object) =>
    server.api.post(
      `/work-orders/${id}/transitions`,
      await withCompletionPhoto(server, token, body as { action: string }),
      { token },
    );
  const sla = async (id: number) =>
    (await server.api.get(`/work-orders/${id}/sla`, { token: resident })).body as Array<Record<string, any>>;
  const stage = async (id: number, name: string) => (await sla(id)).find((c) => c.stage === name)!;
  const tick = () => server.app.get(JobRunner).tick();
  const escalations = (id: number) =>
    server.ds
      .getRepository(OutboxEvent)
      .find({ where: { workOrderId: id, type: 'sla.escalation' }, order: { id: 'ASC' } });

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    clock = server.app.get(Clock);
    resident = await loginResident(server, 'code-res-a1');
    tech = await loginStaff(server, w.staff.techA1);
    await server.ds.getRepository(TechnicianSkill).save({ userId: w.staff.techA1.id, category: 'plumbing', level: 4 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('starts accept, arrive and resolve clocks with the default P2 targets', async () => {
    const res = await create();
    const clocks = await sla(res.body.id);
    expect(clocks.map((c) => [c.stage, c.targetMinutes, c.status])).toEqual([
      ['accept', 15, 'running'],
      ['arrive', 120, 'running'],
      ['resolve', 240, 'running'],
    ]);
    for (const c of clocks) {
      expect(Date.parse(c.dueAt) - Date.parse(c.startedAt)).toBe(c.targetMinutes * MIN);
    }
    // The order carries its nearest deadline for queues.
    expect(res.body.slaDueAt).toBe(clocks[0].dueAt);
  });

  it('escalates at 50%, 75% and 100% of the clock, once each', async () => {
    const res = await create();
    const id = res.body.id;
    clock.advance(7 * MIN); // 46.7% of 15 min
    await tick();
    expect(await escalations(id)).toHaveLength(0);
    clock.advance(30_000); // 50%
    await tick();
    let fired = await escalations(id);
    expect(fired.map((e) => [e.payload.stage, e.payload.level])).toEqual([['accept', 1]]);
    expect(fired[0].payload.assigneeId).toBe(w.staff.techA1.id);
    clock.advance(3.75 * MIN); // 75%
    await tick();
    await tick();
    fired = await escalations(id);
    expect(fired.map((e) => [e.payload.stage, e.payload.level])).toEqual([
      ['accept', 1],
      ['accept', 2],
    ]);
    clock.advance(3.75 * MIN); // 100%
    await tick();
    const accept = await stage(id, 'accept');
    expect(accept).toMatchObject({ level: 3, breached: true, status: 'running' });
    expect(accept.escalations.map((e: { level: number; notified: string }) => [e.level, e.notified])).toEqual([
      [1, 'assignee'],
      [2, 'supervisor'],
      [3, 'manager'],
    ]);
    // Accepting late stops the clock; the breach stays on record.
    await act(tech, id, { action: 'accept' });
    expect(await stage(id, 'accept')).toMatchObject({ status: 'stopped', breached: true });
    // The arrive clock (120 min) had reached level 0 only; nothing fired twice.
    await tick();
    const rows = await server.ds.getRepository(SlaEscalation).findBy({ workOrderId: id });
    expect(rows).toHaveLength(3);
  });

  it('fires every missed level after downtime, and a stopped clock fires nothing', async () => {
    const late = await create();
    const onTime = await create();
    await act(tech, onTime.body.id, { action: 'accept' });
    clock.advance(20 * MIN); // both past 100% of accept; only `late` is still running
    await tick();
    expect(
      (await escalations(late.body.id)).filter((e) => e.payload.stage === 'accept').map((e) => e.payload.level),
    ).toEqual([1, 2, 3]);
    expect((await escalations(onTime.body.id)).filter((e) => e.payload.stage === 'accept')).toHaveLength(0);
    expect(await stage(onTime.body.id, 'accept')).toMatchObject({ status: 'stopped', breached: false });
  });

  it('pauses the resolve clock with a reason and moves its deadline by the pause', async () => {
    const res = await create();
    const id = res.body.id;
    for (const action of ['accept', 'depart', 'arrive']) await act(tech, id, { action });
    expect(await stage(id, 'arrive')).toMatchObject({ status: 'stopped', breached: false });
    const before = await stage(id, 'resolve');
    await act(tech, id, { action: 'pause', pauseReason: 'waiting_parts', note: '等水阀' });
    expect(await stage(id, 'resolve')).toMatchObject({ status: 'paused', pauseReason: 'waiting_parts' });
    clock.advance(300 * MIN); // far beyond the 240-minute target while paused
    await tick();
    expect((await escalations(id)).filter((e) => e.payload.stage === 'resolve')).toHaveLength(0);
    await act(tech, id, { action: 'resume' });
    const after = await stage(id, 'resolve');
    expect(after.status).toBe('running');
    // 300 minutes of clock travel plus the real time the pause and resume requests took.
    expect(after.pausedSeconds).toBeGreaterThanOrEqual(300 * 60);
    expect(after.pausedSeconds).toBeLessThanOrEqual(300 * 60 + 2);
    expect(Date.parse(after.dueAt) - Date.parse(before.dueAt)).toBe(after.pausedSeconds * 1000);
    const detail = await server.api.get(`/work-orders/${id}`, { token: resident });
    const pause = detail.body.timeline.find((e: { action: string }) => e.action === 'pause');
    expect(pause).toMatchObject({ from: 'in_progress', to: 'paused', note: '等水阀' });
    await act(tech, id, { action: 'complete' });
    expect(await stage(id, 'resolve')).toMatchObject({ status: 'stopped', breached: false });
    expect((await server.api.get(`/work-orders/${id}`, { token: resident })).body.slaDueAt).toBeNull();
  });

  it('starts a new cycle of clocks when an order is reopened', async () => {
    const res = await create();
    const id = res.body.id;
    for (const action of ['accept', 'arrive', 'complete']) await act(tech, id, { action });
    await act(resident, id, { action: 'reopen', reason: '又漏了' });
    const clocks = await sla(id);
    expect(clocks.filter((c) => c.cycle === 1).map((c) => [c.stage, c.status])).toEqual([
      ['accept', 'running'],
      ['arrive', 'running'],
      ['resolve', 'running'],
    ]);
    expect(clocks.filter((c) => c.cycle === 0).every((c) => c.status === 'stopped')).toBe(true);
  });

  it('cancelling stops every clock', async () => {
    const res = await create();
    await act(resident, res.body.id, { action: 'cancel', reason: '不用修了' });
    expect((await sla(res.body.id)).map((c) => c.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });
});
