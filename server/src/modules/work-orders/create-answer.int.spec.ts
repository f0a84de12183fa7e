// The create answer is built from the rows the request wrote (the order, its create event,
// routing's change of it in this process) instead of read back: it must be what a read gives.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { TechnicianSkill } from '../staff/staff.entities.js';
import { RoutingRule } from '../routing/routing.entities.js';
import { WorkOrder } from './work-order.entities.js';

describe(`the create answer is the order as a read gives it (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let resident: string;
  let desk: string;
  let filed = 0;

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    resident = await loginResident(server, 'code-res-a1');
    desk = await loginStaff(server, w.staff.deskA1);
    await server.ds.getRepository(TechnicianSkill).save({ userId: w.staff.techA1.id, category: 'plumbing', level: 5 });
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await server.ds
      .createQueryBuilder()
      .update(WorkOrder)
      .set({ status: 'closed', assigneeId: null, routingState: null })
      .execute();
    await server.ds.getRepository(RoutingRule).clear();
  });

  /** Create as `token`, then read the order back as the same user: the two answers agree. */
  async function expectSameAsRead(token: string, body: object) {
    const created = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: `答复 ${++filed}`, houseId: w.houseA1.id, ...body },
      { token },
    );
    expect(created.status).toBe(201);
    const read = await server.api.get(`/work-orders/${created.body.id}`, { token });
    expect(read.status).toBe(200);
    // Signed photo links and the arrival estimate are computed per answer from the clock.
    const strip = ({ photos: _p, arrival: _a, ...rest }: Record<string, unknown>) => rest;
    expect(strip(created.body)).toEqual(strip(read.body));
    return created.body as { status: string; routingState: string | null; timeline: Array<{ action: string }> };
  }

  it('when routing assigns in the request (resident)', async () => {
    const body = await expectSameAsRead(resident, {});
    expect(body.status).toBe('assigned');
    expect(body.timeline.map((e) => e.action)).toEqual(['create', 'assign']);
  });

  it('when routing parks it: nobody can do the category (waiting)', async () => {
    const body = await expectSameAsRead(resident, { category: 'electrical' });
    expect(body).toMatchObject({ status: 'submitted', routingState: 'waiting' });
  });

  it('when a rule leaves it to the desk (manual), filed by the desk for a resident', async () => {
    await server.ds.getRepository(RoutingRule).save({
      companyId: w.companyA.id,
      communityId: w.a1.id,
      category: 'plumbing',
      priority: null,
      mode: 'manual',
      teamId: null,
      offerTimeoutSeconds: 300,
      maxRefusals: 3,
      weights: null,
      enabled: true,
    });
    const body = await expectSameAsRead(desk, { reporterId: w.residents.resA1.id });
    expect(body).toMatchObject({ status: 'submitted', routingState: 'manual' });
  });

  it('when routing pools it (pool mode)', async () => {
    await server.ds.getRepository(RoutingRule).save({
      companyId: w.companyA.id,
      communityId: w.a1.id,
      category: 'plumbing',
      priority: null,
      mode: 'pool',
      teamId: null,
      offerTimeoutSeconds: 300,
      maxRefusals: 3,
      weights: null,
      enabled: true,
    });
    const body = await expectSameAsRead(resident, {});
    expect(body.status).toBe('pooled');
    expect(body.timeline.map((e) => e.action)).toEqual(['create', 'pool']);
  });
});
