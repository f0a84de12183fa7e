import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Clock } from '../../common/clock.js';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { withCompletionPhoto } from '../../testing/photos.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import { ScheduledJob } from '../jobs/job.entity.js';
import { OutboxEvent } from '../notifications/notification.entities.js';
import { TechnicianProfile, TechnicianSkill } from '../staff/staff.entities.js';
import { WorkOrder } from '../work-orders/work-order.entities.js';
import { AUTO_CLOSE_JOB } from './closed-loop.service.js';
import { FollowUp, Rating, RollupDirty } from './satisfaction.entities.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe(`ratings, follow-ups and the closed loop (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let clock: Clock;
  const t: Record<string, string> = {};

  /** Each phone has its own address, as in life: the per-IP limits of submit routes count per person. */
  const from = (token: string) => ({
    token,
    headers: { 'x-forwarded-for': `10.0.0.${Object.values(t).indexOf(token) + 1}` },
  });
  // Each order its own text: identical open orders of one house are duplicates (abuse-limits.ts).
  let filed = 0;
  const create = (token: string, body: object = {}) =>
    server.api.post(
      '/work-orders',
      { category: 'plumbing', description: `厨房水管漏水 ${++filed}`, houseId: w.houseA1.id, priority: 'P3', ...body },
      from(token),
    );
  const act = async (token: string, id: number, body: object) =>
    server.api.post(
      `/work-orders/${id}/transitions`,
      await withCompletionPhoto(server, token, body as { action: string }),
      { token },
    );
  const rate = (token: string, id: number, body: object) =>
    server.api.post(`/work-orders/${id}/rating`, body, from(token));
  const order = (id: number) => server.ds.getRepository(WorkOrder).findOneByOrFail({ id });
  const detail = async (id: number) => (await server.api.get(`/work-orders/${id}`, { token: t.deskA1 })).body;
  const followUpsOf = async (id: number, status = 'open', token = t.deskA1) => {
    const res = await server.api.get(`/follow-ups?status=${status}&pageSize=100`, { token });
    expect(res.status).toBe(200);
    return (res.body.items as Array<Record<string, any>>).filter((f) => f.workOrderId === id);
  };
  const tick = () => server.app.get(JobRunner).tick();
  const setPolicy = (policy: string, token = t.adminA, communityId = w.a1.id) =>
    server.api.request('PUT', `/communities/${communityId}/follow-up-policy`, { token, body: { policy } });

  /** Walk an order (routed to techA1) to `completed` through the transitions API. */
  async function walkToCompleted(id: number) {
    let o = await detail(id);
    if (o.status === 'submitted' || o.status === 'reopened') {
      expect((await act(t.deskA1, id, { action: 'assign', assigneeId: w.staff.techA1.id })).status).toBe(200);
      o = await detail(id);
    }
    expect(o.assignee?.id).toBe(w.staff.techA1.id);
    for (const action of ['accept', 'arrive', 'complete']) {
      const res = await act(t.techA1, id, { action });
      expect([action, res.status]).toEqual([action, 200]);
    }
    expect((await detail(id)).status).toBe('completed');
  }

  async function completedOrder(token = t.resA1, body: object = {}) {
    const res = await create(token, body);
    expect(res.status).toBe(201);
    await walkToCompleted(res.body.id);
    return res.body.id as number;
  }

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    clock = server.app.get(Clock);
    await w.factory.resident(server, 'code-res-a1-mate', [{ id: w.houseA1.id }]);
    for (const name of ['resA1', 'resA1b', 'resB1', 'resPending'] as const) {
      t[name] = await loginResident(server, `code-res-${name.slice(3).toLowerCase()}`);
    }
    t.mate = await loginResident(server, 'code-res-a1-mate');
    for (const name of ['adminA', 'supervisorA1', 'deskA1', 'deskA2', 'techA1', 'adminB', 'deskB1'] as const) {
      t[name] = await loginStaff(server, w.staff[name]);
    }
    await server.ds.getRepository(TechnicianSkill).save({ userId: w.staff.techA1.id, category: 'plumbing', level: 4 });
    await server.ds.getRepository(TechnicianProfile).save({
      userId: w.staff.techA1.id,
      capacity: 50,
      latitude: null,
      longitude: null,
      lastAssignedAt: null,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  describe('who may rate', () => {
    let id: number;
    beforeAll(async () => {
      const res = await create(t.resA1);
      expect(res.status).toBe(201);
      id = res.body.id;
    });

    it('refuses a rating before the order is completed', async () => {
      const res = await rate(t.resA1, id, { stars: 5 });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('TRANSITION_NOT_ALLOWED');
      await walkToCompleted(id);
    });

    it('forbids every staff role, in or out of the company', async () => {
      for (const name of ['adminA', 'supervisorA1', 'deskA1', 'deskA2', 'techA1', 'adminB', 'deskB1']) {
        const res = await rate(t[name], id, { stars: 5 });
        expect([name, res.status, res.body.code]).toEqual([name, 403, 'FORBIDDEN']);
      }
    });

    it('forbids a housemate who sees the order but did not report it', async () => {
      expect((await server.api.get(`/work-orders/${id}`, { token: t.mate })).status).toBe(200);
      const res = await rate(t.mate, id, { stars: 5 });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    });

    it('answers 404 to residents who cannot see the order', async () => {
      for (const name of ['resA1b', 'resB1', 'resPending']) {
        const res = await rate(t[name], id, { stars: 5 });
        expect([name, res.status, res.body.code]).toEqual([name, 404, 'NOT_FOUND']);
      }
    });

    it('takes a rating only as JSON, and validates it', async () => {
      const form = await server.api.request('POST', `/work-orders/${id}/rating`, {
        token: t.resA1,
        body: 'stars=5',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(form.status).toBe(415);
      expect((await server.api.get(`/work-orders/${id}/rating?stars=5`, { token: t.resA1 })).status).toBe(404);
      const bad = [
        {},
        { stars: 0 },
        { stars: 6 },
        { stars: 4.5 },
        { stars: '5' },
        { stars: 5, dimensions: { speed: 9 } },
        { stars: 5, dimensions: { price: 3 } },
        { stars: 5, tags: ['十一个字的标签太长了啊'] },
        { stars: 5, tags: Array.from({ length: 11 }, (_, i) => `标签${i}`) },
        { stars: 5, tags: [' 准时'] },
        { stars: 5, comment: 'x'.repeat(501) },
        { stars: 5, reopen: true },
        { stars: 3, fixed: true, reopen: true },
      ];
      for (const body of bad) {
        const res = await rate(t.resA1, id, body);
        expect([JSON.stringify(body), res.status, res.body.code]).toEqual([
          JSON.stringify(body),
          400,
          'VALIDATION_FAILED',
        ]);
      }
      expect((await order(id)).status).toBe('completed');
    });

    it('lets the reporting resident rate once, which closes the order', async () => {
      const res = await rate(t.resA1, id, {
        stars: 4,
        dimensions: { speed: 5, workmanship: 4, attitude: 5 },
        fixed: true,
        tags: ['准时', '专业', '准时', '师傅很好'],
        comment: '修得不错',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        workOrderId: id,
        stars: 4,
        dimensions: { speed: 5, workmanship: 4, attitude: 5, communication: null },
        fixed: true,
        tags: ['准时', '专业', '师傅很好'],
        comment: '修得不错',
        orderStatus: 'closed',
        followUpOpened: false,
      });
      const row = await order(id);
      expect(row).toMatchObject({ status: 'closed', ratingStars: 4, unrated: false });
      expect(row.closedAt).not.toBeNull();
      const last = (await detail(id)).timeline.at(-1);
      expect(last).toMatchObject({ action: 'confirm', from: 'completed', to: 'closed', note: '评价 4 星' });
      expect(last.actor.id).toBe(w.residents.resA1.id);
      // The rating window's timer is cancelled; the rollup partition of today is stale.
      const jobs = await server.ds.getRepository(ScheduledJob).findBy({ kind: AUTO_CLOSE_JOB, workOrderId: id });
      expect(jobs.map((j) => j.status)).toEqual(['cancelled']);
      expect(await server.ds.getRepository(RollupDirty).countBy({ communityId: w.a1.id })).toBeGreaterThan(0);
      expect(await followUpsOf(id)).toEqual([]);

      const again = await rate(t.resA1, id, { stars: 5 });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'TRANSITION_NOT_ALLOWED', message: 'already rated' });
      expect(await server.ds.getRepository(Rating).countBy({ workOrderId: id })).toBe(1);
    });

    it('shows the rating to whoever sees the order', async () => {
      for (const name of ['resA1', 'mate', 'deskA1', 'supervisorA1', 'adminA', 'techA1']) {
        const res = await server.api.get(`/work-orders/${id}/rating`, { token: t[name] });
        expect([name, res.status, res.body.stars]).toEqual([name, 200, 4]);
      }
      for (const name of ['resA1b', 'resB1', 'adminB', 'deskA2']) {
        const res = await server.api.get(`/work-orders/${id}/rating`, { token: t[name] });
        expect([name, res.status]).toEqual([name, 404]);
      }
      const unrated = await create(t.resA1);
      expect((await server.api.get(`/work-orders/${unrated.body.id}/rating`, { token: t.resA1 })).status).toBe(404);
      await act(t.resA1, unrated.body.id, { action: 'cancel', reason: '不修了' });
    });
  });

  it('keeps one rating when the resident submits twice at once', async () => {
    const id = await completedOrder();
    const results = await Promise.all([rate(t.resA1, id, { stars: 5 }), rate(t.resA1, id, { stars: 3 })]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const loser = results.find((r) => r.status === 409)!;
    expect(loser.body.code).toBe('TRANSITION_NOT_ALLOWED');
    const winner = results.find((r) => r.status === 201)!;
    expect(await server.ds.getRepository(Rating).countBy({ workOrderId: id })).toBe(1);
    expect((await order(id)).ratingStars).toBe(winner.body.stars);
    const confirms = (await detail(id)).timeline.filter((e: { action: string }) => e.action === 'confirm');
    expect(confirms).toHaveLength(1);
  });

  it('opens a follow-up for the desk on a low rating', async () => {
    const id = await completedOrder();
    const res = await rate(t.resA1, id, { stars: 2, comment: '来得太慢' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ orderStatus: 'closed', followUpOpened: true });
    const [f, ...more] = await followUpsOf(id);
    expect(more).toEqual([]);
    expect(f).toMatchObject({
      reason: 'low_rating',
      status: 'open',
      orderNo: (await detail(id)).no,
      ratingStars: 2,
      ratingComment: '来得太慢',
      ratingTags: [],
      overdue: false,
      reporter: { id: w.residents.resA1.id, phone: w.residents.resA1.phone },
    });
    expect(f.location).toContain(w.houseA1.label);
    // Within a second: MariaDB keeps whole seconds.
    expect(Math.abs(Date.parse(f.dueAt) - Date.parse(res.body.createdAt) - 24 * HOUR)).toBeLessThan(1000);
    // Only the office of the community reads the queue.
    expect(await followUpsOf(id, 'open', t.supervisorA1)).toHaveLength(1);
    expect(await followUpsOf(id, 'open', t.adminA)).toHaveLength(1);
    expect(await followUpsOf(id, 'open', t.deskA2)).toHaveLength(0);
    expect(await followUpsOf(id, 'open', t.adminB)).toHaveLength(0);
    for (const name of ['techA1', 'resA1']) {
      expect((await server.api.get('/follow-ups', { token: t[name] })).status).toBe(403);
    }
  });

  it('reopens the same order when the resident says it is not fixed', async () => {
    const id = await completedOrder();
    const before = (await detail(id)).timeline.length;
    const res = await rate(t.resA1, id, { stars: 3, fixed: false, reopen: true, tags: ['没修好'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ orderStatus: 'reopened', followUpOpened: true, fixed: false });
    const row = await order(id);
    expect(row.reopenCount).toBe(1);
    expect(row.ratingStars).toBe(3);
    const d = await detail(id);
    // History kept: the first cycle, then confirm and reopen in one go, then routing again.
    expect(d.timeline.length).toBeGreaterThan(before + 1);
    expect(d.timeline.slice(before, before + 2)).toMatchObject([
      { action: 'confirm', from: 'completed', to: 'closed' },
      { action: 'reopen', from: 'closed', to: 'reopened', note: '住户反馈未修好' },
    ]);
    expect(d.timeline.map((e: { action: string }) => e.action).slice(0, 5)).toEqual([
      'create',
      'assign',
      'accept',
      'arrive',
      'complete',
    ]);
    expect(d.status).toBe('assigned');
    expect(d.assignee.id).toBe(w.staff.techA1.id);
    const [f] = await followUpsOf(id);
    expect(f.reason).toBe('not_fixed');

    // The redo completes; the order keeps its one rating and is confirmed (or auto-closed) without another.
    await walkToCompleted(id);
    const again = await rate(t.resA1, id, { stars: 5 });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('already rated');
    expect((await act(t.resA1, id, { action: 'confirm' })).status).toBe(200);
    expect(await order(id)).toMatchObject({ status: 'closed', reopenCount: 1, unrated: false });
  });

  it('opens a follow-up when the resident reopens without rating', async () => {
    const id = await completedOrder();
    const res = await act(t.resA1, id, { action: 'reopen', reason: '还是漏水' });
    expect(res.status).toBe(200);
    expect((await order(id)).reopenCount).toBe(1);
    expect((await followUpsOf(id)).map((f) => f.reason)).toEqual(['not_fixed']);
    // A reopen by the office is not the resident's verdict.
    const other = await completedOrder();
    expect((await act(t.deskA1, other, { action: 'reopen', reason: '复查发现问题' })).status).toBe(200);
    expect(await followUpsOf(other)).toEqual([]);
    for (const o of [id, other]) {
      await walkToCompleted(o);
      await rate(t.resA1, o, { stars: 4 });
    }
  });

  it('lets one desk user record a follow-up call when two try at once', async () => {
    const id = await completedOrder();
    await rate(t.resA1, id, { stars: 1, fixed: false });
    const [f] = await followUpsOf(id);
    const call = (token: string, outcome: string) =>
      server.api.post(
        `/follow-ups/${f.id}/complete`,
        { channel: 'phone', reached: true, outcome, stars: 3, dimensions: { attitude: 4 }, fixed: true },
        { token },
      );
    expect(
      (
        await server.api.post(
          `/follow-ups/${f.id}/complete`,
          { channel: 'phone', reached: false, outcome: 'x', stars: 3 },
          { token: t.deskA1 },
        )
      ).status,
    ).toBe(400);
    expect((await call(t.deskA2, '不该看到')).status).toBe(404);
    expect((await call(t.techA1, '不该做')).status).toBe(403);
    expect(
      (
        await server.api.post(
          `/follow-ups/${f.id}/complete`,
          { channel: 'fax', reached: true, outcome: 'x' },
          { token: t.deskA1 },
        )
      ).status,
    ).toBe(400);

    const results = await Promise.all([call(t.deskA1, '住户说已修好'), call(t.supervisorA1, '主管回访')]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200)!;
    expect(results.find((r) => r.status === 409)!.body.code).toBe('TRANSITION_NOT_ALLOWED');
    expect(winner.body).toMatchObject({
      status: 'done',
      channel: 'phone',
      reached: true,
      stars: 3,
      dimensions: { attitude: 4, speed: null },
      fixed: true,
    });
    const row = await server.ds.getRepository(FollowUp).findOneByOrFail({ id: f.id });
    expect(row.outcome).toBe(winner.body.outcome);
    expect([w.staff.deskA1.id, w.staff.supervisorA1.id]).toContain(row.doneById);
    // The call's own rating stays on the follow-up; the resident's rating is unchanged.
    expect((await server.ds.getRepository(Rating).findOneByOrFail({ workOrderId: id })).stars).toBe(1);
    expect(await followUpsOf(id)).toEqual([]);
    const done = await followUpsOf(id, 'done');
    expect(done).toHaveLength(1);
    expect(done[0].doneBy.id).toBe(row.doneById);
    expect((await call(t.deskA1, '再来一次')).status).toBe(409);
  });

  it('sends a complaint to the desk, not to a technician, and follows it up', async () => {
    const res = await create(t.resA1, { kind: 'complaint', description: '维修师傅态度差' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'submitted', routingState: 'manual', assignee: null });
    const waiting = await server.ds
      .getRepository(OutboxEvent)
      .findBy({ workOrderId: res.body.id, type: 'routing.waiting' });
    expect(waiting.map((e) => e.payload.reasons)).toEqual([['manual']]);
    await walkToCompleted(res.body.id);
    const [f] = await followUpsOf(res.body.id);
    expect(f).toMatchObject({ reason: 'complaint', orderKind: 'complaint' });
    const rated = await rate(t.resA1, res.body.id, { stars: 4 });
    expect(rated.status).toBe(201);
    expect(rated.body.orderStatus).toBe('closed');
  });

  describe('the rating window', () => {
    it('closes an unrated order as unrated after the window, never satisfied', async () => {
      const window = server.config.ratingWindowDays * DAY;
      const id = await completedOrder();
      const rated = await completedOrder();
      await rate(t.resA1, rated, { stars: 5 });
      clock.advance(window - MIN);
      await tick();
      expect((await order(id)).status).toBe('completed');
      clock.advance(2 * MIN);
      await tick();
      const row = await order(id);
      expect(row).toMatchObject({ status: 'closed', unrated: true, ratingStars: null });
      const last = (await detail(id)).timeline.at(-1);
      expect(last).toMatchObject({ action: 'auto_close', from: 'completed', to: 'closed', actor: { role: 'system' } });
      expect(await server.ds.getRepository(Rating).countBy({ workOrderId: id })).toBe(0);
      // Too late to rate now; the rated order was not touched by the timer.
      const late = await rate(t.resA1, id, { stars: 5 });
      expect(late.status).toBe(409);
      expect(await order(rated)).toMatchObject({ status: 'closed', unrated: false, ratingStars: 5 });
      // Policy "low" (the default): no call for an unrated order.
      expect(await followUpsOf(id)).toEqual([]);
    });

    it('sets the follow-up policy (admin only)', async () => {
      expect((await setPolicy('unrated', t.deskA1)).status).toBe(403);
      expect((await setPolicy('unrated', t.adminB)).status).toBe(404);
      expect((await setPolicy('sometimes')).status).toBe(400);
      const res = await setPolicy('unrated');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ communityId: w.a1.id, policy: 'unrated', ratingWindowDays: null });
      const read = await server.api.get(`/communities/${w.a1.id}/follow-up-policy`, { token: t.deskA1 });
      expect(read.body.policy).toBe('unrated');
    });

    it('opens a follow-up for an auto-closed order under policy "unrated"', async () => {
      await setPolicy('unrated');
      const id = await completedOrder();
      expect(await followUpsOf(id)).toEqual([]);
      clock.advance(server.config.ratingWindowDays * DAY + MIN);
      await tick();
      expect(await order(id)).toMatchObject({ status: 'closed', unrated: true });
      const [f, ...more] = await followUpsOf(id);
      expect(more).toEqual([]);
      expect(f.reason).toBe('unrated');
    });

    it('opens a follow-up at completion under policy "all", raised to "unrated" when no rating comes', async () => {
      try {
        await setPolicy('all');
        const id = await completedOrder();
        const rated = await completedOrder();
        expect((await followUpsOf(id)).map((f) => f.reason)).toEqual(['policy']);
        expect((await followUpsOf(rated)).map((f) => f.reason)).toEqual(['policy']);
        await rate(t.resA1, rated, { stars: 2 });
        expect((await followUpsOf(rated)).map((f) => f.reason)).toEqual(['low_rating']);
        clock.advance(server.config.ratingWindowDays * DAY + MIN);
        await tick();
        expect(await order(id)).toMatchObject({ status: 'closed', unrated: true });
        expect((await followUpsOf(id)).map((f) => f.reason)).toEqual(['unrated']);
        expect(await server.ds.getRepository(FollowUp).countBy({ workOrderId: id })).toBe(1);
      } finally {
        await setPolicy('low');
      }
    });
  });

  describe('repeats', () => {
    it('links a new order of the same house and category within 30 days of a closed one', async () => {
      const first = await completedOrder(t.resA1b, { houseId: w.houseA1b.id });
      await rate(t.resA1b, first, { stars: 4 });
      expect((await detail(first)).repeatOfId).toBeNull();
      clock.advance(29 * DAY);
      const again = await create(t.resA1b, { houseId: w.houseA1b.id, description: '又漏水了' });
      expect(again.body.repeatOfId).toBe(first);
      expect((await order(again.body.id)).repeatOfId).toBe(first);
      const other = await create(t.resA1b, { houseId: w.houseA1b.id, category: 'electrical', description: '停电' });
      expect(other.body.repeatOfId).toBeNull();
      const elsewhere = await create(t.resA1, { description: '别家漏水' });
      expect(elsewhere.body.repeatOfId).not.toBe(first);
      clock.advance(2 * DAY); // 31 days after the close
      const late = await create(t.resA1b, { houseId: w.houseA1b.id, description: '还是漏水' });
      expect(late.body.repeatOfId).toBeNull();
      for (const o of [again, other, elsewhere, late]) {
        await act(o === elsewhere ? t.resA1 : t.resA1b, o.body.id, { action: 'cancel', reason: '测试结束' });
      }
    });

    it('links public-area orders by area and category', async () => {
      const first = await completedOrder(t.resA1, { publicAreaId: w.areaA1.id, houseId: undefined });
      await rate(t.resA1, first, { stars: 5 });
      clock.advance(3 * DAY);
      const again = await create(t.resA1b, {
        publicAreaId: w.areaA1.id,
        houseId: undefined,
        description: '车库又漏水',
      });
      expect(again.status).toBe(201);
      expect(again.body.repeatOfId).toBe(first);
    });
  });
});
