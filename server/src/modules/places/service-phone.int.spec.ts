import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { AuditLog } from '../audit/audit-log.entity.js';
import { Community } from './place.entities.js';

/**
 * The community's service hotline (community.servicePhone) reaches the resident on the views they
 * read when they need to call: their house bindings (a pending review) and their orders (a late
 * one). docs/product-rules.md "Resident screens". The company's admin sets it with
 * PUT /api/communities/:id/service-phone (docs/master-data.md).
 */
describe(`community service phone for residents (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let resA1: string;
  let resB1: string;

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    await server.ds.getRepository(Community).update({ id: w.a1.id }, { servicePhone: '075586001234' });
    resA1 = await loginResident(server, 'code-res-a1');
    resB1 = await loginResident(server, 'code-res-b1');
  });

  afterAll(async () => {
    await server?.close();
  });

  it("is on the resident's house bindings, null where the community has none", async () => {
    const mine = await server.api.get('/me/houses', { token: resA1 });
    expect(mine.status).toBe(200);
    expect(mine.body.find((b: { houseId: number }) => b.houseId === w.houseA1.id)).toMatchObject({
      servicePhone: '075586001234',
    });
    const other = await server.api.get('/me/houses', { token: resB1 });
    expect(other.status).toBe(200);
    expect(other.body[0]).toMatchObject({ servicePhone: null });
  });

  it("is on the resident's order, in the list and the detail", async () => {
    const created = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '厨房水管爆了，服务电话测试', houseId: w.houseA1.id, priority: 'P1' },
      { token: resA1 },
    );
    expect(created.status).toBe(201);
    expect(created.body.servicePhone).toBe('075586001234');
    const detail = await server.api.get(`/work-orders/${created.body.id}`, { token: resA1 });
    expect(detail.body.servicePhone).toBe('075586001234');
    const list = await server.api.get('/work-orders', { token: resA1 });
    expect(list.body.items.find((o: { id: number }) => o.id === created.body.id).servicePhone).toBe('075586001234');
  });

  describe('set by the admin of the company', () => {
    let adminA: string;
    let adminB: string;
    const url = (id: number) => `/communities/${id}/service-phone`;
    const put = (id: number, body: unknown, token: string) => server.api.request('PUT', url(id), { token, body });
    const phoneOf = async (id: number) =>
      (await server.ds.getRepository(Community).findOneByOrFail({ id })).servicePhone;
    const auditRows = () => server.ds.getRepository(AuditLog).countBy({ entityType: 'community' });

    beforeAll(async () => {
      adminA = await loginStaff(server, w.staff.adminA);
      adminB = await loginStaff(server, w.staff.adminB);
    });

    it('sets it (trimmed), answers the community, audits the change, and residents then see it', async () => {
      const before = await auditRows();
      const res = await put(w.a1.id, { servicePhone: '  0755-86001111 ' }, adminA);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: w.a1.id, name: w.a1.name, address: w.a1.address, servicePhone: '0755-86001111' });
      expect(await phoneOf(w.a1.id)).toBe('0755-86001111');

      const mine = await server.api.get('/me/houses', { token: resA1 });
      expect(mine.body.find((b: { houseId: number }) => b.houseId === w.houseA1.id).servicePhone).toBe('0755-86001111');
      // The pickers and the console's browse carry it too.
      const options = await server.api.get('/communities', { token: adminA });
      expect(options.body.find((c: { id: number }) => c.id === w.a1.id).servicePhone).toBe('0755-86001111');
      const rows = await server.api.get('/master-data/communities', { token: adminA });
      expect(rows.body.items.find((c: { id: number }) => c.id === w.a1.id).servicePhone).toBe('0755-86001111');

      expect(await auditRows()).toBe(before + 1);
      const log = await server.api.get(`/audit-log?entityType=community&entityId=${w.a1.id}`, { token: adminA });
      expect(log.status).toBe(200);
      expect(log.body.items[0]).toMatchObject({
        action: 'update',
        entityType: 'community',
        entityId: w.a1.id,
        actor: { id: w.staff.adminA.id },
        before: { servicePhone: '075586001234' },
        after: { servicePhone: '0755-86001111' },
      });
    });

    it.each(['075586001234', '86001234', '010-62345678', '13812345678', '400-123-4567', '8001234567'])(
      'takes %s',
      async (phone) => {
        const res = await put(w.a1.id, { servicePhone: phone }, adminA);
        expect([res.status, res.body.servicePhone]).toEqual([200, phone]);
        expect(await phoneOf(w.a1.id)).toBe(phone);
      },
    );

    it('refuses a value that is no phone number with 400 VALIDATION_FAILED, changing nothing', async () => {
      await put(w.a1.id, { servicePhone: '0755-86001234' }, adminA);
      const before = await auditRows();
      for (const body of [
        { servicePhone: 'abc' },
        { servicePhone: '12345' },
        { servicePhone: '1'.repeat(25) },
        { servicePhone: '12345678901' },
        { servicePhone: '0755--86001234' },
        { servicePhone: '400-123-45678' },
        { servicePhone: '   ' },
        { servicePhone: 13812345678 },
        {},
        { servicePhone: '0755-86001234', extra: 1 },
      ]) {
        const res = await put(w.a1.id, body, adminA);
        expect([JSON.stringify(body), res.status, res.body.code]).toEqual([
          JSON.stringify(body),
          400,
          'VALIDATION_FAILED',
        ]);
      }
      const bad = await put(w.a1.id, { servicePhone: 'abc' }, adminA);
      expect(bad.body.details).toEqual([{ field: 'servicePhone', problems: [expect.stringContaining('landline')] }]);
      expect(await phoneOf(w.a1.id)).toBe('0755-86001234');
      expect(await auditRows()).toBe(before);
    });

    it('clears it with null or an empty string; residents then see null', async () => {
      for (const servicePhone of [null, '']) {
        await put(w.a1.id, { servicePhone: '13812345678' }, adminA);
        const res = await put(w.a1.id, { servicePhone }, adminA);
        expect([res.status, res.body.servicePhone]).toEqual([200, null]);
        expect(await phoneOf(w.a1.id)).toBeNull();
      }
      const mine = await server.api.get('/me/houses', { token: resA1 });
      expect(mine.body.find((b: { houseId: number }) => b.houseId === w.houseA1.id).servicePhone).toBeNull();
      const log = await server.api.get(`/audit-log?entityType=community&entityId=${w.a1.id}`, { token: adminA });
      expect(log.body.items[0]).toMatchObject({
        before: { servicePhone: '13812345678' },
        after: { servicePhone: null },
      });
    });

    it("answers another company's community as a missing one (404), changing nothing", async () => {
      await put(w.a1.id, { servicePhone: '0755-86001234' }, adminA);
      const before = await auditRows();
      const other = await put(w.a1.id, { servicePhone: '13900000000' }, adminB);
      const missing = await put(999999, { servicePhone: '13900000000' }, adminB);
      expect([other.status, other.body.code]).toEqual([404, 'NOT_FOUND']);
      expect(other.body.message).toBe(missing.body.message);
      expect(missing.status).toBe(404);
      expect(await phoneOf(w.a1.id)).toBe('0755-86001234');
      expect(await auditRows()).toBe(before);
      // Company B's admin sets their own.
      expect((await put(w.b1.id, { servicePhone: '400-800-1234' }, adminB)).status).toBe(200);
      expect(await phoneOf(w.b1.id)).toBe('400-800-1234');
    });

    it('is refused (403) to residents and the other staff roles, changing nothing', async () => {
      const before = await auditRows();
      const tokens = [
        resA1,
        await loginStaff(server, w.staff.techA1),
        await loginStaff(server, w.staff.deskA1),
        await loginStaff(server, w.staff.supervisorA1),
      ];
      for (const token of tokens) {
        const res = await put(w.a1.id, { servicePhone: '13900000000' }, token);
        expect([res.status, res.body.code]).toEqual([403, 'FORBIDDEN']);
      }
      expect(await phoneOf(w.a1.id)).toBe('0755-86001234');
      expect(await auditRows()).toBe(before);
    });
  });
});
