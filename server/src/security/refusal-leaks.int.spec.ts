import { buildWorld, loginResident, loginStaff, type World } from '../testing/factories.js';
import { MemoryRateLimitStore, RATE_LIMIT_STORE } from '../common/rate-limit.js';
import { startTestServer, TEST_DB, type TestServer } from '../testing/test-server.js';
import { HouseBinding } from '../modules/residents/house-binding.entity.js';
import { FollowUp } from '../modules/satisfaction/satisfaction.entities.js';
import { Upload } from '../modules/uploads/upload.entity.js';
import { WorkOrder } from '../modules/work-orders/work-order.entities.js';

/**
 * A refusal about a record the caller cannot read says nothing about it: the answer is the one
 * a nonexistent id gets, byte for byte apart from the request id (no status, no assignee, no
 * other message). Only a caller who can read the record hears why (403 / 409 with details).
 *
 * Every route that takes an order id (and the follow-up, photo, house and binding ids that hang
 * off orders and houses) is tried by callers who cannot read the record, in every status that
 * matters, with every action, and with a stale version.
 */

const MISSING = 99_999_999;

const FOREIGN = [
  'resA1b',
  'resA2',
  'resPending',
  'resB1',
  'techA1b',
  'techA2',
  'techB1',
  'deskA2',
  'deskB1',
  'adminB',
] as const;
type Caller = (typeof FOREIGN)[number] | 'resA1' | 'techA1' | 'deskA1';

/** Orders of houseA1 (community a1, company A), reported by resA1, in these statuses, assigned to techA1. */
const STATUSES = [
  'submitted',
  'assigned',
  'accepted',
  'in_progress',
  'paused',
  'quoted',
  'completed',
  'closed',
] as const;

function transitionBodies(w: World): Array<Record<string, unknown>> {
  const base: Array<Record<string, unknown>> = [
    { action: 'urge' },
    { action: 'cancel', reason: '不要了' },
    { action: 'assign', assigneeId: w.staff.techA1b.id },
    { action: 'pool' },
    { action: 'accept' },
    { action: 'decline', reason: '忙' },
    { action: 'grab' },
    { action: 'transfer', assigneeId: w.staff.techA1b.id, reason: '换人' },
    { action: 'depart' },
    { action: 'arrive' },
    { action: 'pause', pauseReason: 'waiting_parts' },
    { action: 'resume' },
    {
      action: 'quote',
      quoteItems: [{ kind: 'labour', name: '换阀门', unit: '项', quantity: 1, unitPriceFen: 5000, reason: '标准外' }],
    },
    { action: 'approve_quote' },
    { action: 'reject_quote', reason: '太贵' },
    { action: 'complete' },
    { action: 'confirm' },
    { action: 'reopen', reason: '没修好' },
  ];
  // The same with a stale version: VERSION_CONFLICT must not answer before visibility does.
  return [...base, ...base.map((b) => ({ ...b, version: 42 }))];
}

const strip = (res: { status: number; body: any }) => {
  const { requestId, ...rest } = (res.body ?? {}) as Record<string, unknown>;
  return { status: res.status, body: JSON.stringify(rest), hasRequestId: typeof requestId === 'string' };
};

