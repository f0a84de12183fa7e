import { createHmac, type KeyObject, randomBytes } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { buildWorld, loginResident, loginStaff, STAFF_PASSWORD, type World } from '../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../testing/test-server.js';
import { Category } from './categories/category.entity.js';
import { User } from './users/user.entities.js';
import { WorkOrder } from './work-orders/work-order.entities.js';

/**
 * Who may see and act on which order, over real HTTP, for every actor of the world.
 * The expectations are written out by hand from the product's visibility rules, not
 * computed: a resident sees orders they reported or of houses they are VERIFIED for;
 * a technician the orders assigned to them and the pool of the communities they serve;
 * desk and supervisor their company's orders in their communities; an admin their whole
 * company. Anything else is 404 NOT_FOUND, for reading and for acting alike.
 */

const ACTORS = [
  'adminA',
  'supervisorA1',
  'deskA1',
  'deskA2',
  'techA1',
  'techA1b',
  'techA2',
  'adminB',
  'deskB1',
  'techB1',
  'resA1',
  'resA1b',
  'resA2',
  'resPending',
  'resB1',
] as const;
type ActorName = (typeof ACTORS)[number];

/**
 * The five orders:
 * - oA1   houseA1 (a1), reported by resA1, submitted
 * - oA2   houseA2 (a2), reported by resA2, submitted
 * - oB1   houseB1 (b1, company B), reported by resB1, submitted
 * - oPool houseA1b (a1), reported by resA1b, pooled by deskA1
 * - oAsg  houseA1 (a1), reported by resA1, assigned by deskA1 to techA1
 */
const ORDERS = ['oA1', 'oA2', 'oB1', 'oPool', 'oAsg'] as const;
type OrderName = (typeof ORDERS)[number];

type Row = readonly [ActorName, number, number, number, number, number];

// GET /work-orders/:id — 200 visible, 404 not. The same orders, and only those, appear in GET /work-orders.
// prettier-ignore
const READ: Row[] = [
  //                 oA1  oA2  oB1  oPool oAsg
  ['adminA',        200, 200, 404, 200, 200],
  ['supervisorA1',  200, 404, 404, 200, 200],
  ['deskA1',        200, 404, 404, 200, 200],
  ['deskA2',        404, 200, 404, 404, 404],
  ['techA1',        404, 404, 404, 200, 200],
  ['techA1b',       404, 404, 404, 200, 404],
  ['techA2',        404, 404, 404, 404, 404],
  ['adminB',        404, 404, 200, 404, 404],
  ['deskB1',        404, 404, 200, 404, 404],
  ['techB1',        404, 404, 404, 404, 404],
  ['resA1',         200, 404, 404, 404, 200],
  ['resA1b',        404, 404, 404, 200, 404],
  ['resA2',         404, 200, 404, 404, 404],
  ['resPending',    404, 404, 404, 404, 404],
  ['resB1',         404, 404, 200, 404, 404],
];

// POST /work-orders/:id/transitions { action: 'urge' } — only the reporting (or verified) resident.
// prettier-ignore
const URGE: Row[] = [
  //                 oA1  oA2  oB1  oPool oAsg
  ['adminA',        403, 403, 404, 403, 403],
  ['supervisorA1',  403, 404, 404, 403, 403],
  ['deskA1',        403, 404, 404, 403, 403],
  ['deskA2',        404, 403, 404, 404, 404],
  ['techA1',        404, 404, 404, 403, 403],
  ['techA1b',       404, 404, 404, 403, 404],
  ['techA2',        404, 404, 404, 404, 404],
  ['adminB',        404, 404, 403, 404, 404],
  ['deskB1',        404, 404, 403, 404, 404],
  ['techB1',        404, 404, 404, 404, 404],
  ['resA1',         200, 404, 404, 404, 200],
  ['resA1b',        404, 404, 404, 200, 404],
  ['resA2',         404, 200, 404, 404, 404],
  ['resPending',    404, 404, 404, 404, 404],
  ['resB1',         404, 404, 200, 404, 404],
];

