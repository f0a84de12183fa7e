import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { WorkOrderDetailView } from '@linli/shared';
import { ApiContract } from '../testing/api-contract.js';
import { buildWorld, loginResident, loginStaff, type World } from '../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../testing/test-server.js';

/**
 * Real answers of the main routes, success and error alike, checked against the served OpenAPI
 * document (docs/api.md, "The contract"): every status documented, every JSON body matching its
 * schema, which the view types close (a field the view type lacks fails).
 */
describe(`the API keeps its documented contract (${TEST_DB})`, () => {
  let server: TestServer;
  let contract: ApiContract;
  let w: World;
  const t = {} as Record<'res' | 'tech' | 'desk' | 'supervisor' | 'admin', string>;

  beforeAll(async () => {
    server = await startTestServer();
    contract = await ApiContract.load(server.url);
    server.api.onAnswer = (a) => contract.check(a);
    w = await buildWorld(server);
    t.res = await loginResident(server, 'code-res-a1');
    t.tech = await loginStaff(server, w.staff.techA1);
    t.desk = await loginStaff(server, w.staff.deskA1);
    t.supervisor = await loginStaff(server, w.staff.supervisorA1);
    t.admin = await loginStaff(server, w.staff.adminA);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('refuses what the document does not say: an undocumented status, a field the view lacks, a wrong type', () => {
    const me = { id: 1, role: 'resident', name: '王芳', phone: null, companyId: null, communityIds: [] };
    const answer = (status: number, body: unknown) => ({
      method: 'GET',
      url: '/api/me',
      status,
      contentType: 'application/json; charset=utf-8',
      body,
    });
    expect(contract.problems(answer(200, me))).toEqual([]);
    expect(contract.problems(answer(200, { ...me, password: 'x' })).join()).toContain('additional properties');
    expect(contract.problems(answer(200, { ...me, id: '1' })).join()).toContain('/id must be number');
    expect(contract.problems(answer(200, { ...me, phone: undefined })).join()).toContain("'phone'");
    expect(contract.problems(answer(418, me)).join()).toContain('status not documented');
    expect(contract.problems(answer(401, { code: 'NOPE', message: 'x', requestId: 'r' })).join()).toContain(
      'allowed values',
    );
    expect(contract.problems({ ...answer(200, me), url: '/api/nowhere' }).join()).toContain('no such operation');
  });

  it('sign-in, the caller, pickers and notifications', async () => {
    expect((await server.api.get('/me', { token: t.res })).status).toBe(200);
    expect((await server.api.get('/me', { token: t.admin })).status).toBe(200);
    expect((await server.api.get('/me')).status).toBe(401);
    expect((await server.api.post('/auth/password', { username: 'nobody', password: 'wrong-password' })).status).toBe(
      401,
    );
    expect((await server.api.get('/communities', { token: t.res })).status).toBe(200);
    expect((await server.api.get(`/communities/${w.a1.id}/buildings`, { token: t.res })).status).toBe(200);
    expect((await server.api.get(`/communities/${w.a1.id}/public-areas`, { token: t.desk })).status).toBe(200);
    expect((await server.api.get(`/buildings/${w.houseA1.buildingId}/houses`, { token: t.res })).status).toBe(200);
    expect((await server.api.get('/categories', { token: t.res })).status).toBe(200);
    expect((await server.api.get('/me/houses', { token: t.res })).status).toBe(200);
    expect((await server.api.get('/me/notifications', { token: t.res })).status).toBe(200);
    expect((await server.api.get('/me/subscriptions', { token: t.res })).status).toBe(200);
    expect((await server.api.get('/house-bindings/pending', { token: t.desk })).status).toBe(200);
  });

  it('a work order from report to acceptance, with its SLA clocks, routing and refusals', async () => {
    const body = { category: 'plumbing', description: '契约测试 厨房漏水', houseId: w.houseA1.id };
    const headers = { 'idempotency-key': 'contract-spec-0001' };
    const created = await server.api.post<WorkOrderDetailView>('/work-orders', body, { token: t.res, headers });
    expect(created.status).toBe(201);
    expect((await server.api.post('/work-orders', body, { token: t.res, headers })).status).toBe(200);
    const id = created.body.id;

    expect((await server.api.get('/work-orders?pageSize=5', { token: t.res })).status).toBe(200);
    expect((await server.api.get(`/work-orders/${id}`, { token: t.desk })).status).toBe(200);
    expect((await server.api.get(`/work-orders/${id}/sla`, { token: t.desk })).status).toBe(200);
    expect((await server.api.get(`/work-orders/${id}/routing`, { token: t.desk })).status).toBe(200);
    expect((await server.api.get(`/work-orders/${id}/routing/explain`, { token: t.desk })).status).toBe(200);

    let order = (await server.api.get<WorkOrderDetailView>(`/work-orders/${id}`, { token: t.desk })).body;
    if (order.actions.includes('assign')) {
      const assigned = await server.api.post<WorkOrderDetailView>(
        `/work-orders/${id}/transitions`,
        { action: 'assign', assigneeId: w.staff.techA1.id, version: order.version },
        { token: t.desk },
      );
      expect(assigned.status).toBe(200);
    }
    order = (await server.api.get<WorkOrderDetailView>(`/work-orders/${id}`, { token: t.tech })).body;
    expect(order.actions).toContain('accept');
    const accepted = await server.api.post(
      `/work-orders/${id}/transitions`,
      { action: 'accept', version: order.version },
      { token: t.tech },
    );
    expect(accepted.status).toBe(200);
    // A stale version: 409 with the error body.
    const stale = await server.api.post(
      `/work-orders/${id}/transitions`,
      { action: 'depart', version: order.version },
      { token: t.tech },
    );
    expect(stale.status).toBe(409);

    expect((await server.api.post('/work-orders', {}, { token: t.res })).status).toBe(400);
    expect((await server.api.get('/work-orders/999999', { token: t.res })).status).toBe(404);
    expect((await server.api.get('/work-orders/abc', { token: t.res })).status).toBe(400);
    expect((await server.api.get(`/work-orders/${id}/rating`, { token: t.res })).status).toBe(404);
  });

  it('staff, the board, a technician day, leave and teams', async () => {
    expect((await server.api.get('/staff', { token: t.admin })).status).toBe(200);
    expect((await server.api.get(`/staff/${w.staff.techA1.id}`, { token: t.supervisor })).status).toBe(200);
    expect((await server.api.get(`/staff/${w.staff.techA1.id}/shifts`, { token: t.supervisor })).status).toBe(200);
    expect((await server.api.get('/staff', { token: t.res })).status).toBe(403);
    expect((await server.api.get('/staff/board', { token: t.supervisor })).status).toBe(200);
    expect((await server.api.get('/staff/me/today', { token: t.tech })).status).toBe(200);
    expect((await server.api.get('/staff/me/colleagues', { token: t.tech })).status).toBe(200);
    expect(
      (await server.api.get(`/staff/desk/house-residents?houseId=${w.houseA1.id}`, { token: t.desk })).status,
    ).toBe(200);
    expect((await server.api.get('/leave', { token: t.admin })).status).toBe(200);
    expect((await server.api.get('/teams', { token: t.admin })).status).toBe(200);
    expect((await server.api.get('/routing-rules', { token: t.admin })).status).toBe(200);
    expect((await server.api.get('/sla-policies', { token: t.admin })).status).toBe(200);
    expect((await server.api.get(`/price-list?communityId=${w.a1.id}`, { token: t.admin })).status).toBe(200);
  });

  it('satisfaction scores, follow-ups, surveys, master data, the audit log and exports', async () => {
    const q = `communityId=${w.a1.id}&from=2026-01-01&to=2026-01-31`;
    expect((await server.api.get(`/satisfaction/summary?${q}`, { token: t.admin })).status).toBe(200);
    expect((await server.api.get(`/satisfaction/breakdown?${q}&by=technician`, { token: t.admin })).status).toBe(200);
    expect((await server.api.get(`/satisfaction/drivers?${q}`, { token: t.admin })).status).toBe(200);
    expect((await server.api.get(`/satisfaction/hotspots?${q}`, { token: t.admin })).status).toBe(200);
    expect((await server.api.get('/follow-ups', { token: t.desk })).status).toBe(200);
    expect((await server.api.get(`/communities/${w.a1.id}/follow-up-policy`, { token: t.desk })).status).toBe(200);
    expect((await server.api.get('/surveys', { token: t.admin })).status).toBe(200);
    expect((await server.api.get('/master-data/communities', { token: t.admin })).status).toBe(200);
    expect((await server.api.get(`/master-data/houses?communityId=${w.a1.id}`, { token: t.admin })).status).toBe(200);
    expect((await server.api.get('/audit-log', { token: t.admin })).status).toBe(200);
    expect((await server.api.get(`/exports/orders.csv?${q}`, { token: t.admin })).status).toBe(200);
    expect(contract.checked).toBeGreaterThan(50);
  });
});
