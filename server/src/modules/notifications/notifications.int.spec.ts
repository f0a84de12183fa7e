import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Factory, buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import { TechnicianSkill } from '../staff/staff.entities.js';
import type { User } from '../users/user.entities.js';
import { WorkOrder } from '../work-orders/work-order.entities.js';
import { DeliveryWorker } from './delivery-worker.service.js';
import { Notification, NotificationDelivery, OutboxEvent } from './notification.entities.js';
import { NotificationsRepository } from './notifications.repository.js';
import { OutboxDispatcher } from './outbox-dispatcher.service.js';
import { OutboxWriter, type OutboxEventInput } from './outbox.js';
import { LoggingSmsSender, SMS_SENDER, type SmsSender } from './sms-sender.js';

type TransitionPayload = Extract<OutboxEventInput, { type: 'order.transition' }>['payload'];

const SECOND = 1000;

/** What every suite here needs: emit events, run the dispatcher and the worker, read the results. */
function harness(get: () => TestServer) {
  const s = () => get();
  return {
    async emit(event: OutboxEventInput): Promise<number> {
      const server = s();
      return server.ds.transaction(async (em) => {
        await server.app.get(OutboxWriter).emit(em, event, new Date());
        const rows: Array<{ id: number | string }> = await em.query('SELECT MAX(id) AS id FROM outbox_event');
        return Number(rows[0].id);
      });
    },
    dispatch: (now = new Date()) => s().app.get(OutboxDispatcher).dispatch(now),
    deliver: (now = new Date()) => s().app.get(DeliveryWorker).deliver(now),
    notificationsOf: (eventId: number) =>
      s()
        .ds.getRepository(Notification)
        .find({ where: { eventId }, order: { userId: 'ASC' } }),
    async deliveriesOf(eventId: number): Promise<NotificationDelivery[]> {
      const ids = (await this.notificationsOf(eventId)).map((n) => n.id);
      const all = await s()
        .ds.getRepository(NotificationDelivery)
        .find({ order: { id: 'ASC' } });
      return all.filter((d) => ids.includes(d.notificationId));
    },
    delivery: (id: number) => s().ds.getRepository(NotificationDelivery).findOneByOrFail({ id }),
    event: (id: number) => s().ds.getRepository(OutboxEvent).findOneByOrFail({ id }),
  };
}

function transition(workOrderId: number, action: string, p: Partial<TransitionPayload> = {}): OutboxEventInput {
  return {
    type: 'order.transition',
    workOrderId,
    payload: {
      action,
      from: 'assigned',
      to: 'assigned',
      actorId: null,
      actorRole: 'system',
      assigneeId: null,
      previousAssigneeId: null,
      ...p,
    },
  };
}