// { action: 'assign', assigneeId: <a technician of the order's community> } — desk, supervisor, admin.
// prettier-ignore
const ASSIGN: Row[] = [
  //                 oA1  oA2  oB1  oPool oAsg
  ['adminA',        200, 200, 404, 200, 200],
  ['supervisorA1',  200, 404, 404, 200, 200],
  ['deskA1',        200, 404, 404, 200, 200],
  ['deskA2',        404, 200, 404, 404, 404],
  ['techA1',        404, 404, 404, 403, 403],
  ['techA1b',       404, 404, 404, 403, 404],
  ['techA2',        404, 404, 404, 404, 404],
  ['adminB',        404, 404, 200, 404, 404],
  ['deskB1',        404, 404, 200, 404, 404],
  ['techB1',        404, 404, 404, 404, 404],
  ['resA1',         403, 404, 404, 404, 403],
  ['resA1b',        404, 404, 404, 403, 404],
  ['resA2',         404, 403, 404, 404, 404],
  ['resPending',    404, 404, 404, 404, 404],
  ['resB1',         404, 404, 403, 404, 404],
];

// { action: 'accept' } — only the assignee, only from `assigned`: 409 TRANSITION_NOT_ALLOWED elsewhere.
// prettier-ignore
const ACCEPT: Row[] = [
  //                 oA1  oA2  oB1  oPool oAsg
  ['adminA',        409, 409, 404, 409, 403],
  ['supervisorA1',  409, 404, 404, 409, 403],
  ['deskA1',        409, 404, 404, 409, 403],
  ['deskA2',        404, 409, 404, 404, 404],
  ['techA1',        404, 404, 404, 409, 200],
  ['techA1b',       404, 404, 404, 409, 404],
  ['techA2',        404, 404, 404, 404, 404],
  ['adminB',        404, 404, 409, 404, 404],
  ['deskB1',        404, 404, 409, 404, 404],
  ['techB1',        404, 404, 404, 404, 404],
  ['resA1',         409, 404, 404, 404, 403],
  ['resA1b',        404, 404, 404, 409, 404],
  ['resA2',         404, 409, 404, 404, 404],
  ['resPending',    404, 404, 404, 404, 404],
  ['resB1',         404, 404, 409, 404, 404],
];

// { action: 'grab' } on the pooled order — technicians serving a1 in company A.
// prettier-ignore
const GRAB_POOL: Array<readonly [ActorName, number]> = [
  ['adminA', 403], ['supervisorA1', 403], ['deskA1', 403], ['deskA2', 404],
  ['techA1', 200], ['techA1b', 200], ['techA2', 404],
  ['adminB', 404], ['deskB1', 404], ['techB1', 404],
  ['resA1', 404], ['resA1b', 403], ['resA2', 404], ['resPending', 404], ['resB1', 404],
];

const CODE_OF: Record<number, string> = { 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'TRANSITION_NOT_ALLOWED' };

function cells(table: Row[]): Array<[ActorName, OrderName, number]> {
  return table.flatMap(([actor, ...statuses]) =>
    ORDERS.map((o, i): [ActorName, OrderName, number] => [actor, o, statuses[i]]),
  );
}

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

