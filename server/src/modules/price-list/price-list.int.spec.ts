import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';

describe(`price list (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let admin: string;
  let adminB: string;
  let resident: string;
  let residentB: string;
  let desk: string;

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    admin = await loginStaff(server, w.staff.adminA);
    adminB = await loginStaff(server, w.staff.adminB);
    desk = await loginStaff(server, w.staff.deskA1);
    resident = await loginResident(server, 'code-res-a1');
    residentB = await loginResident(server, 'code-res-b1');
  });
  afterAll(async () => {
    await server?.close();
  });

  const item = (extra: object = {}) => ({
    category: 'plumbing',
    kind: 'labour',
    name: '疏通下水道',
    unit: '次',
    priceFen: 8000,
    ...extra,
  });

  it('lets the admin publish company-wide and community items that residents see before reporting', async () => {
    const wide = await server.api.post('/price-items', item(), { token: admin });
    expect(wide.status).toBe(201);
    const local = await server.api.post(
      '/price-items',
      item({ name: '角阀', kind: 'material', unit: '个', priceFen: 2500, communityId: w.a1.id }),
      { token: admin },
    );
    expect(local.status).toBe(201);
    await server.api.post('/price-items', item({ name: '别的小区', communityId: w.a2.id }), { token: admin });

    const a1 = await server.api.get(`/price-list?communityId=${w.a1.id}`, { token: resident });
    expect(a1.status).toBe(200);
    expect(a1.body.map((p: { name: string; priceFen: number }) => [p.name, p.priceFen])).toEqual([
      ['疏通下水道', 8000],
      ['角阀', 2500],
    ]);
    const asDesk = await server.api.get(`/price-list?communityId=${w.a2.id}`, { token: desk });
    expect(asDesk.body.map((p: { name: string }) => p.name)).toEqual(['疏通下水道', '别的小区']);
  });

  it('hides other communities and companies, and only admins write', async () => {
    expect((await server.api.get(`/price-list?communityId=${w.a1.id}`, { token: residentB })).status).toBe(404);
    expect((await server.api.get(`/price-list?communityId=${w.a1.id}`, { token: adminB })).status).toBe(404);
    expect((await server.api.get('/price-list', { token: resident })).status).toBe(400);
    expect((await server.api.post('/price-items', item(), { token: desk })).status).toBe(403);
    const created = await server.api.post('/price-items', item({ name: '临时' }), { token: admin });
    expect((await server.api.request('DELETE', `/price-items/${created.body.id}`, { token: adminB })).status).toBe(404);
    expect((await server.api.request('DELETE', `/price-items/${created.body.id}`, { token: admin })).status).toBe(204);
  });

  it('validates items and changes nothing on bad input', async () => {
    const before = (await server.api.get(`/price-list?communityId=${w.a1.id}`, { token: admin })).body.length;
    const bad = await server.api.post(
      '/price-items',
      { category: 'gas', kind: 'x', name: '', unit: '次', priceFen: -1 },
      { token: admin },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['kind', 'name', 'priceFen']);
    const unknownCategory = await server.api.post('/price-items', item({ category: 'gas' }), { token: admin });
    expect(unknownCategory.body.details[0].field).toBe('category');
    const otherCompany = await server.api.post('/price-items', item({ communityId: w.b1.id }), { token: admin });
    expect(otherCompany.body.details[0].field).toBe('communityId');
    expect((await server.api.get(`/price-list?communityId=${w.a1.id}`, { token: admin })).body.length).toBe(before);
  });

  it('refuses markup in names (they reach chart tooltips and spreadsheets), on create and update', async () => {
    const before = (await server.api.get(`/price-list?communityId=${w.a1.id}`, { token: admin })).body.length;
    for (const [field, value] of [
      ['name', '<img src=x onerror=alert(1)>'],
      ['name', '<b>x</b>'],
      ['name', '换阀门 > 2 个'],
      ['unit', '<i>次'],
    ] as const) {
      const res = await server.api.post('/price-items', item({ [field]: value }), { token: admin });
      expect({ value, status: res.status, code: res.body.code, details: res.body.details }).toEqual({
        value,
        status: 400,
        code: 'VALIDATION_FAILED',
        details: [{ field, problems: [`${field} 不能包含 < > 或控制字符`] }],
      });
    }
    const ok = await server.api.post('/price-items', item({ name: 'A&B 阀门 (DN20)' }), { token: admin });
    expect(ok.status).toBe(201);
    const put = await server.api.request('PUT', `/price-items/${ok.body.id}`, {
      token: admin,
      body: item({ name: '<script>alert(1)</script>' }),
    });
    expect([put.status, put.body.code, put.body.details?.[0]?.field]).toEqual([400, 'VALIDATION_FAILED', 'name']);
    const list = (await server.api.get(`/price-list?communityId=${w.a1.id}`, { token: admin })).body;
    expect(list).toHaveLength(before + 1);
    expect(JSON.stringify(list)).not.toMatch(/[<>]/);
  });
});
