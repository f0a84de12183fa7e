import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { withCompletionPhoto } from '../../testing/photos.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { TechnicianProfile, TechnicianSkill } from '../staff/staff.entities.js';
import { WorkOrder } from '../work-orders/work-order.entities.js';

/** Issue 16 item 7: a bad rating files a complaint for the desk (docs/closed-loop.md "Complaints"). */
describe(`a bad rating files a complaint (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  const t: Record<string, string> = {};
  let filed = 0;

  const act = async (token: string, id: number, body: object) =>
    server.api.post(
      `/work-orders/${id}/transitions`,
      await withCompletionPhoto(server, token, body as { action: string }),
      { token },
    );
  const complaintsOf = (ratedId: number) =>
    server.ds.getRepository(WorkOrder).find({ where: { complaintOfId: ratedId }, order: { id: 'ASC' } });

  /** A repair of resA1's house, done by techA1, waiting for the rating. */
  async function completedOrder(): Promise<number> {
    const res = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: `卫生间漏水 ${++filed}`, houseId: w.houseA1.id, priority: 'P3' },
      { token: t.resA1 },
    );
    expect(res.status).toBe(201);
    const id = res.body.id as number;
    const o = (await server.api.get(`/work-orders/${id}`, { token: t.deskA1 })).body;
    if (o.assignee?.id !== w.staff.techA1.id) {
      expect((await act(t.deskA1, id, { action: 'assign', assigneeId: w.staff.techA1.id })).status).toBe(200);
    }
    for (const action of ['accept', 'arrive', 'complete']) {
      expect([action, (await act(t.techA1, id, { action })).status]).toEqual([action, 200]);
    }
    return id;
  }
  const rate = (id: number, body: object) => server.api.post(`/work-orders/${id}/rating`, body, { token: t.resA1 });

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    t.resA1 = await loginResident(server, 'code-res-a1');
    for (const name of ['deskA1', 'techA1', 'adminA'] as const) t[name] = await loginStaff(server, w.staff[name]);
    await server.ds.getRepository(TechnicianSkill).save({ userId: w.staff.techA1.id, category: 'plumbing', level: 4 });
    await server.ds.getRepository(TechnicianProfile).save({
      userId: w.staff.techA1.id,
      capacity: 50,
      latitude: null,
      longitude: null,
      lastAssignedAt: null,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('1 star: one complaint for the desk, linked to the order and the rating, about the technician', async () => {
    const id = await completedOrder();
    const res = await rate(id, { stars: 1, comment: '师傅态度差' });
    expect(res.status).toBe(201);
    expect(res.body.followUpOpened).toBe(true);
    expect(typeof res.body.complaintId).toBe('number');
    const complaints = await complaintsOf(id);
    expect(complaints).toHaveLength(1);
    const c = complaints[0];
    expect(c.id).toBe(res.body.complaintId);
    expect(c).toMatchObject({
      kind: 'complaint',
      ratingId: res.body.id,
      reporterId: w.residents.resA1.id,
      aboutUserId: w.staff.techA1.id,
      assigneeId: null,
      routingState: 'manual',
      repeatOfId: null,
    });
    expect(c.description).toContain('1 星');
    expect(c.description).toContain('师傅态度差');

    // The desk sees it on its complaints list, with the link to the rated order.
    const list = await server.api.get('/work-orders?kind=complaint&status=submitted&pageSize=50', {
      token: t.deskA1,
    });
    expect(list.status).toBe(200);
    const row = (list.body.items as Array<Record<string, any>>).find((o) => o.id === c.id);
    expect(row).toMatchObject({ complaintOfId: id, about: { id: w.staff.techA1.id } });

    // Never the technician it is about.
    const toTech = await act(t.deskA1, c.id, { action: 'assign', assigneeId: w.staff.techA1.id });
    expect(toTech.status).toBe(409);
    expect(toTech.body.code).toBe('COMPLAINT_ABOUT_ASSIGNEE');

    // A second rating is refused and files nothing more: one complaint per rating.
    const again = await rate(id, { stars: 1 });
    expect(again.status).toBe(409);
    expect(await complaintsOf(id)).toHaveLength(1);
  });

  it('5 stars and fixed: no complaint', async () => {
    const id = await completedOrder();
    const res = await rate(id, { stars: 5, fixed: true });
    expect(res.status).toBe(201);
    expect(res.body.complaintId).toBeNull();
    expect(await complaintsOf(id)).toHaveLength(0);
  });

  it('"not fixed" with 4 stars: a complaint, also when the resident reopens the order', async () => {
    const id = await completedOrder();
    const res = await rate(id, { stars: 4, fixed: false, reopen: true });
    expect(res.status).toBe(201);
    expect(res.body.orderStatus).toBe('reopened');
    const complaints = await complaintsOf(id);
    expect(complaints).toHaveLength(1);
    expect(complaints[0].description).toContain('反馈未修好');
    expect(complaints[0].assigneeId).not.toBe(w.staff.techA1.id);
    expect(complaints[0].aboutUserId).toBe(w.staff.techA1.id);
  });
});