describe(`notifications (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let resident: string;
  let residentB: string;
  let desk: string;
  let tech: string;
  let inactiveTech: User;
  let orderId: number;
  let orderNo: string;
  let complaintId: number;
  let templateId: string;
  let openid: string;
  const h = harness(() => server);

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    templateId = server.config.notifications.orderTemplateId;
    openid = server.fake.openidFor('code-res-a1');
    resident = await loginResident(server, 'code-res-a1');
    residentB = await loginResident(server, 'code-res-a1b');
    desk = await loginStaff(server, w.staff.deskA1);
    tech = await loginStaff(server, w.staff.techA1);
    const f = new Factory(server.ds);
    inactiveTech = await f.staff('technician', w.companyA.id, [w.a1.id], { active: false });
    await server.ds.getRepository(TechnicianSkill).save([
      { userId: w.staff.techA1.id, category: 'plumbing', level: 3 },
      { userId: inactiveTech.id, category: 'plumbing', level: 3 },
      { userId: w.staff.techA2.id, category: 'plumbing', level: 3 },
      { userId: w.staff.techA1b.id, category: 'electrical', level: 3 },
    ]);

    const created = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '厨房水管漏水', houseId: w.houseA1.id },
      { token: resident },
    );
    expect(created.status).toBe(201);
    orderId = created.body.id;
    orderNo = created.body.no;
    const act = (token: string, body: object) =>
      server.api.post(`/work-orders/${orderId}/transitions`, body, { token });
    expect((await act(desk, { action: 'assign', assigneeId: w.staff.techA1.id })).status).toBe(200);
    expect((await act(tech, { action: 'accept' })).status).toBe(200);
    expect((await act(tech, { action: 'arrive' })).status).toBe(200);
    const quoted = await act(tech, {
      action: 'quote',
      quoteItems: [
        { kind: 'labour', name: '更换水管', unit: '项', quantity: 1, unitPriceFen: 8000, reason: '收费标准外' },
        { kind: 'material', name: '水管', unit: '米', quantity: 2, unitPriceFen: 2025, reason: '收费标准外' },
      ],
    });
    expect(quoted.status).toBe(200);

    const complaint = await server.api.post(
      '/work-orders',
      { category: 'other', kind: 'complaint', description: '保洁不到位', houseId: w.houseA1.id },
      { token: resident },
    );
    expect(complaint.status).toBe(201);
    complaintId = complaint.body.id;
    // Whatever the rest of the server already emitted is not this suite's business.
    await h.dispatch();
    await h.deliver();
  });
  afterAll(async () => {
    await server?.close();
  });

  describe('who is told', () => {
    const ids = () => ({
      res: w.residents.resA1.id,
      desk: w.staff.deskA1.id,
      sup: w.staff.supervisorA1.id,
      admin: w.staff.adminA.id,
      tech: w.staff.techA1.id,
      techB: w.staff.techA1b.id,
    });
    type Ids = ReturnType<typeof ids>;
    const cases: Array<[string, (o: number, i: Ids) => OutboxEventInput, (i: Ids) => number[], string | null]> = [
      [
        'order.created (repair): nobody',
        (o) => ({ type: 'order.created', workOrderId: o, payload: { actorId: null } }),
        () => [],
        null,
      ],
      [
        'assign: the new assignee',
        (o, i) => transition(o, 'assign', { assigneeId: i.tech, actorId: i.desk, actorRole: 'desk' }),
        (i) => [i.tech],
        '新工单待接单',
      ],
      [
        'transfer: the new assignee',
        (o, i) =>
          transition(o, 'transfer', {
            assigneeId: i.techB,
            previousAssigneeId: i.tech,
            actorId: i.tech,
            actorRole: 'technician',
          }),
        (i) => [i.techB],
        '新工单待接单',
      ],
      [
        'accept: the reporter',
        (o, i) => transition(o, 'accept', { assigneeId: i.tech, actorId: i.tech, actorRole: 'technician' }),
        (i) => [i.res],
        '师傅已接单',
      ],
      [
        'grab: the reporter',
        (o, i) => transition(o, 'grab', { assigneeId: i.tech, actorId: i.tech, actorRole: 'technician' }),
        (i) => [i.res],
        '师傅已接单',
      ],
      [
        'depart: the reporter',
        (o, i) => transition(o, 'depart', { assigneeId: i.tech, actorId: i.tech, actorRole: 'technician' }),
        (i) => [i.res],
        '师傅已出发',
      ],
      [
        'arrive: the reporter',
        (o, i) => transition(o, 'arrive', { assigneeId: i.tech, actorId: i.tech, actorRole: 'technician' }),
        (i) => [i.res],
        '师傅已到达',
      ],
      [
        'pause: the reporter',
        (o, i) =>
          transition(o, 'pause', {
            assigneeId: i.tech,
            actorId: i.tech,
            actorRole: 'technician',
            reason: 'waiting_parts',
          }),
        (i) => [i.res],
        '维修已暂停',
      ],
      [
        'resume: the reporter',
        (o, i) => transition(o, 'resume', { assigneeId: i.tech, actorId: i.tech, actorRole: 'technician' }),
        (i) => [i.res],
        '维修已恢复',
      ],
      [
        'approve_quote: the assignee',
        (o, i) => transition(o, 'approve_quote', { assigneeId: i.tech, actorId: i.res, actorRole: 'resident' }),
        (i) => [i.tech],
        '住户已同意报价',
      ],
      [
        'reject_quote: the assignee',
        (o, i) => transition(o, 'reject_quote', { assigneeId: i.tech, actorId: i.res, actorRole: 'resident' }),
        (i) => [i.tech],
        '住户未同意报价',
      ],
      [
        'complete: the reporter',
        (o, i) => transition(o, 'complete', { assigneeId: i.tech, actorId: i.tech, actorRole: 'technician' }),
        (i) => [i.res],
        '维修已完成，请确认并评价',
      ],
      [
        'cancel by the desk: assignee and reporter',
        (o, i) => transition(o, 'cancel', { assigneeId: i.tech, actorId: i.desk, actorRole: 'desk' }),
        (i) => [i.res, i.tech].sort((a, b) => a - b),
        '工单已取消',
      ],
      [
        'cancel by the resident: the assignee only',
        (o, i) => transition(o, 'cancel', { assigneeId: i.tech, actorId: i.res, actorRole: 'resident' }),
        (i) => [i.tech],
        '工单已取消',
      ],
      [
        'reopen: desk and previous assignee',
        (o, i) => transition(o, 'reopen', { previousAssigneeId: i.tech, actorId: i.res, actorRole: 'resident' }),
        (i) => [i.desk, i.tech].sort((a, b) => a - b),
        '工单已返修',
      ],
      [
        'reopen by the desk: not the desk member who did it',
        (o, i) => transition(o, 'reopen', { previousAssigneeId: i.tech, actorId: i.desk, actorRole: 'desk' }),
        (i) => [i.tech],
        '工单已返修',
      ],
      [
        'decline: nobody (routing re-routes)',
        (o, i) => transition(o, 'decline', { previousAssigneeId: i.tech, actorId: i.tech, actorRole: 'technician' }),
        () => [],
        null,
      ],
      [
        'confirm: nobody',
        (o, i) => transition(o, 'confirm', { assigneeId: i.tech, actorId: i.res, actorRole: 'resident' }),
        () => [],
        null,
      ],
      ['auto_close: nobody', (o, i) => transition(o, 'auto_close', { assigneeId: i.tech }), () => [], null],
      [
        'first urge: the assignee',
        (o, i) => transition(o, 'urge', { assigneeId: i.tech, actorId: i.res, actorRole: 'resident', urgeCount: 1 }),
        (i) => [i.tech],
        '住户催单',
      ],
      [
        'first urge, unassigned: the desk',
        (o, i) => transition(o, 'urge', { actorId: i.res, actorRole: 'resident', urgeCount: 1 }),
        (i) => [i.desk],
        '住户催单',
      ],
      [
        'second urge: supervisors and assignee',
        (o, i) => transition(o, 'urge', { assigneeId: i.tech, actorId: i.res, actorRole: 'resident', urgeCount: 2 }),
        (i) => [i.sup, i.tech].sort((a, b) => a - b),
        '住户第2次催单',
      ],
      [
        'routing.offered: the technician offered',
        (o, i) => ({
          type: 'routing.offered',
          workOrderId: o,
          payload: { userId: i.techB, expiresAt: new Date(Date.now() + 5 * 60 * SECOND).toISOString() },
        }),
        (i) => [i.techB],
        '新工单待接单，请在5分钟内接单',
      ],
      [
        'routing.waiting: the desk',
        (o) => ({ type: 'routing.waiting', workOrderId: o, payload: { communityId: w.a1.id, reasons: ['no_skill'] } }),
        (i) => [i.desk],
        '工单暂无可派师傅',
      ],
      [
        'routing.waiting in manual mode: the desk',
        (o) => ({ type: 'routing.waiting', workOrderId: o, payload: { communityId: w.a1.id, reasons: ['manual'] } }),
        (i) => [i.desk],
        '新工单待派单',
      ],
      [
        'routing.pooled: active technicians of the community with the skill',
        (o) => ({ type: 'routing.pooled', workOrderId: o, payload: { communityId: w.a1.id, category: 'plumbing' } }),
        (i) => [i.tech],
        '新工单可抢单',
      ],
      [
        'sla level 1: the assignee',
        (o, i) => ({
          type: 'sla.escalation',
          workOrderId: o,
          payload: { clockId: 1, stage: 'arrive', level: 1, assigneeId: i.tech },
        }),
        (i) => [i.tech],
        '工单即将超时',
      ],
      [
        'sla level 1, unassigned: the desk',
        (o) => ({
          type: 'sla.escalation',
          workOrderId: o,
          payload: { clockId: 1, stage: 'accept', level: 1, assigneeId: null },
        }),
        (i) => [i.desk],
        '工单即将超时',
      ],
      [
        'sla level 2: the supervisors',
        (o, i) => ({
          type: 'sla.escalation',
          workOrderId: o,
          payload: { clockId: 1, stage: 'resolve', level: 2, assigneeId: i.tech },
        }),
        (i) => [i.sup],
        '工单超时预警',
      ],
      [
        'sla level 3: admins of the company and supervisors',
        (o, i) => ({
          type: 'sla.escalation',
          workOrderId: o,
          payload: { clockId: 1, stage: 'resolve', level: 3, assigneeId: i.tech },
        }),
        (i) => [i.admin, i.sup].sort((a, b) => a - b),
        '工单已超时',
      ],
    ];

    it.each(cases)('%s', async (_name, event, expected, title) => {
      const i = ids();
      const eventId = await h.emit(event(orderId, i));
      expect(await h.dispatch()).toBeGreaterThanOrEqual(1);
      const notes = await h.notificationsOf(eventId);
      expect(notes.map((n) => n.userId)).toEqual(expected(i));
      for (const n of notes) {
        expect(n.title).toBe(title);
        expect(n.workOrderId).toBe(orderId);
        expect(n.body.startsWith(`工单 ${orderNo} 水管漏水 小区AA ${w.houseA1.label}`)).toBe(true);
      }
      expect(await h.event(eventId)).toMatchObject({ status: 'done', attempts: 0 });
    });

    it('tells the desk and the supervisors of a complaint, and puts the quote in yuan', async () => {
      const created = await h.emit({ type: 'order.created', workOrderId: complaintId, payload: { actorId: null } });
      const quote = await h.emit(
        transition(orderId, 'quote', {
          assigneeId: w.staff.techA1.id,
          actorId: w.staff.techA1.id,
          actorRole: 'technician',
        }),
      );
      await h.dispatch();
      const complaint = await h.notificationsOf(created);
      expect(complaint.map((n) => n.userId).sort((a, b) => a - b)).toEqual(
        [w.staff.supervisorA1.id, w.staff.deskA1.id].sort((a, b) => a - b),
      );
      expect(complaint[0]).toMatchObject({ type: 'order.created', title: '收到新投诉' });
      const [q] = await h.notificationsOf(quote);
      expect(q).toMatchObject({ userId: w.residents.resA1.id, type: 'order.quote', title: '请确认维修报价' });
      expect(q.body).toBe(`工单 ${orderNo} 水管漏水 小区AA ${w.houseA1.label}，报价合计 ¥120.50`);
    });

    it('leaves an offered assignment to routing.offered, which carries the deadline', async () => {
      const created = await server.api.post(
        '/work-orders',
        { category: 'plumbing', description: '派单邀约', houseId: w.houseA1.id },
        { token: resident },
      );
      const offeredTo = w.staff.techA1b.id;
      await server.ds
        .getRepository(WorkOrder)
        .update({ id: created.body.id }, { status: 'assigned', assigneeId: offeredTo, routingState: 'offered' });
      const assign = await h.emit(
        transition(created.body.id, 'assign', { assigneeId: offeredTo, actorRole: 'system' }),
      );
      const offered = await h.emit({
        type: 'routing.offered',
        workOrderId: created.body.id,
        payload: { userId: offeredTo, expiresAt: new Date(Date.now() + 10 * 60 * SECOND).toISOString() },
      });
      // The desk assigning by hand is told as usual.
      const byDesk = await h.emit(
        transition(created.body.id, 'assign', { assigneeId: offeredTo, actorId: w.staff.deskA1.id, actorRole: 'desk' }),
      );
      await h.dispatch();
      expect(await h.notificationsOf(assign)).toEqual([]);
      expect((await h.notificationsOf(offered)).map((n) => [n.userId, n.title])).toEqual([
        [offeredTo, '新工单待接单，请在10分钟内接单'],
      ]);
      expect((await h.notificationsOf(byDesk)).map((n) => n.userId)).toEqual([offeredTo]);
    });

    it('never tells another company, nor a stale recipient of another company', async () => {
      const eventId = await h.emit(
        transition(orderId, 'assign', { assigneeId: w.staff.techB1.id, actorRole: 'system' }),
      );
      await h.dispatch();
      expect(await h.notificationsOf(eventId)).toEqual([]);
      expect(await h.event(eventId)).toMatchObject({ status: 'done' });
    });

    it('makes the notifications of an event exactly once under concurrent dispatchers', async () => {
      const events: number[] = [];
      for (let k = 0; k < 8; k++) {
        events.push(
          await h.emit(
            transition(orderId, 'accept', {
              assigneeId: w.staff.techA1.id,
              actorId: w.staff.techA1.id,
              actorRole: 'technician',
            }),
          ),
        );
      }
      const handled = await Promise.all([h.dispatch(), h.dispatch(), h.dispatch()]);
      expect(handled.reduce((a, b) => a + b, 0)).toBe(events.length);
      for (const id of events) {
        expect((await h.notificationsOf(id)).map((n) => n.userId)).toEqual([w.residents.resA1.id]);
        expect((await h.deliveriesOf(id)).map((d) => d.channel)).toEqual(['wechat']);
        expect(await h.event(id)).toMatchObject({ status: 'done' });
      }
      expect(await h.dispatch()).toBe(0);
    });

    it('rolls an event back whole when it fails half-way, and retries it later', async () => {
      const repo = server.app.get(NotificationsRepository);
      const spy = jest.spyOn(repo, 'insertDelivery').mockRejectedValueOnce(new Error('disk full'));
      try {
        const eventId = await h.emit(
          transition(orderId, 'complete', {
            assigneeId: w.staff.techA1.id,
            actorId: w.staff.techA1.id,
            actorRole: 'technician',
          }),
        );
        const now = new Date();
        await h.dispatch(now);
        expect(await h.notificationsOf(eventId)).toEqual([]);
        const failed = await h.event(eventId);
        expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastError: 'disk full' });
        expect(failed.nextAttemptAt.getTime()).toBeGreaterThan(now.getTime());
        await h.dispatch(now);
        expect(await h.notificationsOf(eventId)).toEqual([]);
        await h.dispatch(new Date(now.getTime() + 3 * SECOND));
        expect((await h.notificationsOf(eventId)).map((n) => n.userId)).toEqual([w.residents.resA1.id]);
        expect(await h.event(eventId)).toMatchObject({ status: 'done', attempts: 1 });
      } finally {
        spy.mockRestore();
      }
    });

    it('gives an event up after 8 attempts', async () => {
      const eventId = await h.emit(transition(orderId, 'teleport'));
      const start = Date.now();
      for (let attempt = 1; attempt <= 9; attempt++) await h.dispatch(new Date(start + attempt * 3600 * SECOND));
      const event = await h.event(eventId);
      expect(event).toMatchObject({ status: 'failed', attempts: 8 });
      expect(event.lastError).toContain('teleport');
      expect(await h.notificationsOf(eventId)).toEqual([]);
    });
  });

  describe('WeChat deliveries', () => {
    const repo = () => server.app.get(NotificationsRepository);
    const remaining = async () => (await repo().remainingSubscriptions(w.residents.resA1.id, [templateId]))[templateId];
    /** Our count and WeChat's for resident A1 set to `ours` and `theirs`. */
    async function subscriptions(ours: number, theirs: number) {
      await server.ds.query('DELETE FROM wechat_subscription WHERE userId = ?', [w.residents.resA1.id]);
      for (let k = 0; k < ours; k++) await repo().addSubscription(w.residents.resA1.id, templateId);
      server.fake.grantSubscription(openid, templateId, theirs - server.fake.subscriptionsLeft(openid, templateId));
    }
    /** Drain what earlier tests left, so the worker only meets what a test makes. */
    async function drain() {
      await h.dispatch();
      await h.deliver(new Date(Date.now() + 2 * 3600 * SECOND));
    }
    /**
     * A fresh notification for resident A1 with its pending WeChat delivery, after setting
     * our count of their sends to `ours` and WeChat's to `theirs`.
     */
    async function notifyResident(ours: number, theirs: number, action = 'accept') {
      await drain();
      await subscriptions(ours, theirs);
      // This suite tells resident A1 more than the hourly cap allows: age what came before.
      await server.ds
        .getRepository(Notification)
        .update({ userId: w.residents.resA1.id }, { createdAt: new Date(Date.now() - 2 * 3600 * SECOND) });
      const eventId = await h.emit(
        transition(orderId, action, {
          assigneeId: w.staff.techA1.id,
          actorId: w.staff.techA1.id,
          actorRole: 'technician',
        }),
      );
      await h.dispatch();
      const [delivery] = await h.deliveriesOf(eventId);
      expect(delivery).toMatchObject({ channel: 'wechat', status: 'pending', userId: w.residents.resA1.id });
      return delivery;
    }

    it('sends a subscribe message when the resident has a subscription, and uses it', async () => {
      const d = await notifyResident(1, 1, 'accept');
      const before = server.fake.sentMessages().length;
      expect(await h.deliver()).toBe(1);
      const sent = await h.delivery(d.id);
      expect(sent).toMatchObject({ status: 'sent', attempts: 0, leaseUntil: null });
      const messages = server.fake.sentMessages();
      expect(messages).toHaveLength(before + 1);
      const m = messages.at(-1)!;
      expect(sent.externalId).toBe(m.msgid);
      expect(m).toMatchObject({
        touser: openid,
        template_id: templateId,
        page: `subpackages/orders/detail/index?id=${orderId}`,
        miniprogram_state: 'developer',
      });
      expect(m.data.character_string1.value).toBe(orderNo);
      expect(m.data.thing2.value).toBe('师傅已接单');
      expect(m.data.time3.value).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
      expect(m.data.thing4.value).toBe(
        `水管漏水 小区AA ${w.houseA1.label}，维修师傅：${w.staff.techA1.name}`.slice(0, 19) + '…',
      );
      expect(await remaining()).toBe(0);
      expect(await h.deliver()).toBe(0);
    });

    it('skips WeChat without a subscription (and no SMS while SMS is off)', async () => {
      const d = await notifyResident(0, 1);
      const before = server.fake.sentMessages().length;
      await h.deliver();
      expect(await h.delivery(d.id)).toMatchObject({ status: 'skipped', lastError: 'no_subscription' });
      expect(server.fake.sentMessages()).toHaveLength(before);
      expect(await server.ds.getRepository(NotificationDelivery).countBy({ notificationId: d.notificationId })).toBe(1);
    });

    it('retries when WeChat is busy, gives the subscription back meanwhile, then sends', async () => {
      const d = await notifyResident(1, 1);
      server.fake.failNext('send', 'busy');
      const now = new Date();
      await h.deliver(now);
      const waiting = await h.delivery(d.id);
      expect(waiting).toMatchObject({ status: 'pending', attempts: 1, lastError: 'busy -1' });
      expect(waiting.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(now.getTime() + 9 * SECOND);
      expect(await remaining()).toBe(1);
      expect(await h.deliver(now)).toBe(0);
      expect(await h.deliver(new Date(now.getTime() + 11 * SECOND))).toBe(1);
      expect(await h.delivery(d.id)).toMatchObject({ status: 'sent', attempts: 1 });
      expect(await remaining()).toBe(0);
    });

    it('gives up after 6 busy attempts, keeping the subscription', async () => {
      const d = await notifyResident(1, 1);
      server.fake.failNext('send', 'busy', 6);
      const start = Date.now();
      for (let k = 0; k < 7; k++) await h.deliver(new Date(start + k * 3600 * SECOND));
      expect(await h.delivery(d.id)).toMatchObject({ status: 'failed', attempts: 6 });
      expect(await remaining()).toBe(1);
    });

    it('believes WeChat when it answers 43101: failed, and no sends left', async () => {
      const d = await notifyResident(2, 0);
      await h.deliver();
      expect(await h.delivery(d.id)).toMatchObject({ status: 'failed', lastError: 'refused 43101' });
      expect(await remaining()).toBe(0);
    });

    it('fails an invalid message without giving the subscription back', async () => {
      const d = await notifyResident(1, 1);
      server.fake.failNext('send', 40003);
      await h.deliver();
      expect(await h.delivery(d.id)).toMatchObject({ status: 'failed', lastError: 'invalid 40003' });
      expect(await remaining()).toBe(0);
    });

    it('refreshes an expired access token and sends', async () => {
      const d = await notifyResident(1, 1);
      const tokensBefore = server.fake.requestCount('token');
      server.fake.expireTokens();
      await h.deliver();
      expect(await h.delivery(d.id)).toMatchObject({ status: 'sent' });
      expect(server.fake.requestCount('token')).toBeGreaterThan(tokensBefore);
    });

    it('sends once when two workers run at once', async () => {
      const d = await notifyResident(3, 3);
      const before = server.fake.sentMessages().length;
      const attempted = await Promise.all([h.deliver(), h.deliver()]);
      expect(attempted.reduce((a, b) => a + b, 0)).toBe(1);
      expect(server.fake.sentMessages()).toHaveLength(before + 1);
      expect(await h.delivery(d.id)).toMatchObject({ status: 'sent' });
      expect(await remaining()).toBe(2);
    });

    it('takes over a delivery whose worker died after its lease ran out', async () => {
      const d = await notifyResident(1, 1);
      const now = new Date();
      const lease = await repo().leaseDelivery(d.id, now, 60 * SECOND);
      expect(lease).not.toBeNull();
      expect(await h.deliver(new Date(now.getTime() + 30 * SECOND))).toBe(0);
      expect(await h.deliver(new Date(now.getTime() + 62 * SECOND))).toBe(1);
      expect(await h.delivery(d.id)).toMatchObject({ status: 'sent' });
      // The dead worker's late write finds its lease gone.
      expect(await repo().finishDelivery(d.id, lease!, { status: 'failed' })).toBe(false);
    });

    it('runs the dispatcher and the worker on every job tick', async () => {
      await drain();
      await subscriptions(1, 1);
      const eventId = await h.emit(
        transition(orderId, 'depart', {
          assigneeId: w.staff.techA1.id,
          actorId: w.staff.techA1.id,
          actorRole: 'technician',
        }),
      );
      const runner = server.app.get(JobRunner);
      // Only the tick tasks are under test here, not the job queue.
      const jobs = jest.spyOn(runner, 'runOne').mockResolvedValue(false);
      try {
        await runner.tick();
      } finally {
        jobs.mockRestore();
      }
      const [d] = await h.deliveriesOf(eventId);
      expect(d).toMatchObject({ status: 'sent' });
    });
  });

  describe('the in-app list', () => {
    it('lists only the own notifications, newest first, with unread counts', async () => {
      const res = await server.api.get('/me/notifications?pageSize=5', { token: resident });
      expect(res.status).toBe(200);
      const all = await server.ds.getRepository(Notification).countBy({ userId: w.residents.resA1.id });
      expect(res.body).toMatchObject({ total: all, page: 1, pageSize: 5 });
      expect(res.body.items).toHaveLength(5);
      const ids = res.body.items.map((n: { id: number }) => n.id);
      expect([...ids].sort((a, b) => b - a)).toEqual(ids);
      expect(Object.keys(res.body.items[0]).sort()).toEqual(
        ['body', 'createdAt', 'id', 'read', 'title', 'type', 'workOrderId'].sort(),
      );
      expect(res.body.unread).toBe(all);
      const mine = await server.ds.getRepository(Notification).findBy({ userId: w.residents.resA1.id });
      const page2 = await server.api.get('/me/notifications?page=2&pageSize=5', { token: resident });
      for (const n of [...res.body.items, ...page2.body.items]) {
        expect(mine.map((m) => m.id)).toContain(n.id);
      }
    });

    it('marks one read (own only) and then all', async () => {
      const first = await server.api.get('/me/notifications?pageSize=1', { token: resident });
      const id = first.body.items[0].id;
      const read = await server.api.post(`/me/notifications/${id}/read`, undefined, { token: resident });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id, read: true });
      const again = await server.api.post(`/me/notifications/${id}/read`, undefined, { token: resident });
      expect(again.status).toBe(200);
      const unread = await server.api.get('/me/notifications?unread=true&pageSize=100', { token: resident });
      expect(unread.body.items.map((n: { id: number }) => n.id)).not.toContain(id);
      expect(unread.body.total).toBe(first.body.unread - 1);
      expect(unread.body.unread).toBe(first.body.unread - 1);

      const others = await server.ds.getRepository(Notification).findOneByOrFail({ userId: w.staff.techA1.id });
      const foreign = await server.api.post(`/me/notifications/${others.id}/read`, undefined, { token: resident });
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe('NOT_FOUND');
      expect((await server.ds.getRepository(Notification).findOneByOrFail({ id: others.id })).readAt).toBeNull();
      const missing = await server.api.post('/me/notifications/999999999/read', undefined, { token: resident });
      expect(missing.status).toBe(404);

      const all = await server.api.post('/me/notifications/read-all', undefined, { token: resident });
      expect(all.status).toBe(200);
      expect(all.body).toEqual({ updated: first.body.unread - 1 });
      const after = await server.api.get('/me/notifications', { token: resident });
      expect(after.body.unread).toBe(0);
      // The technician's own list is untouched.
      const techList = await server.api.get('/me/notifications', { token: tech });
      expect(techList.body.unread).toBeGreaterThan(0);
    });

    it('validates the query and needs a login', async () => {
      for (const q of ['pageSize=0', 'pageSize=101', 'page=x', 'unread=maybe', 'extra=1']) {
        const res = await server.api.get(`/me/notifications?${q}`, { token: resident });
        expect({ q, status: res.status, code: res.body.code }).toEqual({ q, status: 400, code: 'VALIDATION_FAILED' });
      }
      expect((await server.api.get('/me/notifications')).status).toBe(401);
      expect((await server.api.post('/me/notifications/read-all')).status).toBe(401);
    });
  });

  describe('subscriptions', () => {
    /** The survey template is known too (docs/surveys.md). */
    const SURVEY = 'linli-survey';
    it('counts each accept of the known template and lists the others back', async () => {
      const empty = await server.api.get('/me/subscriptions', { token: residentB });
      expect(empty.body).toEqual({ remaining: { [templateId]: 0, [SURVEY]: 0 } });
      const res = await server.api.post(
        '/me/subscriptions',
        { results: { [templateId]: 'accept', 'some-other-template': 'accept' } },
        { token: residentB },
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ remaining: { [templateId]: 1, [SURVEY]: 0 }, ignored: ['some-other-template'] });
      for (const r of ['reject', 'ban', 'filter']) {
        const res2 = await server.api.post('/me/subscriptions', { results: { [templateId]: r } }, { token: residentB });
        expect(res2.body.remaining[templateId]).toBe(1);
      }
      const burst = await Promise.all(
        Array.from({ length: 5 }, () =>
          server.api.post('/me/subscriptions', { results: { [templateId]: 'accept' } }, { token: residentB }),
        ),
      );
      expect(burst.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      const after = await server.api.get('/me/subscriptions', { token: residentB });
      expect(after.body).toEqual({ remaining: { [templateId]: 6, [SURVEY]: 0 } });
      // Another user's count is their own.
      const other = await server.api.get('/me/subscriptions', { token: desk });
      expect(other.body).toEqual({ remaining: { [templateId]: 0, [SURVEY]: 0 } });
    });

    it('validates what the mini-program reports', async () => {
      for (const body of [
        {},
        { results: 'accept' },
        { results: {} },
        { results: { [templateId]: 'yes' } },
        { results: { 'bad id!': 'accept' } },
        { results: { [templateId]: 'accept' }, extra: 1 },
      ]) {
        const res = await server.api.post('/me/subscriptions', body, { token: residentB });
        expect({ body, status: res.status, code: res.body.code }).toEqual({
          body,
          status: 400,
          code: 'VALIDATION_FAILED',
        });
      }
      const after = await server.api.get('/me/subscriptions', { token: residentB });
      expect(after.body.remaining[templateId]).toBe(6);
    });

    it('rate-limits reports', async () => {
      const results = [];
      for (let k = 0; k < 31; k++) {
        results.push(
          (await server.api.post('/me/subscriptions', { results: { [templateId]: 'reject' } }, { token: residentB }))
            .status,
        );
      }
      expect(results).toContain(429);
    });
  });
});

describe(`notifications with SMS on (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let orderId: number;
  const h = harness(() => server);

  beforeAll(async () => {
    server = await startTestServer({ env: { LINLI_SMS: 'log' } });
    w = await buildWorld(server);
    const resident = await loginResident(server, 'code-res-a1');
    const created = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '卫生间漏水', houseId: w.houseA1.id },
      { token: resident },
    );
    orderId = created.body.id;
    await h.dispatch();
    await h.deliver();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('falls back to SMS when the resident has no subscription left', async () => {
    const sms = server.app.get<SmsSender>(SMS_SENDER);
    const spy = jest.spyOn(sms, 'send');
    const eventId = await h.emit(
      transition(orderId, 'accept', {
        assigneeId: w.staff.techA1.id,
        actorId: w.staff.techA1.id,
        actorRole: 'technician',
      }),
    );
    await h.dispatch();
    const [wechat] = await h.deliveriesOf(eventId);
    expect(wechat).toMatchObject({ channel: 'wechat', status: 'pending' });
    await h.deliver();
    const [skipped, fallback] = await h.deliveriesOf(eventId);
    expect(skipped).toMatchObject({ channel: 'wechat', status: 'skipped', lastError: 'no_subscription' });
    expect(fallback).toMatchObject({ channel: 'sms', status: 'pending', notificationId: wechat.notificationId });
    await h.deliver();
    expect(await h.delivery(fallback.id)).toMatchObject({ status: 'sent' });
    expect(spy).toHaveBeenCalledWith(
      w.residents.resA1.phone,
      expect.stringContaining('【邻里】师傅已接单：工单 '),
      expect.objectContaining({ title: '师傅已接单', companyId: w.companyA.id }),
    );
    spy.mockRestore();
  });

  it('texts staff who have no WeChat, and logs the phone masked', async () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      const eventId = await h.emit(
        transition(orderId, 'assign', { assigneeId: w.staff.techA1.id, actorId: w.staff.deskA1.id, actorRole: 'desk' }),
      );
      await h.dispatch();
      const [d] = await h.deliveriesOf(eventId);
      expect(d).toMatchObject({ channel: 'sms', userId: w.staff.techA1.id });
      await h.deliver();
      expect(await h.delivery(d.id)).toMatchObject({ status: 'sent' });
      const phone = String(w.staff.techA1.phone);
      const lines = log.mock.calls.map((c) => String(c[0]));
      const line = lines.find((l) => l.includes('新工单待接单'));
      expect(line).toContain(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
      expect(lines.some((l) => l.includes(phone))).toBe(false);
    } finally {
      log.mockRestore();
    }
  });

  it('uses the logging sender when SMS is "log"', () => {
    expect(server.app.get(SMS_SENDER)).toBeInstanceOf(LoggingSmsSender);
  });
});
