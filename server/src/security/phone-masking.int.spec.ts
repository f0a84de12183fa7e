import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TechnicianSkill } from '../modules/staff/staff.entities.js';
import { buildWorld, loginResident, loginStaff, type World } from '../testing/factories.js';
import { withCompletionPhoto } from '../testing/photos.js';
import { startTestServer, TEST_DB, type TestServer } from '../testing/test-server.js';

/**
 * Phone numbers reach only the roles that need them (docs/decisions.md, "Phones"): the desk,
 * supervisors, admins and the assignee see the reporter's; a resident sees the technician's only
 * while the work is under way (to call them); nobody else sees anybody's.
 *
 * Rather than checking one field, every answer a role gets from the screens it uses is searched
 * for any full mainland mobile number other than the caller's own. The house registry's phone
 * (the basis of automatic binding) must never come back to anyone browsing houses.
 */

const MOBILE = /1[3-9]\d{9}/g;
const REGISTRY_PHONE = '13900001111';

describe(`phone numbers are masked for roles that do not need them (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  const token: Record<string, string> = {};
  let orderId: number;
  let buildingId: number;

  /** Full mobile numbers in the answers to these GETs, minus the caller's own. */
  async function phonesSeen(who: string, own: string | null, paths: string[]): Promise<string[]> {
    const found = new Set<string>();
    for (const p of paths) {
      const res = await server.api.get(p, { token: token[who] });
      expect(res.status).toBeLessThan(500);
      for (const m of JSON.stringify(res.body).match(MOBILE) ?? []) if (m !== own) found.add(`${p}: ${m}`);
    }
    return [...found];
  }

  const act = async (who: string, body: object) => {
    const sent = await withCompletionPhoto(server, token[who], body as { action: string });
    const res = await server.api.post(`/work-orders/${orderId}/transitions`, sent, { token: token[who] });
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    await server.ds.getRepository(TechnicianSkill).save({ userId: w.staff.techA1.id, category: 'plumbing', level: 3 });
    token.resA1 = await loginResident(server, 'code-res-a1');
    token.resA1b = await loginResident(server, 'code-res-a1b');
    token.techA1 = await loginStaff(server, w.staff.techA1);
    token.techA1b = await loginStaff(server, w.staff.techA1b);
    token.deskA1 = await loginStaff(server, w.staff.deskA1);
    const created = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '卫生间漏水', houseId: w.houseA1.id },
      { token: token.resA1, headers: { 'idempotency-key': 'phone-masking-1' } },
    );
    expect(created.status).toBe(201);
    orderId = created.body.id;
    buildingId = w.houseA1.buildingId!;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('shows the full phones to the desk (the data is there to leak)', async () => {
    const seen = await phonesSeen('deskA1', w.staff.deskA1.phone, [`/work-orders/${orderId}`, '/work-orders']);
    expect(seen.some((s) => s.endsWith(w.residents.resA1.phone))).toBe(true);
  });

  it('never gives the house registry phone to a resident browsing houses', async () => {
    const seen = await phonesSeen('resA1b', w.residents.resA1b.phone, [
      '/communities',
      `/communities/${w.a1.id}/buildings`,
      `/buildings/${buildingId}/houses`,
      '/me/houses',
      '/categories',
    ]);
    expect(seen).toEqual([]);
    const houses = await server.api.get(`/buildings/${buildingId}/houses`, { token: token.resA1b });
    expect(JSON.stringify(houses.body)).not.toContain(REGISTRY_PHONE);
    expect(JSON.stringify(houses.body)).not.toContain('王芳');
  });

  it('masks the reporter for a technician who is not the assignee (pooled order)', async () => {
    await act('deskA1', { action: 'pool' });
    const seen = await phonesSeen('techA1b', w.staff.techA1b.phone, [
      `/work-orders/${orderId}`,
      '/work-orders',
      '/me/notifications',
    ]);
    expect(seen).toEqual([]);
    const detail = await server.api.get(`/work-orders/${orderId}`, { token: token.techA1b });
    expect(detail.status).toBe(200);
    expect(detail.body.reporter.phone).toBe(
      `${w.residents.resA1.phone.slice(0, 3)}****${w.residents.resA1.phone.slice(7)}`,
    );
  });

  it("gives the assignee the reporter's phone, and the reporter the technician's only while the work is under way", async () => {
    await act('deskA1', { action: 'assign', assigneeId: w.staff.techA1.id });
    await act('techA1', { action: 'accept' });
    const asAssignee = await server.api.get(`/work-orders/${orderId}`, { token: token.techA1 });
    expect(asAssignee.body.reporter.phone).toBe(w.residents.resA1.phone);
    const underWay = await server.api.get(`/work-orders/${orderId}`, { token: token.resA1 });
    expect(underWay.body.assignee.phone).toBe(w.staff.techA1.phone);

    await act('techA1', { action: 'arrive' });
    await act('techA1', { action: 'complete' });
    // Done: the reporter sees no phone but their own, anywhere.
    const seen = await phonesSeen('resA1', w.residents.resA1.phone, [
      `/work-orders/${orderId}`,
      '/work-orders',
      '/me/notifications',
      '/me/houses',
    ]);
    expect(seen).toEqual([]);
  });

  it('shows another resident of the community neither the order nor any phone', async () => {
    const other = await server.api.get(`/work-orders/${orderId}`, { token: token.resA1b });
    expect(other.status).toBe(404);
    expect(
      await phonesSeen('resA1b', w.residents.resA1b.phone, ['/work-orders', '/me/notifications', '/me/houses']),
    ).toEqual([]);
  });
});
