import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { NOTIFICATIONS_PER_HOUR, SMS_PER_HOUR } from '@linli/shared';
import { buildWorld, loginResident, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { Notification, NotificationDelivery } from './notification.entities.js';
import { NotificationsRepository } from './notifications.repository.js';
import { OutboxDispatcher } from './outbox-dispatcher.service.js';
import { OutboxWriter } from './outbox.js';

const HOUR = 3600_000;

describe(`notification caps per recipient and hour (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let orderId: number;

  beforeAll(async () => {
    server = await startTestServer({ env: { LINLI_SMS: 'log' } });
    w = await buildWorld(server);
    const resident = await loginResident(server, 'code-res-a1');
    const created = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '通知上限测试', houseId: w.houseA1.id },
      { token: resident },
    );
    expect(created.status).toBe(201);
    orderId = created.body.id;
  });
  afterAll(async () => {
    await server?.close();
  });

  /** `n` transfers to techA1 (staff: no openid, so each would be an SMS), emitted at `at`. */
  async function transfers(n: number, at: Date): Promise<void> {
    await server.ds.transaction(async (em) => {
      for (let i = 0; i < n; i++) {
        await server.app.get(OutboxWriter).emit(
          em,
          {
            type: 'order.transition',
            workOrderId: orderId,
            payload: {
              action: 'transfer',
              from: 'assigned',
              to: 'assigned',
              actorId: w.staff.techA1b.id,
              actorRole: 'technician',
              assigneeId: w.staff.techA1.id,
              previousAssigneeId: w.staff.techA1b.id,
            },
          },
          at,
        );
      }
    });
  }
  const deliveriesOf = async (userId: number) =>
    server.ds.getRepository(NotificationDelivery).find({ where: { userId }, order: { id: 'ASC' } });

  it('lists every notification but pushes at most the caps, recording the rest as capped', async () => {
    const now = new Date();
    await server.app.get(OutboxDispatcher).dispatch(now); // the order's own events
    const counted = jest.spyOn(server.app.get(NotificationsRepository), 'recentCounts');
    await transfers(NOTIFICATIONS_PER_HOUR + 5, now);
    await server.app.get(OutboxDispatcher).dispatch(now);
    // One batch (25 events), one grouped read of what the recipients had.
    expect(counted).toHaveBeenCalledTimes(1);
    counted.mockRestore();

    const listed = await server.ds.getRepository(Notification).countBy({ userId: w.staff.techA1.id });
    expect(listed).toBe(NOTIFICATIONS_PER_HOUR + 5);
    const byState = (await deliveriesOf(w.staff.techA1.id)).map((d) => `${d.channel}:${d.status}:${d.lastError ?? ''}`);
    expect(byState).toEqual([
      ...Array(SMS_PER_HOUR).fill('sms:pending:'),
      ...Array(NOTIFICATIONS_PER_HOUR - SMS_PER_HOUR).fill('sms:capped:sms_cap'),
      ...Array(5).fill('sms:capped:notification_cap'),
    ]);

    // Later in the same hour (another batch): still capped.
    const later = new Date(now.getTime() + HOUR / 2);
    await transfers(1, later);
    await server.app.get(OutboxDispatcher).dispatch(later);
    expect((await deliveriesOf(w.staff.techA1.id)).at(-1)).toMatchObject({ status: 'capped' });

    // An hour after the burst the SMS flow again.
    const next = new Date(now.getTime() + HOUR + 1000);
    await transfers(1, next);
    await server.app.get(OutboxDispatcher).dispatch(next);
    expect((await deliveriesOf(w.staff.techA1.id)).at(-1)).toMatchObject({ channel: 'sms', status: 'pending' });
  });
});
