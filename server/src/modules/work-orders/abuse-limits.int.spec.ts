import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DUPLICATE_WINDOW_MINUTES, URGE_COOLDOWN_MINUTES } from '@linli/shared';
import { Clock } from '../../common/clock.js';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { Notification, OutboxEvent } from '../notifications/notification.entities.js';
import { OutboxDispatcher } from '../notifications/outbox-dispatcher.service.js';

const MINUTE = 60_000;

describe(`abuse limits on orders over HTTP (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let resident: string;
  let desk: string;
  let n = 0;

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    resident = await loginResident(server, 'code-res-a1');
    desk = await loginStaff(server, w.staff.deskA1);
  });
  afterAll(async () => {
    await server?.close();
  });

  const create = (token: string, body: object, key?: string) =>
    server.api.post('/work-orders', body, { token, headers: key ? { 'Idempotency-Key': key } : {} });
  const act = (token: string, id: number, body: object) =>
    server.api.post(`/work-orders/${id}/transitions`, body, { token });
  const count = async (table: string) => Number((await server.ds.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  const advance = (ms: number) => server.app.get(Clock).advance(ms);
  /** An order assigned to techA1, with a description no other test uses. */
  async function assignedOrder(): Promise<number> {
    const created = await create(resident, {
      category: 'plumbing',
      description: `催单测试 ${++n}`,
      houseId: w.houseA1.id,
    });
    expect(created.status).toBe(201);
    const assigned = await act(desk, created.body.id, { action: 'assign', assigneeId: w.staff.techA1.id });
    expect(assigned.status).toBe(200);
    return created.body.id;
  }
  const urgeNotes = (workOrderId: number) =>
    server.ds.getRepository(Notification).find({ where: { workOrderId, type: 'order.urge' }, order: { id: 'ASC' } });

  describe('urge', () => {
    it('accepts one urge per order per cooldown; a refused one answers URGE_TOO_SOON and changes nothing', async () => {
      const id = await assignedOrder();
      const first = await act(resident, id, { action: 'urge' });
      expect(first.status).toBe(200);
      expect(first.body.urgeCount).toBe(1);
      const next = Date.parse(first.body.nextUrgeAt);
      expect(next - Date.parse(first.body.updatedAt)).toBe(URGE_COOLDOWN_MINUTES * MINUTE);

      await server.app.get(OutboxDispatcher).dispatch(server.app.get(Clock).now());
      const eventsBefore = await count('outbox_event');
      const version = first.body.version;
      const again = await act(resident, id, { action: 'urge' });
      expect(again.status).toBe(429);
      expect(again.body.code).toBe('URGE_TOO_SOON');
      expect(again.body.details.nextUrgeAt).toBe(first.body.nextUrgeAt);
      expect(again.body.details.retryAfterSeconds).toBeGreaterThan(URGE_COOLDOWN_MINUTES * 60 - 30);
      expect(again.body.details.retryAfterSeconds).toBeLessThanOrEqual(URGE_COOLDOWN_MINUTES * 60);
      expect(await count('outbox_event')).toBe(eventsBefore);
      const detail = await server.api.get(`/work-orders/${id}`, { token: resident });
      expect(detail.body).toMatchObject({ urgeCount: 1, version, nextUrgeAt: first.body.nextUrgeAt });
      expect(detail.body.timeline.filter((e: { action: string }) => e.action === 'urge')).toHaveLength(1);
      // Only the first urge told anyone: the technician.
      expect((await urgeNotes(id)).map((x) => x.userId)).toEqual([w.staff.techA1.id]);
    });

    it('escalates the second accepted urge to the supervisors and shows the urges as one timeline line', async () => {
      const id = await assignedOrder();
      expect((await act(resident, id, { action: 'urge' })).status).toBe(200);
      advance(URGE_COOLDOWN_MINUTES * MINUTE);
      const second = await act(resident, id, { action: 'urge' });
      expect(second.status).toBe(200);
      expect(second.body.urgeCount).toBe(2);
      await server.app.get(OutboxDispatcher).dispatch(server.app.get(Clock).now());
      const notes = await urgeNotes(id);
      expect(notes.filter((x) => x.title === '住户催单').map((x) => x.userId)).toEqual([w.staff.techA1.id]);
      expect(
        notes
          .filter((x) => x.title === '住户第2次催单')
          .map((x) => x.userId)
          .sort((a, b) => a - b),
      ).toEqual([w.staff.supervisorA1.id, w.staff.techA1.id].sort((a, b) => a - b));
      const urges = second.body.timeline.filter((e: { action: string }) => e.action === 'urge');
      expect(urges).toHaveLength(1);
      expect(urges[0]).toMatchObject({ count: 2, at: second.body.updatedAt });
      expect(urges[0].note).toContain('升级');
    });

    it('lets one of many concurrent urges through', async () => {
      const id = await assignedOrder();
      const events = await count('outbox_event');
      const burst = await Promise.all(Array.from({ length: 6 }, () => act(resident, id, { action: 'urge' })));
      expect(burst.filter((r) => r.status === 200)).toHaveLength(1);
      expect(burst.filter((r) => r.status === 429).map((r) => r.body.code)).toEqual(Array(5).fill('URGE_TOO_SOON'));
      expect(await count('outbox_event')).toBe(events + 1);
      expect((await server.api.get(`/work-orders/${id}`, { token: resident })).body.urgeCount).toBe(1);
    });
  });

  describe('duplicate orders', () => {
    const body = (description: string) => ({ category: 'plumbing', description, houseId: w.houseA1.id });

    it('answers an identical open order of the same house with that order, and makes no new row', async () => {
      const first = await create(resident, body('阳台水管滴水'), 'dup-key-0001');
      expect(first.status).toBe(201);
      expect(first.body.duplicate).toBeUndefined();
      const orders = await count('work_order');
      const copies = [];
      for (let i = 0; i < 5; i++) copies.push(await create(resident, body(' 阳台 水管滴水！'), `dup-key-100${i}`));
      for (const copy of copies) {
        expect(copy.status).toBe(200);
        expect(copy.body).toMatchObject({ id: first.body.id, duplicate: true });
      }
      expect(await count('work_order')).toBe(orders);
      // Replays keep answering as before: the first key its order, a duplicate's key the same order.
      const replay = await create(resident, body('阳台水管滴水'), 'dup-key-0001');
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.id).toBe(first.body.id);
      expect((await create(resident, body(' 阳台 水管滴水！'), 'dup-key-1000')).body.id).toBe(first.body.id);
      // Another text, category or place is another order.
      expect((await create(resident, body('阳台水管滴水 又一处'))).status).toBe(201);
      expect((await create(resident, { ...body('阳台水管滴水'), category: 'other' })).status).toBe(201);
    });

    it('catches the desk filing the same report by phone for the resident', async () => {
      const first = await create(resident, body('客厅灯不亮了'));
      expect(first.status).toBe(201);
      const byPhone = await create(desk, { ...body('客厅灯不亮了。'), reporterId: w.residents.resA1.id });
      expect(byPhone.status).toBe(200);
      expect(byPhone.body).toMatchObject({ id: first.body.id, duplicate: true });
    });

    it('files a new order once the earlier one is closed or cancelled, or the window has passed', async () => {
      const first = await create(resident, body('门锁坏了'));
      expect((await act(resident, first.body.id, { action: 'cancel', reason: '自己修好了' })).status).toBe(200);
      const second = await create(resident, body('门锁坏了'));
      expect(second.status).toBe(201);
      advance((DUPLICATE_WINDOW_MINUTES + 1) * MINUTE);
      const third = await create(resident, body('门锁坏了'));
      expect(third.status).toBe(201);
      expect(third.body.id).not.toBe(second.body.id);
    });

    it('ends concurrent identical creates with one order', async () => {
      const orders = await count('work_order');
      const burst = await Promise.all(
        Array.from({ length: 5 }, (_, i) => create(resident, body('热水器不出热水'), `dup-burst-${i}-key`)),
      );
      expect(burst.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
      expect(new Set(burst.map((r) => r.body.id)).size).toBe(1);
      expect(await count('work_order')).toBe(orders + 1);
      expect(
        await server.ds.getRepository(OutboxEvent).countBy({ type: 'order.created', workOrderId: burst[0].body.id }),
      ).toBe(1);
    });
  });
});
