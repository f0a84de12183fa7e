import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { HouseBinding } from './house-binding.entity.js';

/**
 * A resident binds a house: found by browsing communities, buildings and houses; verified at
 * once when the phone WeChat proves is the registry owner's (houseA1: 王芳 / 13900001111),
 * otherwise pending until the desk of that community (or the house's owner, households.int.spec)
 * reviews it. A pending binding gives nothing.
 */
describe(`house bindings over HTTP (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  const staff = {} as Record<'deskA1' | 'deskA2' | 'deskB1' | 'adminA' | 'adminB' | 'supervisorA1' | 'techA1', string>;
  let resA1: string;
  /** A fresh WeChat user whose name and phone match houseA1's registry. */
  let owner: string;
  /** A fresh WeChat user who only ever sends bad requests. */
  let validator: string;
  /** An order resA1 filed for houseA1 before anyone new came along. */
  let orderOfHouseA1: number;

  /**
   * Ask to bind. A well-formed `phone` without other proof stands for the resident tapping
   * WeChat's phone-number button for that number (a fake phone code); anything else is sent as is.
   */
  const bind = (token: string, body: object) => {
    const b = body as Record<string, unknown>;
    const proven =
      typeof b.phone === 'string' && /^(\+?86)?1\d{10}$/.test(b.phone) && b.smsCode === undefined && !b.phoneCode;
    if (!proven) return server.api.post('/me/houses', body, { token });
    const { phone, ...rest } = b;
    return server.api.post('/me/houses', { ...rest, phoneCode: server.fake.phoneCode(phone as string) }, { token });
  };
  const review = (token: string, id: number, decision: string) =>
    server.api.post(`/house-bindings/${id}/review`, { decision }, { token });
  const pendingIds = async (token: string) => {
    const res = await server.api.get('/house-bindings/pending', { token });
    expect(res.status).toBe(200);
    return res.body.map((b: { id: number }) => b.id) as number[];
  };
  let filed = 0;
  /** Each order its own text: the same open report again within minutes is a duplicate. */
  const createOrder = (token: string, houseId: number) =>
    server.api.post('/work-orders', { category: 'plumbing', description: `水龙头漏水 ${++filed}`, houseId }, { token });

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    for (const k of Object.keys({
      deskA1: 0,
      deskA2: 0,
      deskB1: 0,
      adminA: 0,
      adminB: 0,
      supervisorA1: 0,
      techA1: 0,
    }) as Array<keyof typeof staff>) {
      staff[k] = await loginStaff(server, w.staff[k]);
    }
    resA1 = await loginResident(server, 'code-res-a1');
    // Log-ins are limited to 20 a minute per address: log each person in once.
    owner = await loginResident(server, 'code-new-owner');
    validator = await loginResident(server, 'code-new-validator');
    const order = await createOrder(resA1, w.houseA1.id);
    expect(order.status).toBe(201);
    orderOfHouseA1 = order.body.id;
  });

  afterAll(async () => {
    await server?.close();
  });

  describe('a new WeChat user who matches the registry', () => {
    let token: string;

    it('starts with no houses', async () => {
      token = owner;
      const me = await server.api.get('/me', { token });
      expect(me.body).toMatchObject({ role: 'resident', companyId: null });
      const houses = await server.api.get('/me/houses', { token });
      expect(houses.status).toBe(200);
      expect(houses.body).toEqual([]);
      const orders = await server.api.get('/work-orders', { token });
      expect(orders.body).toMatchObject({ items: [], total: 0 });
    });

    it("finds the house: communities of every company by name, the community's buildings, the building's houses", async () => {
      const all = await server.api.get(`/communities?q=${encodeURIComponent('小区')}`, { token });
      expect(all.status).toBe(200);
      expect(all.body.map((c: { id: number }) => c.id).sort()).toEqual([w.a1.id, w.a2.id, w.b1.id].sort());
      const one = await server.api.get('/communities?q=AA', { token });
      expect(one.body).toEqual([{ id: w.a1.id, name: '小区AA', address: '', servicePhone: null }]);
      const none = await server.api.get(`/communities?q=${encodeURIComponent('不存在')}`, { token });
      expect(none.body).toEqual([]);

      const buildings = await server.api.get(`/communities/${w.a1.id}/buildings`, { token });
      expect(buildings.status).toBe(200);
      expect(buildings.body.map((b: { id: number }) => b.id)).toEqual(
        expect.arrayContaining([w.houseA1.buildingId, w.houseA1b.buildingId]),
      );
      expect(buildings.body.map((b: { id: number }) => b.id)).not.toContain(w.houseA2.buildingId);

      const houses = await server.api.get(`/buildings/${w.houseA1.buildingId}/houses`, { token });
      expect(houses.status).toBe(200);
      expect(houses.body).toEqual([{ id: w.houseA1.id, label: w.houseA1.label, unit: '1单元', roomNo: '101' }]);

      const areas = await server.api.get(`/communities/${w.a1.id}/public-areas`, { token });
      expect(areas.body).toEqual([{ id: w.areaA1.id, name: '地下车库', buildingId: null }]);

      expect((await server.api.get('/communities/999999/buildings', { token })).status).toBe(404);
      expect((await server.api.get('/buildings/999999/houses', { token })).status).toBe(404);
      const tooLong = await server.api.get(`/communities?q=${'x'.repeat(51)}`, { token });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.details[0].field).toBe('q');
    });

    it("is verified at once when the proven phone is the registry owner's", async () => {
      const res = await bind(token, { houseId: w.houseA1.id, relation: 'owner', name: '王芳', phone: '13900001111' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        houseId: w.houseA1.id,
        houseLabel: w.houseA1.label,
        communityId: w.a1.id,
        communityName: '小区AA',
        relation: 'owner',
        status: 'verified',
      });
      const houses = await server.api.get('/me/houses', { token });
      expect(houses.body).toEqual([expect.objectContaining({ id: res.body.id, status: 'verified' })]);
    });

    it("then sees the house's orders and can report a repair", async () => {
      const old = await server.api.get(`/work-orders/${orderOfHouseA1}`, { token });
      expect(old.status).toBe(200);
      const created = await createOrder(token, w.houseA1.id);
      expect(created.status).toBe(201);
      expect(created.body.reporter.id).not.toBe(w.residents.resA1.id);
    });

    it('cannot ask for the same house twice', async () => {
      const again = await bind(token, { houseId: w.houseA1.id, relation: 'owner', name: '王芳', phone: '13900001111' });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('BINDING_EXISTS');
      const twice = await Promise.all([
        bind(token, { houseId: w.houseA2.id, relation: 'tenant', name: '王芳', phone: '13900001111' }),
        bind(token, { houseId: w.houseA2.id, relation: 'tenant', name: '王芳', phone: '13900001111' }),
      ]);
      expect(twice.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(twice.find((r) => r.status === 409)!.body.code).toBe('BINDING_EXISTS');
      const rows = await server.ds.getRepository(HouseBinding).countBy({ houseId: w.houseA2.id, phone: '13900001111' });
      expect(rows).toBe(1);
    });

    it('asks for a house that does not exist: 404', async () => {
      const res = await bind(token, { houseId: 999999, relation: 'owner', name: '王芳', phone: '13900001111' });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    });
  });

  describe('phone formats', () => {
    it('accepts +86 and 86 prefixes and a padded name, and matches the registry after normalising', async () => {
      const token = await loginResident(server, 'code-new-plus86');
      const res = await bind(token, {
        houseId: w.houseA1.id,
        relation: 'family',
        name: ' 王芳 ',
        phone: '+8613900001111',
      });
      expect(res.status).toBe(201);
      expect(res.body.status).toBe('verified');
      const row = await server.ds.getRepository(HouseBinding).findOneByOrFail({ id: res.body.id });
      expect(row).toMatchObject({ phone: '13900001111', name: '王芳' });
      const res2 = await bind(token, {
        houseId: w.houseA1b.id,
        relation: 'family',
        name: '王芳',
        phone: '8613900001111',
      });
      expect(res2.status).toBe(201);
      // houseA1b has no registry: nothing can match, so it waits for the desk.
      expect(res2.body.status).toBe('pending');
    });

    it.each([
      ['+86 139-0000-1111'],
      ['139 0000 1111'],
      ['139-0000-1111'],
      ['1390000111'],
      ['139000011112'],
      ['23900001111'],
      ['+8713900001111'],
      ['13900001111 '],
      [''],
    ])('refuses phone %j with VALIDATION_FAILED on phone', async (phone) => {
      const res = await bind(validator, { houseId: w.houseA1b.id, relation: 'owner', name: '王芳', phone });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['phone']);
    });

    it('lists every bad field and writes nothing', async () => {
      const token = validator;
      const before = await server.ds.getRepository(HouseBinding).count();
      const res = await bind(token, { houseId: 'x', relation: 'landlord', name: '', phone: '12345', extra: true });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'extra',
        'houseId',
        'name',
        'phone',
        'relation',
      ]);
      const missing = await bind(token, {});
      expect(missing.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'houseId',
        'name',
        'relation',
      ]);
      const relation = await bind(token, {
        houseId: w.houseA1b.id,
        relation: 'Owner',
        name: '王芳',
        phone: '13900001111',
      });
      expect(relation.body.details.map((d: { field: string }) => d.field)).toEqual(['relation']);
      expect(await server.ds.getRepository(HouseBinding).count()).toBe(before);
    });
  });

  describe('a resident who does not match the registry', () => {
    let token: string;
    let bindingId: number;

    it('is left pending', async () => {
      token = await loginResident(server, 'code-new-mismatch');
      const res = await bind(token, { houseId: w.houseA1.id, relation: 'tenant', name: '王芳', phone: '13900002222' });
      expect(res.status).toBe(201);
      expect(res.body.status).toBe('pending');
      bindingId = res.body.id;
    });

    it('cannot report a repair for that house, nor see or act on its orders', async () => {
      const created = await createOrder(token, w.houseA1.id);
      expect(created.status).toBe(404);
      expect(created.body.code).toBe('NOT_FOUND');
      const area = await server.api.post(
        '/work-orders',
        { category: 'plumbing', description: '车库漏水', publicAreaId: w.areaA1.id },
        { token },
      );
      expect(area.status).toBe(404);
      const list = await server.api.get('/work-orders', { token });
      expect(list.body).toMatchObject({ items: [], total: 0 });
      const byHouse = await server.api.get(`/work-orders?houseId=${w.houseA1.id}`, { token });
      expect(byHouse.body.total).toBe(0);
      const detail = await server.api.get(`/work-orders/${orderOfHouseA1}`, { token });
      expect(detail.status).toBe(404);
      const urge = await server.api.post(`/work-orders/${orderOfHouseA1}/transitions`, { action: 'urge' }, { token });
      expect(urge.status).toBe(404);
    });

    it('asking again for the same house is BINDING_EXISTS', async () => {
      const again = await bind(token, { houseId: w.houseA1.id, relation: 'owner', name: '王芳', phone: '13900001111' });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('BINDING_EXISTS');
      // Even with the right details now: the first request stands until the desk decides.
      const houses = await server.api.get('/me/houses', { token });
      expect(houses.body).toEqual([expect.objectContaining({ id: bindingId, status: 'pending' })]);
    });

    it("is in the review queue of a1's desk, supervisor and company admin only", async () => {
      expect(await pendingIds(staff.deskA1)).toContain(bindingId);
      expect(await pendingIds(staff.supervisorA1)).toContain(bindingId);
      expect(await pendingIds(staff.adminA)).toContain(bindingId);
      expect(await pendingIds(staff.deskA2)).not.toContain(bindingId);
      expect(await pendingIds(staff.deskB1)).not.toContain(bindingId);
      expect(await pendingIds(staff.adminB)).not.toContain(bindingId);
      const queue = await server.api.get('/house-bindings/pending', { token: staff.deskA1 });
      expect(queue.body.find((b: { id: number }) => b.id === bindingId)).toMatchObject({
        houseId: w.houseA1.id,
        communityId: w.a1.id,
        relation: 'tenant',
        status: 'pending',
        // The reviewer needs to know who asked, to call them or compare with the registry.
        applicant: { name: '王芳', phone: '13900002222' },
      });
      // The world's resident with a pending binding on houseA1 waits there too.
      const worldPending = await server.ds
        .getRepository(HouseBinding)
        .findOneByOrFail({ userId: w.residents.resPending.id });
      expect(await pendingIds(staff.deskA1)).toContain(worldPending.id);
    });

    it('cannot be reviewed by the desk of another community or company (404), nor by a technician or a resident (403)', async () => {
      for (const who of ['deskA2', 'deskB1', 'adminB'] as const) {
        const res = await review(staff[who], bindingId, 'verified');
        expect({ who, status: res.status, code: res.body.code }).toEqual({ who, status: 404, code: 'NOT_FOUND' });
      }
      const tech = await review(staff.techA1, bindingId, 'verified');
      expect(tech.status).toBe(403);
      expect(tech.body.code).toBe('FORBIDDEN');
      const self = await review(token, bindingId, 'verified');
      expect(self.status).toBe(403);
      expect(self.body.code).toBe('FORBIDDEN');
      const row = await server.ds.getRepository(HouseBinding).findOneByOrFail({ id: bindingId });
      expect(row).toMatchObject({ status: 'pending', reviewedById: null });
    });

    it('validates the decision and the id', async () => {
      const bad = await review(staff.deskA1, bindingId, 'approved');
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['decision']);
      const pending = await review(staff.deskA1, bindingId, 'pending');
      expect(pending.status).toBe(400);
      const missing = await review(staff.deskA1, 999999, 'verified');
      expect(missing.status).toBe(404);
      const notAnId = await server.api.post(
        '/house-bindings/abc/review',
        { decision: 'verified' },
        { token: staff.deskA1 },
      );
      expect(notAnId.status).toBe(400);
    });

    it("is verified by a1's desk, leaves the queue, and a second review is refused (409)", async () => {
      const res = await review(staff.deskA1, bindingId, 'verified');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: bindingId, status: 'verified', houseId: w.houseA1.id });
      const row = await server.ds.getRepository(HouseBinding).findOneByOrFail({ id: bindingId });
      expect(row.reviewedById).toBe(w.staff.deskA1.id);
      expect(row.reviewedAt).not.toBeNull();
      expect(await pendingIds(staff.deskA1)).not.toContain(bindingId);

      for (const [who, decision] of [
        ['deskA1', 'verified'],
        ['deskA1', 'rejected'],
        ['supervisorA1', 'rejected'],
      ] as const) {
        const again = await review(staff[who], bindingId, decision);
        expect({ who, decision, status: again.status, code: again.body.code }).toEqual({
          who,
          decision,
          status: 409,
          code: 'TRANSITION_NOT_ALLOWED',
        });
      }
      const still = await server.ds.getRepository(HouseBinding).findOneByOrFail({ id: bindingId });
      expect(still).toMatchObject({ status: 'verified', reviewedById: w.staff.deskA1.id });
    });

    it('then reports repairs for the house and sees its orders', async () => {
      const created = await createOrder(token, w.houseA1.id);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ houseId: w.houseA1.id, reporter: { id: created.body.reporter.id } });
      const old = await server.api.get(`/work-orders/${orderOfHouseA1}`, { token });
      expect(old.status).toBe(200);
      const list = await server.api.get('/work-orders?pageSize=100', { token });
      expect(list.body.items.map((o: { id: number }) => o.id)).toEqual(
        expect.arrayContaining([orderOfHouseA1, created.body.id]),
      );
      const houses = await server.api.get('/me/houses', { token });
      expect(houses.body).toEqual([expect.objectContaining({ id: bindingId, status: 'verified' })]);
    });
  });

  describe('two reviewers at once', () => {
    it('exactly one decision wins, the other is told it was already decided', async () => {
      const token = await loginResident(server, 'code-new-race');
      const asked = await bind(token, {
        houseId: w.houseA1b.id,
        relation: 'tenant',
        name: '韩梅梅',
        phone: '13600001234',
      });
      expect(asked.body.status).toBe('pending');
      const [a, b] = await Promise.all([
        review(staff.deskA1, asked.body.id, 'verified'),
        review(staff.supervisorA1, asked.body.id, 'rejected'),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const winner = a.status === 200 ? a : b;
      const loser = a.status === 200 ? b : a;
      expect(loser.body.code).toBe('TRANSITION_NOT_ALLOWED');
      const row = await server.ds.getRepository(HouseBinding).findOneByOrFail({ id: asked.body.id });
      expect(row.status).toBe(winner.body.status);
      expect(row.reviewedById).toBe(winner === a ? w.staff.deskA1.id : w.staff.supervisorA1.id);
    });
  });

  describe('a binding in another company', () => {
    let token: string;
    let bindingId: number;

    it("goes to that company's desk, which may reject it", async () => {
      token = await loginResident(server, 'code-new-rejected');
      const res = await bind(token, { houseId: w.houseB1.id, relation: 'owner', name: '李雷', phone: '13700009999' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'pending', communityId: w.b1.id });
      bindingId = res.body.id;
      expect(await pendingIds(staff.deskB1)).toContain(bindingId);
      expect(await pendingIds(staff.adminB)).toContain(bindingId);
      expect(await pendingIds(staff.deskA1)).not.toContain(bindingId);
      expect(await pendingIds(staff.adminA)).not.toContain(bindingId);
      for (const who of ['deskA1', 'adminA', 'supervisorA1'] as const) {
        const r = await review(staff[who], bindingId, 'verified');
        expect({ who, status: r.status }).toEqual({ who, status: 404 });
      }
      const rejected = await review(staff.adminB, bindingId, 'rejected');
      expect(rejected.status).toBe(200);
      expect(rejected.body.status).toBe('rejected');
      const again = await review(staff.deskB1, bindingId, 'verified');
      expect(again.status).toBe(409);
    });

    it('a rejected binding gives nothing', async () => {
      const houses = await server.api.get('/me/houses', { token });
      expect(houses.body).toEqual([expect.objectContaining({ id: bindingId, status: 'rejected' })]);
      const created = await createOrder(token, w.houseB1.id);
      expect(created.status).toBe(404);
      const list = await server.api.get('/work-orders', { token });
      expect(list.body.total).toBe(0);
    });
  });

  describe('roles', () => {
    it.each(['deskA1', 'techA1', 'adminA', 'supervisorA1'] as const)('%s calling /me/houses -> 403', async (who) => {
      const list = await server.api.get('/me/houses', { token: staff[who] });
      expect(list.status).toBe(403);
      expect(list.body.code).toBe('FORBIDDEN');
      const ask = await bind(staff[who], {
        houseId: w.houseA1.id,
        relation: 'owner',
        name: '王芳',
        phone: '13900001111',
      });
      expect(ask.status).toBe(403);
      expect(ask.body.code).toBe('FORBIDDEN');
    });

    it('a resident calling the desk routes -> 403', async () => {
      const list = await server.api.get('/house-bindings/pending', { token: resA1 });
      expect(list.status).toBe(403);
      expect(list.body.code).toBe('FORBIDDEN');
      const any = await server.ds.getRepository(HouseBinding).findOneByOrFail({ userId: w.residents.resPending.id });
      const decide = await review(resA1, any.id, 'verified');
      expect(decide.status).toBe(403);
      expect(decide.body.code).toBe('FORBIDDEN');
      expect((await server.ds.getRepository(HouseBinding).findOneByOrFail({ id: any.id })).status).toBe('pending');
    });

    it('a technician calling the desk routes -> 403', async () => {
      const list = await server.api.get('/house-bindings/pending', { token: staff.techA1 });
      expect(list.status).toBe(403);
    });
  });

  describe('community search', () => {
    it("staff search only their own company's communities", async () => {
      const a = await server.api.get(`/communities?q=${encodeURIComponent('小区')}`, { token: staff.deskB1 });
      expect(a.body.map((c: { id: number }) => c.id)).toEqual([w.b1.id]);
      const b = await server.api.get('/communities?q=AA', { token: staff.adminB });
      expect(b.body).toEqual([]);
    });

    it('treats % and _ in the query as plain characters', async () => {
      const token = owner;
      const underscore = await w.factory.community(w.companyB.id, 'Z_1');
      await w.factory.community(w.companyB.id, 'Z21');
      const percent = await w.factory.community(w.companyB.id, 'P%1');
      const ids = async (q: string) =>
        (await server.api.get(`/communities?q=${encodeURIComponent(q)}`, { token })).body.map(
          (c: { id: number }) => c.id,
        );
      // `_` must not match any one character (小区Z21), and must match itself (小区Z_1).
      expect(await ids('Z_1')).toEqual([underscore.id]);
      expect(await ids('P%1')).toEqual([percent.id]);
      expect(await ids('%')).toEqual([percent.id]);
    });
  });
});
