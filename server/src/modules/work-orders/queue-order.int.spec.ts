import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Clock } from '../../common/clock.js';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { TechnicianProfile, TechnicianSkill } from '../staff/staff.entities.js';
import { WorkOrder } from './work-order.entities.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/**
 * Issue 16 item 5: open work is listed in the queue order (shared/src/queue-order.ts): P1/P2
 * pinned on top, then by the next deadline. `sort=sla` serves the technician's queue, the
 * desk's workbench and the supervisor's board alike.
 */
describe(`queue order: urgent orders pinned, then deadlines (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  const t: Record<string, string> = {};
  const ids: Record<string, number> = {};

  const file = async (priority: string, description: string) => {
    const res = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description, houseId: w.houseA1.id, priority },
      { token: t.resA1 },
    );
    expect(res.status).toBe(201);
    return res.body.id as number;
  };
  /** The order's nearest SLA deadline, `ms` from now (negative: overdue). */
  const dueIn = (id: number, ms: number) =>
    server.ds
      .getRepository(WorkOrder)
      .update({ id }, { slaDueAt: new Date(server.app.get(Clock).now().getTime() + ms) });
  const list = async (token: string, status: string) => {
    const res = await server.api.get(`/work-orders?status=${status}&sort=sla&pageSize=50`, { token });
    expect(res.status).toBe(200);
    return (res.body.items as Array<{ id: number }>).map((o) => o.id).filter((id) => Object.values(ids).includes(id));
  };

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    t.resA1 = await loginResident(server, 'code-res-a1');
    for (const name of ['deskA1', 'supervisorA1', 'techA1'] as const) t[name] = await loginStaff(server, w.staff[name]);
    await server.ds.getRepository(TechnicianSkill).save({ userId: w.staff.techA1.id, category: 'plumbing', level: 4 });
    await server.ds
      .getRepository(TechnicianProfile)
      .save({ userId: w.staff.techA1.id, capacity: 50, latitude: null, longitude: null, lastAssignedAt: null });
    ids.lift = await file('P3', '电梯按钮失灵');
    ids.pipe = await file('P1', '水管爆裂');
    ids.p2 = await file('P2', '厨房漏水');
    ids.later = await file('P3', '门铃不响');
    ids.none = await file('P4', '建议加装扶手');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('puts a 22-minutes-overdue P1 above a P3 overdue by 4 days, for the technician, the desk and the supervisor', async () => {
    await dueIn(ids.lift, -4 * DAY);
    await dueIn(ids.pipe, -22 * MIN);
    await dueIn(ids.p2, 3 * 60 * MIN);
    await dueIn(ids.later, 60 * MIN);
    await server.ds.getRepository(WorkOrder).update({ id: ids.none }, { slaDueAt: null });
    const expected = [ids.pipe, ids.p2, ids.lift, ids.later, ids.none];
    // All routed to techA1 (the only plumber): their queue.
    expect(await list(t.techA1, 'assigned,accepted')).toEqual(expected);
    expect(await list(t.deskA1, 'assigned,submitted')).toEqual(expected);
    expect(await list(t.supervisorA1, 'assigned,submitted')).toEqual(expected);
  });

  it('keeps newest first when sort=sla is not asked', async () => {
    const res = await server.api.get('/work-orders?status=assigned,submitted&pageSize=50', { token: t.deskA1 });
    const got = (res.body.items as Array<{ id: number }>)
      .map((o) => o.id)
      .filter((id) => Object.values(ids).includes(id));
    expect(got).toEqual([...Object.values(ids)].sort((a, b) => b - a));
  });
});