describe(`refusals reveal nothing about records the caller cannot read (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  const token = {} as Record<Caller, string>;
  const orderIn = {} as Record<(typeof STATUSES)[number], number>;
  let followUpId: number;
  let uploadId: number;
  let bindingId: number;

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    for (const a of [...FOREIGN, 'resA1', 'techA1', 'deskA1'] satisfies Caller[]) {
      token[a] = a.startsWith('res')
        ? await loginResident(server, `code-res-${a.slice(3).toLowerCase()}`)
        : await loginStaff(server, (w.staff as Record<string, { username: string | null }>)[a]);
    }
    const repo = server.ds.getRepository(WorkOrder);
    for (const status of STATUSES) {
      const res = await server.api.post(
        '/work-orders',
        { category: 'plumbing', description: `漏水 ${status}`, houseId: w.houseA1.id },
        { token: token.resA1 },
      );
      expect(res.status).toBe(201);
      orderIn[status] = res.body.id;
      if (status !== 'submitted') {
        await repo.update(res.body.id, {
          status,
          assigneeId: w.staff.techA1.id,
          quoteItems:
            status === 'quoted'
              ? [
                  {
                    priceItemId: null,
                    kind: 'labour',
                    name: '换阀门',
                    unit: '项',
                    quantity: 1,
                    unitPriceFen: 5000,
                    listPriceFen: null,
                    amountFen: 5000,
                    flag: 'off_list',
                    reason: '标准外',
                  },
                ]
              : null,
          quoteTotalFen: status === 'quoted' ? 5000 : null,
          quoteState: status === 'quoted' ? 'resident' : null,
          completedAt: status === 'completed' || status === 'closed' ? new Date() : null,
        });
      }
    }
    const followUp = await server.ds.getRepository(FollowUp).save({
      workOrderId: orderIn.completed,
      companyId: w.companyA.id,
      communityId: w.a1.id,
      reason: 'low_rating',
      status: 'open',
      assigneeId: null,
      dueAt: new Date(Date.now() + 86_400_000),
    } as Partial<FollowUp>);
    followUpId = followUp.id;
    const upload = await server.ds.getRepository(Upload).save({
      ownerId: w.residents.resA1.id,
      storageKey: 'none',
      mime: 'image/png',
      size: 1,
      width: 1,
      height: 1,
      sha256: '0'.repeat(64),
    });
    uploadId = upload.id;
    await repo.update(orderIn.submitted, { photoIds: [uploadId] });
    bindingId = (await server.ds.getRepository(HouseBinding).findOneByOrFail({ userId: w.residents.resPending.id })).id;
  });

  afterAll(async () => {
    await server?.close();
  });

  async function restore() {
    // Nothing a foreign caller sends may change an order; check and keep it that way.
    const rows = await server.ds.getRepository(WorkOrder).findBy(STATUSES.map((s) => ({ id: orderIn[s] })));
    expect(rows.map((r) => [r.status, r.version, r.urgeCount]).sort()).toEqual(STATUSES.map((s) => [s, 1, 0]).sort());
  }

  /** The caller's answer on the real id must be their answer on an id that does not exist. */
  async function same(
    who: Caller,
    method: 'GET' | 'POST',
    path: (id: number) => string,
    id: number,
    body?: unknown,
  ): Promise<void> {
    const send = (i: number) =>
      server.api.request(method, path(i), { token: token[who], ...(body === undefined ? {} : { body }) });
    // The suite sends hundreds of requests from one address: start each pair in a fresh window
    // so both answers come from the route, not from the rate limit.
    server.app.get<MemoryRateLimitStore>(RATE_LIMIT_STORE).clear();
    const real = strip(await send(id));
    const missing = strip(await send(MISSING));
    expect(JSON.parse(real.body).code).not.toBe('RATE_LIMITED');
    expect({ who, path: path(id), sent: body, ...real }).toEqual({ who, path: path(id), sent: body, ...missing });
    expect(real.status).not.toBe(200);
    expect(real.status).not.toBe(201);
  }

  it('checks the scene: the owners can read what the foreign callers cannot', async () => {
    for (const s of STATUSES) {
      expect((await server.api.get(`/work-orders/${orderIn[s]}`, { token: token.resA1 })).status).toBe(200);
      expect((await server.api.get(`/work-orders/${orderIn[s]}`, { token: token.deskA1 })).status).toBe(200);
    }
    expect((await server.api.get(`/uploads/${uploadId}`, { token: token.resA1 })).status).toBe(200);
  });

  // The grab leak: a technician of the community may grab pooled orders there, but an order
  // assigned to a colleague is not theirs to read.
  it.each(FOREIGN)('%s: every action on every order it cannot read answers as for a missing id', async (who) => {
    for (const status of STATUSES) {
      for (const body of transitionBodies(w)) {
        await same(who, 'POST', (i) => `/work-orders/${i}/transitions`, orderIn[status], body);
      }
    }
    await restore();
  });

  it.each(FOREIGN)('%s: the order sub-resources answer as for a missing id', async (who) => {
    for (const status of STATUSES) {
      const id = orderIn[status];
      await same(who, 'GET', (i) => `/work-orders/${i}`, id);
      await same(who, 'POST', (i) => `/work-orders/${i}/rating`, id, { stars: 1, fixed: false });
      await same(who, 'POST', (i) => `/work-orders/${i}/rating`, id, { stars: 5 });
      await same(who, 'GET', (i) => `/work-orders/${i}/rating`, id);
      await same(who, 'GET', (i) => `/work-orders/${i}/routing`, id);
      await same(who, 'GET', (i) => `/work-orders/${i}/routing/explain`, id);
      await same(who, 'GET', (i) => `/work-orders/${i}/sla`, id);
    }
    await restore();
  });

  it.each(FOREIGN)('%s: follow-ups, photos, houses and bindings it cannot read answer as missing ones', async (who) => {
    const complete = { channel: 'phone', reached: true, outcome: '已回访', stars: 4 };
    await same(who, 'POST', (i) => `/follow-ups/${i}/complete`, followUpId, complete);
    await same(who, 'GET', (i) => `/uploads/${i}`, uploadId);
    await same(who, 'GET', (i) => `/staff/desk/house-residents?houseId=${i}`, w.houseA1.id);
    await same(who, 'POST', (i) => `/house-bindings/${i}/review`, bindingId, { decision: 'verified' });
    const follow = await server.ds.getRepository(FollowUp).findOneByOrFail({ id: followUpId });
    expect(follow.status).toBe('open');
    const binding = await server.ds.getRepository(HouseBinding).findOneByOrFail({ id: bindingId });
    expect(binding.status).toBe('pending');
  });

  it('the loser of a grab hears who won; a technician who never saw it in the pool does not', async () => {
    const created = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '抢单', houseId: w.houseA1.id },
      { token: token.resA1 },
    );
    const pool = await server.api.post(
      `/work-orders/${created.body.id}/transitions`,
      { action: 'pool' },
      { token: token.deskA1 },
    );
    expect(pool.body.status).toBe('pooled');
    const won = await server.api.post(
      `/work-orders/${created.body.id}/transitions`,
      { action: 'grab' },
      { token: token.techA1 },
    );
    expect(won.status).toBe(200);
    const lost = await server.api.post(
      `/work-orders/${created.body.id}/transitions`,
      { action: 'grab', version: pool.body.version },
      { token: token.techA1b },
    );
    expect(lost.status).toBe(409);
    expect(lost.body).toMatchObject({
      code: 'VERSION_CONFLICT',
      details: { status: 'accepted', assignee: { id: w.staff.techA1.id, name: w.staff.techA1.name } },
    });
    // Not a grab, or not a technician of the community: nothing about the order.
    await same('techA1b', 'POST', (i) => `/work-orders/${i}/transitions`, created.body.id, { action: 'accept' });
    await same('techA2', 'POST', (i) => `/work-orders/${i}/transitions`, created.body.id, { action: 'grab' });
    await same('techB1', 'POST', (i) => `/work-orders/${i}/transitions`, created.body.id, { action: 'grab' });
    // Once it changes hands another way (the desk reassigns it), the grab is history: 404.
    const moved = await server.api.post(
      `/work-orders/${created.body.id}/transitions`,
      { action: 'assign', assigneeId: w.staff.techA1.id },
      { token: token.deskA1 },
    );
    expect(moved.status).toBe(200);
    await same('techA1b', 'POST', (i) => `/work-orders/${i}/transitions`, created.body.id, { action: 'grab' });
  });

  it('a caller who can read the order still hears why it is refused (control)', async () => {
    // The reporter may not accept: 403 with the status; the assignee with a stale version: 409 with it.
    const forbidden = await server.api.post(
      `/work-orders/${orderIn.assigned}/transitions`,
      { action: 'accept' },
      { token: token.resA1 },
    );
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ code: 'FORBIDDEN', details: { status: 'assigned' } });
    const stale = await server.api.post(
      `/work-orders/${orderIn.assigned}/transitions`,
      { action: 'accept', version: 42 },
      { token: token.techA1 },
    );
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'VERSION_CONFLICT', details: { status: 'assigned', currentVersion: 1 } });
    const missing = await server.api.post(
      `/work-orders/${MISSING}/transitions`,
      { action: 'accept' },
      { token: token.techA1 },
    );
    expect(missing.status).toBe(404);
    expect(Object.keys(missing.body).sort()).toEqual(['code', 'message', 'requestId']);
  });
});
