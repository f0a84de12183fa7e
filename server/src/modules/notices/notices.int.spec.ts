import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { In } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { withCompletionPhoto } from '../../testing/photos.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { AuditLog } from '../audit/audit-log.entity.js';
import { InspectionPoint } from '../inspections/inspection.entities.js';
import { DeliveryWorker } from '../notifications/delivery-worker.service.js';
import { Notification, NotificationDelivery } from '../notifications/notification.entities.js';
import { NotificationsRepository } from '../notifications/notifications.repository.js';
import { OutboxDispatcher } from '../notifications/outbox-dispatcher.service.js';
import { PublicArea } from '../places/place.entities.js';
import { Rating } from '../satisfaction/satisfaction.entities.js';
import { WorkOrderMerge, WorkOrderReporter } from '../work-orders/shared-fault.entities.js';
import { WorkOrder } from '../work-orders/work-order.entities.js';

const HOUR = 3600_000;

/** Issue 21 parts 3 and 4: QR reporting, notices and shared faults (docs/notices.md). */
describe(`QR reporting, notices and shared faults (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let clock: Clock;
  const t: Record<string, string> = {};
  let filed = 0;

  const iso = (offsetMs: number) => new Date(clock.now().getTime() + offsetMs).toISOString();
  const publish = (body: object, token = t.deskA1) =>
    server.api.post(
      '/notices',
      {
        communityId: w.a1.id,
        kind: 'water',
        title: '停水通知',
        body: '管道维修，请提前储水。',
        startsAt: iso(-HOUR),
        endsAt: iso(4 * HOUR),
        ...body,
      },
      { token },
    );
  const reportAtArea = (token: string, areaId = w.areaA1.id, description = `车库灯坏了 ${++filed}`) =>
    server.api.post('/work-orders', { category: 'electrical', description, publicAreaId: areaId }, { token });
  const join = (id: number, token: string) => server.api.post(`/work-orders/${id}/join`, {}, { token });
  const act = async (token: string, id: number, body: object) =>
    server.api.post(
      `/work-orders/${id}/transitions`,
      await withCompletionPhoto(server, token, body as { action: string }),
      { token },
    );
  const messagesOf = (userId: number) =>
    server.ds.getRepository(Notification).find({ where: { userId }, order: { id: 'ASC' } });

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    clock = server.app.get(Clock);
    // A neighbour of resA1 in the same community, another house.
    for (const code of ['a1', 'a1b', 'a2', 'b1', 'pending'])
      t[`res_${code}`] = await loginResident(server, `code-res-${code}`);
    for (const name of ['adminA', 'supervisorA1', 'deskA1', 'deskA2', 'techA1', 'adminB', 'deskB1'] as const) {
      t[name] = await loginStaff(server, w.staff[name]);
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  describe('notices', () => {
    it('lets desk, supervisors and admins of the community publish, validates, and changes nothing on refusal', async () => {
      expect((await publish({}, t.techA1)).status).toBe(403);
      expect((await publish({}, t.res_a1)).status).toBe(403);
      expect((await publish({}, t.deskA2)).status).toBe(404);
      expect((await publish({}, t.adminB)).status).toBe(404);
      const bad = [
        { kind: 'gas' },
        { title: '   ' },
        { endsAt: iso(-2 * HOUR), startsAt: iso(-3 * HOUR) },
        { endsAt: iso(-2 * HOUR) },
        { endsAt: iso(40 * 24 * HOUR) },
        { startsAt: '2026-12-08T10:00:00' },
        { buildingIds: [] },
        { buildingIds: [w.houseB1.buildingId] },
        { buildingIds: [1, 1] },
      ];
      const before = await server.ds.query('SELECT COUNT(*) AS n FROM notice');
      for (const body of bad) {
        const res = await publish(body);
        expect([JSON.stringify(body), res.status, res.body.code]).toEqual([
          JSON.stringify(body),
          400,
          'VALIDATION_FAILED',
        ]);
      }
      expect(await server.ds.query('SELECT COUNT(*) AS n FROM notice')).toEqual(before);
    });

    it('reaches the residents of the community or only of its buildings, on home and as a message', async () => {
      const b1 = w.houseA1.buildingId;
      const whole = await publish({ title: '全小区停电', kind: 'power' }, t.supervisorA1);
      expect(whole.status).toBe(201);
      expect(whole.body).toMatchObject({ state: 'current', buildingIds: null, recipients: 2 });
      const one = await publish({ title: '单栋停水', buildingIds: [b1] });
      expect(one.status).toBe(201);
      expect(one.body).toMatchObject({ recipients: 1, buildingIds: [b1] });

      const titles = async (token: string) =>
        ((await server.api.get('/notices', { token })).body as Array<{ title: string }>).map((n) => n.title).sort();
      expect(await titles(t.res_a1)).toEqual(['全小区停电', '单栋停水'].sort());
      expect(await titles(t.res_a1b)).toEqual(['全小区停电']);
      expect(await titles(t.res_a2)).toEqual([]);
      expect(await titles(t.res_b1)).toEqual([]);
      expect(await titles(t.res_pending)).toEqual([]);
      // Staff: their communities only.
      expect((await titles(t.deskA1)).length).toBeGreaterThanOrEqual(2);
      expect(await titles(t.deskA2)).toEqual([]);
      expect(await titles(t.adminB)).toEqual([]);

      const msgs = (await messagesOf(w.residents.resA1b.id)).filter((n) => n.type === 'notice');
      expect(msgs.map((n) => n.title)).toEqual(['【停电】全小区停电']);
      expect((await messagesOf(w.residents.resA2.id)).filter((n) => n.type === 'notice')).toEqual([]);
      const audit = await server.ds
        .getRepository(AuditLog)
        .findOneByOrFail({ entityType: 'notice', entityId: one.body.id });
      expect(audit.action).toBe('create');
    });

    it('ends by itself at the window end, or when staff end it (once)', async () => {
      const short = await publish({ title: '电梯维保', kind: 'elevator', endsAt: iso(HOUR) });
      expect(short.status).toBe(201);
      const has = async (token: string, title: string) =>
        ((await server.api.get('/notices', { token })).body as Array<{ title: string }>).some((n) => n.title === title);
      expect(await has(t.res_a1, '电梯维保')).toBe(true);
      clock.advance(HOUR + 1000);
      expect(await has(t.res_a1, '电梯维保')).toBe(false);
      const all = (await server.api.get('/notices?state=all', { token: t.deskA1 })).body as Array<{
        id: number;
        state: string;
      }>;
      expect(all.find((n) => n.id === short.body.id)?.state).toBe('ended');
      // Ended already: 409; another community's desk: 404.
      expect((await server.api.post(`/notices/${short.body.id}/end`, {}, { token: t.deskA1 })).status).toBe(409);

      const early = await publish({ title: '提前结束', endsAt: iso(5 * HOUR) });
      expect((await server.api.post(`/notices/${early.body.id}/end`, {}, { token: t.deskA2 })).status).toBe(404);
      const [first, second] = await Promise.all([
        server.api.post(`/notices/${early.body.id}/end`, {}, { token: t.deskA1 }),
        server.api.post(`/notices/${early.body.id}/end`, {}, { token: t.supervisorA1 }),
      ]);
      expect([first.status, second.status].sort()).toEqual([200, 409]);
      expect(await has(t.res_a1, '提前结束')).toBe(false);
    });
  });

  describe('QR codes', () => {
    it('resolves a public area for its residents, refuses another community clearly, and knows no unknown code', async () => {
      const ok = await server.api.get(`/qr/resolve?scene=${encodeURIComponent(`a=${w.areaA1.id}`)}`, {
        token: t.res_a1,
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ publicAreaId: w.areaA1.id, communityId: w.a1.id, name: w.areaA1.name });
      const foreign = await server.api.get(`/qr/resolve?scene=a%3D${w.areaA1.id}`, { token: t.res_b1 });
      expect([foreign.status, foreign.body.code]).toEqual([403, 'QR_FOREIGN_PLACE']);
      expect((await server.api.get(`/qr/resolve?scene=a%3D${w.areaA1.id}`, { token: t.res_pending })).status).toBe(403);
      for (const scene of ['a%3D999999', 'x%3D1', 'a%3D0', 'i%3DNOSUCHPOINT']) {
        const res = await server.api.get(`/qr/resolve?scene=${scene}`, { token: t.res_a1 });
        expect([scene, res.status, res.body.code]).toEqual([scene, 404, 'NOT_FOUND']);
      }
      expect((await server.api.get('/qr/resolve', { token: t.res_a1 })).status).toBe(400);
      // An inspection point's code: the resident reports at its public area, under its name.
      const point = await server.ds.getRepository(InspectionPoint).save({
        companyId: w.companyA.id,
        communityId: w.a1.id,
        buildingId: null,
        publicAreaId: w.areaA1.id,
        name: '1号泵房',
        code: 'ABCDEFGHJKMN',
        checklist: [],
        active: true,
      });
      const byPoint = await server.api.get('/qr/resolve?scene=i%3DABCDEFGHJKMN', { token: t.res_a1 });
      expect(byPoint.status).toBe(200);
      expect(byPoint.body).toMatchObject({ kind: 'point', name: '1号泵房', publicAreaId: w.areaA1.id });
      expect((await server.api.get('/qr/resolve?scene=i%3DABCDEFGHJKMN', { token: t.res_b1 })).body.code).toBe(
        'QR_FOREIGN_PLACE',
      );
      await server.ds.getRepository(InspectionPoint).update({ id: point.id }, { active: false });
      expect((await server.api.get('/qr/resolve?scene=i%3DABCDEFGHJKMN', { token: t.res_a1 })).status).toBe(404);
      await server.ds.getRepository(InspectionPoint).update({ id: point.id }, { active: true });
      expect((await server.api.get(`/qr/resolve?scene=a%3D${w.areaA1.id}`, { token: t.deskA1 })).status).toBe(403);
    });

    it('draws a PNG per area and a sheet per community for staff who serve it', async () => {
      const png = await fetch(`${server.api.baseUrl}/qr/public-areas/${w.areaA1.id}.png`, {
        headers: { authorization: `Bearer ${t.deskA1}` },
      });
      expect(png.status).toBe(200);
      expect(png.headers.get('content-type')).toBe('image/png');
      expect(
        Buffer.from(await png.arrayBuffer())
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
      expect((await server.api.get(`/qr/public-areas/${w.areaA1.id}.png`, { token: t.deskA2 })).status).toBe(404);
      expect((await server.api.get(`/qr/public-areas/${w.areaA1.id}.png`, { token: t.res_a1 })).status).toBe(403);

      const sheet = await server.api.get(`/qr/communities/${w.a1.id}/sheet`, { token: t.adminA });
      expect(sheet.status).toBe(200);
      const item = sheet.body.items.find((i: { id: number }) => i.id === w.areaA1.id);
      expect(item.scene).toBe(`a=${w.areaA1.id}`);
      expect(item.url).toMatch(new RegExp(`/h5/#/subpackages/orders/scan/index\\?scene=a%3D${w.areaA1.id}$`));
      expect(item.png).toMatch(/^data:image\/png;base64,/);
      expect(sheet.body.items.find((i: { kind: string }) => i.kind === 'point')).toMatchObject({
        name: '1号泵房',
        scene: 'i=ABCDEFGHJKMN',
      });
      expect((await server.api.get(`/qr/communities/${w.a1.id}/sheet`, { token: t.adminB })).status).toBe(404);
      // qrcode's first drawing loads and compiles its PNG encoder inside Jest's module system: slow under load.
    }, 90_000);
  });

  describe('shared faults', () => {
    it('shows current notices and open public-area orders where the resident is about to report', async () => {
      const first = await reportAtArea(t.res_a1);
      expect(first.status).toBe(201);
      const at = await server.api.get(`/notices/at?publicAreaId=${w.areaA1.id}`, { token: t.res_a1b });
      expect(at.status).toBe(200);
      expect(at.body.orders.map((o: { id: number }) => o.id)).toContain(first.body.id);
      expect(at.body.orders.find((o: { id: number }) => o.id === first.body.id)).toMatchObject({
        joined: false,
        reporters: 1,
      });
      // From a house: the community-wide areas too.
      const fromHouse = await server.api.get(`/notices/at?houseId=${w.houseA1b.id}`, { token: t.res_a1b });
      expect(fromHouse.body.orders.map((o: { id: number }) => o.id)).toContain(first.body.id);
      expect(fromHouse.body.notices.map((n: { title: string }) => n.title)).toContain('全小区停电');
      // Scoped: another community's resident, a house not theirs, bad input.
      expect((await server.api.get(`/notices/at?publicAreaId=${w.areaA1.id}`, { token: t.res_b1 })).status).toBe(404);
      expect((await server.api.get(`/notices/at?houseId=${w.houseA1.id}`, { token: t.res_a1b })).status).toBe(404);
      expect((await server.api.get('/notices/at', { token: t.res_a1b })).status).toBe(400);
    });

    it('joins once (idempotent), only in the resident’s community, and counts the order once', async () => {
      const order = (await reportAtArea(t.res_a1)).body;
      const ordersBefore = await server.ds.getRepository(WorkOrder).count();
      const [a, b] = await Promise.all([join(order.id, t.res_a1b), join(order.id, t.res_a1b)]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect([a.body.joined, b.body.joined].sort()).toEqual([false, true]);
      expect((await join(order.id, t.res_a1b)).body).toMatchObject({ joined: false, reporters: 2 });
      // The first reporter taps it too: nothing changes.
      expect((await join(order.id, t.res_a1)).body).toMatchObject({ joined: false, reporters: 2 });
      expect(await server.ds.getRepository(WorkOrderReporter).countBy({ workOrderId: order.id })).toBe(1);
      expect(await server.ds.getRepository(WorkOrder).count()).toBe(ordersBefore);
      // Another community's resident, staff, an unknown order: refused, nothing written.
      expect((await join(order.id, t.res_b1)).status).toBe(404);
      expect((await join(order.id, t.res_a2)).status).toBe(404);
      expect((await join(order.id, t.deskA1)).status).toBe(403);
      expect((await join(99999999, t.res_a1b)).status).toBe(404);
      // A house order is that household's: not joinable.
      const houseOrder = await server.api.post(
        '/work-orders',
        { category: 'plumbing', description: `厨房漏水 ${++filed}`, houseId: w.houseA1.id },
        { token: t.res_a1 },
      );
      expect((await join(houseOrder.body.id, t.res_a1b)).status).toBe(404);
      expect(await server.ds.getRepository(WorkOrderReporter).countBy({ workOrderId: order.id })).toBe(1);
      // The joined resident now sees the order; the list shows it once.
      expect((await server.api.get(`/work-orders/${order.id}`, { token: t.res_a1b })).status).toBe(200);
      const list = (await server.api.get('/work-orders?pageSize=100', { token: t.res_a1b })).body.items as Array<{
        id: number;
      }>;
      expect(list.filter((o) => o.id === order.id)).toHaveLength(1);
    });

    it('tells every reporter of progress, and each one rates once', async () => {
      const order = (await reportAtArea(t.res_a1)).body;
      expect((await join(order.id, t.res_a1b)).body.joined).toBe(true);
      expect((await act(t.deskA1, order.id, { action: 'assign', assigneeId: w.staff.techA1.id })).status).toBe(200);
      // Joined before completion, rating is refused until the work is done.
      expect(
        (await server.api.post(`/work-orders/${order.id}/rating`, { stars: 5 }, { token: t.res_a1b })).status,
      ).toBe(409);
      for (const action of ['accept', 'arrive', 'complete']) {
        expect([action, (await act(t.techA1, order.id, { action })).status]).toEqual([action, 200]);
      }
      await server.app.get(OutboxDispatcher).dispatch(clock.now());
      const heard = async (userId: number) =>
        (await messagesOf(userId)).filter((n) => n.workOrderId === order.id).map((n) => n.title);
      expect(await heard(w.residents.resA1.id)).toEqual(
        expect.arrayContaining(['师傅已接单', '维修已完成，请确认并评价']),
      );
      expect(await heard(w.residents.resA1b.id)).toEqual(
        expect.arrayContaining(['师傅已接单', '维修已完成，请确认并评价']),
      );

      // The joined reporter rates: counted, the order stays completed (only the first reporter closes it).
      const r2 = await server.api.post(
        `/work-orders/${order.id}/rating`,
        { stars: 2, reopen: true },
        { token: t.res_a1b },
      );
      expect([r2.status, r2.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      const ok2 = await server.api.post(`/work-orders/${order.id}/rating`, { stars: 2 }, { token: t.res_a1b });
      expect(ok2.status).toBe(201);
      expect(ok2.body).toMatchObject({ orderStatus: 'completed', followUpOpened: false });
      expect(
        (await server.api.post(`/work-orders/${order.id}/rating`, { stars: 3 }, { token: t.res_a1b })).status,
      ).toBe(409);
      const ok1 = await server.api.post(`/work-orders/${order.id}/rating`, { stars: 5 }, { token: t.res_a1 });
      expect(ok1.status).toBe(201);
      expect(ok1.body.orderStatus).toBe('closed');
      const ratings = await server.ds
        .getRepository(Rating)
        .find({ where: { workOrderId: order.id }, order: { id: 'ASC' } });
      expect(ratings.map((r) => [r.raterId, r.stars])).toEqual([
        [w.residents.resA1b.id, 2],
        [w.residents.resA1.id, 5],
      ]);
      // Each sees their own rating; staff the first reporter's.
      expect((await server.api.get(`/work-orders/${order.id}/rating`, { token: t.res_a1b })).body.stars).toBe(2);
      expect((await server.api.get(`/work-orders/${order.id}/rating`, { token: t.deskA1 })).body.stars).toBe(5);
      // Once closed, nobody joins it any more (who joined before keeps their place).
      expect((await join(order.id, t.res_a1b)).body.joined).toBe(false);
      const late = await join(order.id, t.res_a2);
      expect(late.status).toBe(404);
      await server.ds.getRepository(WorkOrderReporter).delete({ workOrderId: order.id });
      const closed = await join(order.id, t.res_a1b);
      expect([closed.status, closed.body.code]).toEqual([409, 'TRANSITION_NOT_ALLOWED']);
    });

    it('merges a duplicate into a survivor: reporters move, the duplicate ends cancelled with a link, audited', async () => {
      const survivor = (await reportAtArea(t.res_a1)).body;
      const dup = (await reportAtArea(t.res_a1b, w.areaA1.id, `车库灯不亮 ${++filed}`)).body;
      expect(
        (await server.api.post(`/work-orders/${dup.id}/merge`, { intoId: survivor.id }, { token: t.techA1 })).status,
      ).toBe(403);
      expect(
        (await server.api.post(`/work-orders/${dup.id}/merge`, { intoId: survivor.id }, { token: t.deskA2 })).status,
      ).toBe(404);
      expect(
        (await server.api.post(`/work-orders/${dup.id}/merge`, { intoId: dup.id }, { token: t.deskA1 })).status,
      ).toBe(400);
      expect((await server.api.post(`/work-orders/${dup.id}/merge`, { intoId: 'x' }, { token: t.deskA1 })).status).toBe(
        400,
      );
      const res = await server.api.post(`/work-orders/${dup.id}/merge`, { intoId: survivor.id }, { token: t.deskA1 });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ survivorId: survivor.id, duplicateId: dup.id, movedReporters: 1 });
      const ended = await server.ds.getRepository(WorkOrder).findOneByOrFail({ id: dup.id });
      expect(ended.status).toBe('cancelled');
      const detail = (await server.api.get(`/work-orders/${dup.id}`, { token: t.deskA1 })).body;
      const cancel = detail.timeline.find((e: { action: string }) => e.action === 'cancel');
      expect(cancel.note).toContain(survivor.no);
      expect(await server.ds.getRepository(WorkOrderReporter).findBy({ workOrderId: survivor.id })).toEqual([
        expect.objectContaining({ userId: w.residents.resA1b.id, source: 'merge' }),
      ]);
      const audit = await server.ds
        .getRepository(AuditLog)
        .findOneByOrFail({ entityType: 'work_order_merge', entityId: dup.id });
      expect(audit.action).toBe('merge');
      // The duplicate's reporter still sees the survivor.
      expect((await server.api.get(`/work-orders/${survivor.id}`, { token: t.res_a1b })).status).toBe(200);
      // Merged once: a second merge of it is refused.
      expect(
        (await server.api.post(`/work-orders/${dup.id}/merge`, { intoId: survivor.id }, { token: t.deskA1 })).status,
      ).toBe(409);
    });

    it('has one winner when two desks merge at once, even crosswise', async () => {
      for (let round = 0; round < 3; round++) {
        const x = (await reportAtArea(t.res_a1)).body;
        const y = (await reportAtArea(t.res_a1b, w.areaA1.id, `车库灯闪 ${++filed}`)).body;
        const [a, b] = await Promise.all([
          server.api.post(`/work-orders/${x.id}/merge`, { intoId: y.id }, { token: t.deskA1 }),
          server.api.post(`/work-orders/${y.id}/merge`, { intoId: x.id }, { token: t.supervisorA1 }),
        ]);
        expect([a.status, b.status].sort()).toEqual([200, 409]);
        const rows = await server.ds.getRepository(WorkOrder).findBy([{ id: x.id }, { id: y.id }]);
        expect(rows.map((o) => o.status).filter((s) => s === 'cancelled')).toHaveLength(1);
        const merges = await server.ds
          .getRepository(WorkOrderMerge)
          .findBy([{ duplicateId: x.id }, { duplicateId: y.id }]);
        expect(merges).toHaveLength(1);
      }
    });

    it('does not offer a public area of another community', async () => {
      const areaA2 = await server.ds
        .getRepository(PublicArea)
        .save({ communityId: w.a2.id, name: '泵房', buildingId: null });
      expect((await server.api.get(`/notices/at?publicAreaId=${areaA2.id}`, { token: t.res_a1 })).status).toBe(404);
    });
  });
});