function hs256(header: object, payload: object, secret: string | KeyObject): string {
  const head = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

describe(`access matrix over HTTP (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  const token = {} as Record<ActorName, string>;
  const id = {} as Record<OrderName, number>;
  /** Each order's row as built, restored after any transition that changed it. */
  let snapshot: WorkOrder[];
  let dirty = false;

  const userOf = (a: ActorName): User =>
    (w.staff as Record<string, User>)[a] ?? (w.residents as Record<string, User>)[a];
  const act = (who: ActorName, order: OrderName, body: object) =>
    server.api.post(`/work-orders/${id[order]}/transitions`, body, { token: token[who] });

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    for (const a of ACTORS) {
      token[a] = a.startsWith('res')
        ? await loginResident(server, `code-res-${a.slice(3).toLowerCase()}`)
        : await loginStaff(server, userOf(a));
    }
    const create = async (who: ActorName, houseId: number, description: string) => {
      const res = await server.api.post(
        '/work-orders',
        { category: 'plumbing', description, houseId },
        { token: token[who] },
      );
      expect(res.status).toBe(201);
      return res.body.id as number;
    };
    id.oA1 = await create('resA1', w.houseA1.id, 'A1 厨房漏水');
    id.oA2 = await create('resA2', w.houseA2.id, 'A2 卫生间漏水');
    id.oB1 = await create('resB1', w.houseB1.id, 'B1 阳台漏水');
    id.oPool = await create('resA1b', w.houseA1b.id, 'A1b 抢单池');
    id.oAsg = await create('resA1', w.houseA1.id, 'A1 已派单');
    const pooled = await act('deskA1', 'oPool', { action: 'pool' });
    expect(pooled.body.status).toBe('pooled');
    const assigned = await act('deskA1', 'oAsg', { action: 'assign', assigneeId: w.staff.techA1.id });
    expect(assigned.body).toMatchObject({ status: 'assigned', assignee: { id: w.staff.techA1.id } });
    snapshot = await server.ds.getRepository(WorkOrder).findBy(ORDERS.map((o) => ({ id: id[o] })));
    expect(snapshot).toHaveLength(5);
  });

  afterAll(async () => {
    await server?.close();
  });

  async function restore() {
    const repo = server.ds.getRepository(WorkOrder);
    for (const o of snapshot) {
      await repo.update(o.id, {
        status: o.status,
        assigneeId: o.assigneeId,
        urgeCount: o.urgeCount,
        version: o.version,
      });
    }
    dirty = false;
  }

  it('built the scene the tables assume', async () => {
    const rows = await server.ds.getRepository(WorkOrder).findBy(ORDERS.map((o) => ({ id: id[o] })));
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(ORDERS.map((o) => [o, byId.get(id[o])!.status, byId.get(id[o])!.assigneeId])).toEqual([
      ['oA1', 'submitted', null],
      ['oA2', 'submitted', null],
      ['oB1', 'submitted', null],
      ['oPool', 'pooled', null],
      ['oAsg', 'assigned', w.staff.techA1.id],
    ]);
  });

  describe('reading', () => {
    it.each(cells(READ))('%s GET %s -> %i', async (who, order, expected) => {
      const res = await server.api.get(`/work-orders/${id[order]}`, { token: token[who] });
      expect({ status: res.status, code: res.body?.code }).toEqual({
        status: expected,
        code: expected === 200 ? undefined : 'NOT_FOUND',
      });
      if (expected === 200) expect(res.body.id).toBe(id[order]);
    });

    it.each(cells(READ))('%s list shows %s: %i', async (who, order, expected) => {
      const res = await server.api.get('/work-orders?pageSize=100', { token: token[who] });
      expect(res.status).toBe(200);
      const ids = res.body.items.map((o: { id: number }) => o.id);
      expect({ order, listed: ids.includes(id[order]) }).toEqual({ order, listed: expected === 200 });
    });
  });

  describe('acting', () => {
    afterEach(async () => {
      if (dirty) await restore();
    });

    const check = (res: { status: number; body: any }, expected: number) => {
      if (res.status === 200) dirty = true;
      expect({ status: res.status, code: res.body?.code }).toEqual({ status: expected, code: CODE_OF[expected] });
    };

    it.each(cells(URGE))('%s urge %s -> %i', async (who, order, expected) => {
      const res = await act(who, order, { action: 'urge' });
      check(res, expected);
      if (expected === 200) expect(res.body.urgeCount).toBe(1);
    });

    const techFor: Record<OrderName, keyof World['staff']> = {
      oA1: 'techA1',
      oA2: 'techA2',
      oB1: 'techB1',
      oPool: 'techA1',
      oAsg: 'techA1',
    };
    it.each(cells(ASSIGN))('%s assign %s -> %i', async (who, order, expected) => {
      const assigneeId = w.staff[techFor[order]].id;
      const res = await act(who, order, { action: 'assign', assigneeId });
      check(res, expected);
      if (expected === 200) expect(res.body).toMatchObject({ status: 'assigned', assignee: { id: assigneeId } });
    });

    it.each(cells(ACCEPT))('%s accept %s -> %i', async (who, order, expected) => {
      const res = await act(who, order, { action: 'accept' });
      check(res, expected);
      if (expected === 200) expect(res.body.status).toBe('accepted');
    });

    it.each(GRAB_POOL)('%s grab oPool -> %i', async (who, expected) => {
      const res = await act(who, 'oPool', { action: 'grab' });
      check(res, expected);
      if (expected === 200) expect(res.body).toMatchObject({ status: 'accepted', assignee: { id: userOf(who).id } });
    });

    it('a refused action changes nothing', async () => {
      await restore();
      for (const who of ['adminB', 'deskB1', 'techB1', 'techA2', 'resPending', 'resA2'] as const) {
        await act(who, 'oA1', { action: 'cancel', reason: '不要了' });
        await act(who, 'oAsg', { action: 'assign', assigneeId: w.staff.techA1b.id });
      }
      const rows = await server.ds.getRepository(WorkOrder).findBy(ORDERS.map((o) => ({ id: id[o] })));
      expect(rows.map((r) => [r.id, r.status, r.assigneeId, r.version]).sort()).toEqual(
        snapshot.map((r) => [r.id, r.status, r.assigneeId, r.version]).sort(),
      );
    });
  });

  describe('across companies', () => {
    it("company B's staff cannot assign company A's order to their own technician", async () => {
      await restore();
      const eventsBefore = await server.ds.query('SELECT COUNT(*) AS n FROM work_order_event');
      for (const who of ['adminB', 'deskB1'] as const) {
        for (const order of ['oA1', 'oPool', 'oAsg'] as const) {
          const res = await act(who, order, { action: 'assign', assigneeId: w.staff.techB1.id });
          expect({ who, order, status: res.status, code: res.body.code }).toEqual({
            who,
            order,
            status: 404,
            code: 'NOT_FOUND',
          });
        }
      }
      const seen = await server.api.get(`/work-orders/${id.oA1}`, { token: token.adminA });
      expect(seen.body).toMatchObject({ status: 'submitted', assignee: null, version: 1 });
      const eventsAfter = await server.ds.query('SELECT COUNT(*) AS n FROM work_order_event');
      expect(Number(eventsAfter[0].n)).toBe(Number(eventsBefore[0].n));
    });

    it("company A's desk cannot hand its order to company B's technician", async () => {
      const res = await act('deskA1', 'oA1', { action: 'assign', assigneeId: w.staff.techB1.id });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'assigneeId' }] });
    });

    it('a resident cannot file an order for a house of another company or one they are not verified for', async () => {
      for (const [who, houseId] of [
        ['resA1', w.houseB1.id],
        ['resB1', w.houseA1.id],
        ['resPending', w.houseA1.id],
        ['resA1', w.houseA2.id],
      ] as const) {
        const res = await server.api.post(
          '/work-orders',
          { category: 'plumbing', description: 'x', houseId },
          { token: token[who] },
        );
        expect({ who, status: res.status, code: res.body.code }).toEqual({ who, status: 404, code: 'NOT_FOUND' });
      }
    });

    it("staff cannot file an order in another company's house or a community they do not serve", async () => {
      for (const [who, houseId] of [
        ['deskB1', w.houseA1.id],
        ['adminB', w.houseA1.id],
        ['deskA1', w.houseB1.id],
        ['deskA2', w.houseA1.id],
      ] as const) {
        const res = await server.api.post(
          '/work-orders',
          { category: 'plumbing', description: 'x', houseId },
          { token: token[who] },
        );
        expect({ who, status: res.status, code: res.body.code }).toEqual({ who, status: 404, code: 'NOT_FOUND' });
      }
    });

    it('a resident files a public-area order only in a community where they have a verified house', async () => {
      const body = { category: 'other', description: '车库灯坏了', publicAreaId: w.areaA1.id };
      for (const who of ['resB1', 'resA2', 'resPending'] as const) {
        const res = await server.api.post('/work-orders', body, { token: token[who] });
        expect({ who, status: res.status, code: res.body.code }).toEqual({ who, status: 404, code: 'NOT_FOUND' });
      }
      const ok = await server.api.post('/work-orders', body, { token: token.resA1b });
      expect(ok.status).toBe(201);
      expect((await server.api.get(`/work-orders/${ok.body.id}`, { token: token.resA1b })).status).toBe(200);
      // Another resident of the same community did not report it and has no house there: not theirs.
      expect((await server.api.get(`/work-orders/${ok.body.id}`, { token: token.resA1 })).status).toBe(404);
      expect((await server.api.get(`/work-orders/${ok.body.id}`, { token: token.deskA2 })).status).toBe(404);
      expect((await server.api.get(`/work-orders/${ok.body.id}`, { token: token.deskA1 })).status).toBe(200);
    });

    it('a technician files a staff-found order in a community they serve and gets it back (201)', async () => {
      const count = async () => Number((await server.ds.query('SELECT COUNT(*) AS n FROM work_order'))[0].n);
      const before = await count();
      const res = await server.api.post(
        '/work-orders',
        { category: 'electrical', description: '巡检发现：楼道灯不亮', publicAreaId: w.areaA1.id },
        { token: token.techA1 },
      );
      const after = await count();
      expect(after - before).toBe(1);
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 201, code: undefined });
      expect(res.body).toMatchObject({ channel: 'staff', status: 'submitted', communityId: w.a1.id });
      // A technician not serving the community cannot file there.
      const other = await server.api.post(
        '/work-orders',
        { category: 'electrical', description: 'x', publicAreaId: w.areaA1.id },
        { token: token.techA2 },
      );
      expect(other.status).toBe(404);
    });

    it('masks the reporter phone for a technician who is not the assignee, not for the desk', async () => {
      await restore();
      const pool = await server.api.get(`/work-orders/${id.oPool}`, { token: token.techA1b });
      expect(pool.body.reporter.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
      const desk = await server.api.get(`/work-orders/${id.oPool}`, { token: token.deskA1 });
      expect(desk.body.reporter.phone).toBe(w.residents.resA1b.phone);
      const assignee = await server.api.get(`/work-orders/${id.oAsg}`, { token: token.techA1 });
      expect(assignee.body.reporter.phone).toBe(w.residents.resA1.phone);
    });

    it("lists only the caller's company's categories", async () => {
      await server.ds.getRepository(Category).save([
        { companyId: w.companyA.id, code: 'gas', name: '燃气', sortOrder: 10 },
        { companyId: w.companyB.id, code: 'lift', name: '电梯', sortOrder: 10 },
      ]);
      const codes = async (who: ActorName, query = '') => {
        const res = await server.api.get(`/categories${query}`, { token: token[who] });
        expect(res.status).toBe(200);
        return res.body.map((c: { code: string }) => c.code).sort();
      };
      expect(await codes('adminB')).toEqual(['electrical', 'lift', 'other', 'plumbing']);
      expect(await codes('deskB1')).toEqual(['electrical', 'lift', 'other', 'plumbing']);
      expect(await codes('techB1')).toEqual(['electrical', 'lift', 'other', 'plumbing']);
      expect(await codes('adminA')).toEqual(['electrical', 'gas', 'other', 'plumbing']);
      expect(await codes('resB1')).toEqual(['electrical', 'lift', 'other', 'plumbing']);
      expect(await codes('resA1')).toEqual(['electrical', 'gas', 'other', 'plumbing']);
      // Asking for another company's community gives nothing, not its categories.
      expect(await codes('adminB', `?communityId=${w.a1.id}`)).toEqual([]);
      expect(await codes('deskA1', `?communityId=${w.b1.id}`)).toEqual([]);
    });

    it("staff see only their company's communities and cannot browse another's buildings", async () => {
      const names = async (who: ActorName) =>
        (await server.api.get('/communities', { token: token[who] })).body.map((c: { id: number }) => c.id).sort();
      expect(await names('adminB')).toEqual([w.b1.id]);
      expect(await names('deskA1')).toEqual([w.a1.id, w.a2.id].sort());
      const res = await server.api.get(`/communities/${w.a1.id}/buildings`, { token: token.deskB1 });
      expect(res.status).toBe(404);
      const houses = await server.api.get(`/buildings/${w.houseA1.buildingId}/houses`, { token: token.adminB });
      expect(houses.status).toBe(404);
    });
  });

  describe('authentication', () => {
    const PROTECTED: Array<[string, string]> = [
      ['GET', '/me'],
      ['GET', '/categories'],
      ['GET', '/communities'],
      ['GET', '/communities/1/buildings'],
      ['GET', '/communities/1/public-areas'],
      ['PUT', '/communities/1/service-phone'],
      ['GET', '/buildings/1/houses'],
      ['GET', '/me/houses'],
      ['POST', '/me/houses'],
      ['GET', '/house-bindings/pending'],
      ['POST', '/house-bindings/1/review'],
      ['POST', '/uploads'],
      ['GET', '/uploads/1'],
      ['GET', '/work-orders'],
      ['POST', '/work-orders'],
      ['GET', '/work-orders/1'],
      ['POST', '/work-orders/1/transitions'],
    ];

    it.each(PROTECTED)('%s %s without a token -> 401', async (method, path) => {
      const res = await server.api.request(method, path, method === 'POST' ? { body: {} } : {});
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });

    it.each(PROTECTED)('%s %s with a malformed Authorization header -> 401', async (method, path) => {
      for (const authorization of [
        'Bearer',
        'Bearer ',
        'Basic dXNlcjpwYXNz',
        `bearer ${token.adminA}`,
        `Token ${token.adminA}`,
        'Bearer a.b',
      ]) {
        const res = await server.api.request(method, path, {
          headers: { authorization },
          ...(method === 'POST' ? { body: {} } : {}),
        });
        expect({ authorization, status: res.status, code: res.body.code }).toEqual({
          authorization,
          status: 401,
          code: 'UNAUTHENTICATED',
        });
      }
    });

    it('answers the public routes without a token', async () => {
      expect((await server.api.get('/health')).status).toBe(200);
    });

    const rejects = async (bad: string) => {
      for (const path of ['/me', '/work-orders', `/work-orders/${id.oA1}`]) {
        const res = await server.api.get(path, { token: bad });
        expect({ path, status: res.status, code: res.body.code }).toEqual({
          path,
          status: 401,
          code: 'UNAUTHENTICATED',
        });
      }
    };

    it('accepts a genuine token (control for the forged ones below)', async () => {
      const res = await server.api.get(`/work-orders/${id.oA1}`, { token: token.adminA });
      expect(res.status).toBe(200);
      const minted = server.app.get(JwtService).sign({ sub: w.staff.adminA.id, role: 'admin' });
      expect((await server.api.get(`/work-orders/${id.oA1}`, { token: minted })).status).toBe(200);
    });

    it('refuses a token whose signature was changed by one character', async () => {
      const [h, p, s] = token.adminA.split('.');
      const i = Math.floor(s.length / 2);
      const swapped = s[i] === 'A' ? 'B' : 'A';
      await rejects(`${h}.${p}.${s.slice(0, i)}${swapped}${s.slice(i + 1)}`);
    });

    it('refuses a token whose payload was changed (another user id) under the old signature', async () => {
      const [h, , s] = token.resA1.split('.');
      const payload = b64url(
        JSON.stringify({ sub: w.staff.adminA.id, role: 'admin', iat: Math.floor(Date.now() / 1000) }),
      );
      await rejects(`${h}.${payload}.${s}`);
    });

    it('refuses a token signed with another secret', async () => {
      const now = Math.floor(Date.now() / 1000);
      await rejects(
        hs256(
          { alg: 'HS256', typ: 'JWT' },
          { sub: w.staff.adminA.id, role: 'admin', iat: now, exp: now + 3600 },
          randomBytes(32).toString('hex'),
        ),
      );
      await rejects(
        hs256({ alg: 'HS256', typ: 'JWT' }, { sub: w.staff.adminA.id, role: 'admin', iat: now, exp: now + 3600 }, ''),
      );
    });

    it('refuses an unsigned alg "none" token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const head = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify({ sub: w.staff.adminA.id, role: 'admin', iat: now }))}`;
      await rejects(`${head}.`);
      await rejects(`${head}.${b64url('x')}`);
      // The real signature of another token attached to an alg-none header.
      await rejects(`${head}.${token.adminA.split('.')[2]}`);
    });

    it('refuses a token with another algorithm (HS512 with a guessed secret)', async () => {
      const now = Math.floor(Date.now() / 1000);
      const head = `${b64url(JSON.stringify({ alg: 'HS512', typ: 'JWT' }))}.${b64url(JSON.stringify({ sub: w.staff.adminA.id, role: 'admin', iat: now }))}`;
      await rejects(`${head}.${createHmac('sha512', 'secret').update(head).digest('base64url')}`);
    });

    it('refuses an expired token signed with the right secret', async () => {
      const expired = server.app.get(JwtService).sign({ sub: w.staff.adminA.id, role: 'admin' }, { expiresIn: -10 });
      expect(JSON.parse(Buffer.from(expired.split('.')[1], 'base64url').toString()).exp).toBeLessThan(
        Date.now() / 1000,
      );
      await rejects(expired);
    });

    it('refuses a correctly signed token without an expiry (exp absent or not a number)', async () => {
      // The server's own key, as JwtModule holds it.
      const jwt: unknown = server.app.get(JwtService);
      const key = (jwt as { options: { secret: KeyObject } }).options.secret;
      const now = Math.floor(Date.now() / 1000);
      const head = { alg: 'HS256', typ: 'JWT' };
      const claims = { sub: w.staff.adminA.id, role: 'admin', iat: now };
      // Control: the same claims with an expiry, same key, are accepted.
      const control = hs256(head, { ...claims, exp: now + 3600 }, key);
      expect((await server.api.get(`/work-orders/${id.oA1}`, { token: control })).status).toBe(200);
      await rejects(hs256(head, claims, key));
      await rejects(hs256(head, { ...claims, exp: 'never' }, key));
      await rejects(hs256(head, { ...claims, exp: null }, key));
    });

    it('refuses a well-signed token for a user that does not exist or with a role the user does not have', async () => {
      const jwt = server.app.get(JwtService);
      await rejects(jwt.sign({ sub: 987654, role: 'admin' }));
      await rejects(jwt.sign({ sub: w.residents.resA1.id, role: 'admin' }));
      await rejects(jwt.sign({ sub: w.staff.deskA1.id, role: 'supervisor' }));
      await rejects(jwt.sign({ sub: 'abc', role: 'admin' }));
    });

    it('refuses the token of a deactivated staff member, and their next login', async () => {
      const desk = await w.factory.staff('desk', w.companyA.id, [w.a1.id]);
      const t = await loginStaff(server, desk);
      expect((await server.api.get(`/work-orders/${id.oA1}`, { token: t })).status).toBe(200);
      await server.ds.getRepository(User).update(desk.id, { active: false });
      await rejects(t);
      const again = await server.api.post('/auth/password', { username: desk.username, password: STAFF_PASSWORD });
      expect(again.status).toBe(401);
      expect(again.body.code).toBe('INVALID_CREDENTIALS');
    });

    it('refuses the token of a deactivated resident, and their next WeChat login', async () => {
      const resident = await w.factory.resident(server, 'code-deactivated', [{ id: w.houseA1.id }]);
      const t = server.app.get(JwtService).sign({ sub: resident.id, role: 'resident' });
      expect((await server.api.get(`/work-orders/${id.oA1}`, { token: t })).status).toBe(200);
      await server.ds.getRepository(User).update(resident.id, { active: false });
      await rejects(t);
      const again = await server.api.post('/auth/wechat', { code: 'code-deactivated' });
      expect(again.status).toBe(401);
    });
  });
});