/** A notice goes by WeChat where the resident granted a send, and never by SMS (docs/notices.md). */
describe(`notice messages with SMS on (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;

  beforeAll(async () => {
    server = await startTestServer({ env: { LINLI_SMS: 'log' } });
    w = await buildWorld(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('spends a granted subscribe message, skips the others and sends no SMS', async () => {
    const template = server.config.notifications.orderTemplateId;
    // resA1 granted one send (in the app and at WeChat); resA1b granted none.
    const openid = server.fake.openidFor('code-res-a1');
    server.fake.grantSubscription(openid, template);
    await server.app.get(NotificationsRepository).addSubscription(w.residents.resA1.id, template);
    const desk = await loginStaff(server, w.staff.deskA1);
    const now = Date.now();
    const res = await server.api.post(
      '/notices',
      {
        communityId: w.a1.id,
        kind: 'power',
        title: '全小区停电',
        body: '线路检修',
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + 4 * 3600_000).toISOString(),
      },
      { token: desk },
    );
    expect(res.status).toBe(201);
    const worker = server.app.get(DeliveryWorker);
    await worker.deliver(new Date());
    await worker.deliver(new Date());
    const notes = await server.ds.getRepository(Notification).findBy({ type: 'notice' });
    const deliveries = await server.ds
      .getRepository(NotificationDelivery)
      .findBy({ notificationId: In(notes.map((n) => n.id)) });
    const of = (userId: number) => deliveries.filter((d) => d.userId === userId).map((d) => [d.channel, d.status]);
    expect(of(w.residents.resA1.id)).toEqual([['wechat', 'sent']]);
    expect(of(w.residents.resA1b.id)).toEqual([['wechat', 'skipped']]);
    expect(deliveries.filter((d) => d.channel === 'sms')).toEqual([]);
    expect(server.fake.sentMessages().filter((m) => m.touser === openid)).toHaveLength(1);
  });
});
