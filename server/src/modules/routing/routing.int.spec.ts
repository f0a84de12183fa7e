import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Clock } from '../../common/clock.js';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { withCompletionPhoto } from '../../testing/photos.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import { OutboxEvent } from '../notifications/notification.entities.js';
import { StaffLeave, TechnicianProfile, TechnicianSkill } from '../staff/staff.entities.js';
import { WorkOrder } from '../work-orders/work-order.entities.js';
import { RoutingRule } from './routing.entities.js';

describe(`routing (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let resident: string;
  let desk: string;
  let supervisor: string;
  let tech: string;
  let techB: string;

  const skill = (userId: number, category: string, level: number) =>
    server.ds.getRepository(TechnicianSkill).save({ userId, category, level });
  // Each order its own text: identical open orders of one house are duplicates (abuse-limits.ts).
  let filed = 0;
  const create = (body: object = {}) =>
    server.api.post(
      '/work-orders',
      { category: 'plumbing', description: `漏水 ${++filed}`, houseId: w.houseA1.id, ...body },
      { token: resident },
    );
  const act = async (token: string, id: number, body: object) =>
    server.api.post(
      `/work-orders/${id}/transitions`,
      await withCompletionPhoto(server, token, body as { action: string }),
      { token },
    );
  const asDesk = (id: number) => server.api.get(`/work-orders/${id}`, { token: desk });
  const tick = () => server.app.get(JobRunner).tick();

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    resident = await loginResident(server, 'code-res-a1');
    desk = await loginStaff(server, w.staff.deskA1);
    supervisor = await loginStaff(server, w.staff.supervisorA1);
    tech = await loginStaff(server, w.staff.techA1);
    techB = await loginStaff(server, w.staff.techA1b);
    await skill(w.staff.techA1.id, 'plumbing', 5);
    await skill(w.staff.techA1b.id, 'plumbing', 3);
    await skill(w.staff.techA2.id, 'plumbing', 5);
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    // Each case starts with no open work for the technicians and no rules.
    await server.ds
      .createQueryBuilder()
      .update(WorkOrder)
      .set({ status: 'closed', assigneeId: null, routingState: null })
      .execute();
    await server.ds.getRepository(RoutingRule).clear();
    await server.ds.getRepository(StaffLeave).clear();
    await server.ds.getRepository(TechnicianProfile).clear();
  });

  it('assigns automatically to the best candidate and explains why', async () => {
    const res = await create();
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'assigned',
      routingState: 'assigned',
      assignee: { id: w.staff.techA1.id },
    });
    const routing = await server.api.get(`/work-orders/${res.body.id}/routing`, { token: desk });
    expect(routing.status).toBe(200);
    const [decision] = routing.body;
    expect(decision).toMatchObject({ outcome: 'assigned', mode: 'auto', chosenUserId: w.staff.techA1.id, attempt: 1 });
    // Stored compact: the top candidates with their grades, the counts, and (few here) the excluded.
    expect(decision.top.map((r: { userId: number; rank: number }) => [r.userId, r.rank])).toEqual([
      [w.staff.techA1.id, 1],
      [w.staff.techA1b.id, 2],
    ]);
    // skill 5/5 vs 3/5 at weight 0.3 is the difference
    expect(decision.top[0].grades.skill).toEqual({ grade: 1, weight: 0.3, contribution: 0.3 });
    expect(decision.top[1].grades.skill.grade).toBeCloseTo(0.6);
    expect(decision).toMatchObject({ considered: 3, eligible: 2, excludedByReason: { not_serving_community: 1 } });
    const excluded = Object.fromEntries(
      decision.excluded.map((e: { userId: number; reasons: string[] }) => [e.userId, e.reasons]),
    );
    expect(excluded[w.staff.techA2.id]).toEqual(['not_serving_community']);
    // Company B's technician is never a candidate for company A.
    expect(excluded[w.staff.techB1.id]).toBeUndefined();
    // Residents do not see routing internals.
    expect((await server.api.get(`/work-orders/${res.body.id}/routing`, { token: resident })).status).toBe(403);
  });

  it('excludes a technician on leave with the reason', async () => {
    const now = server.app.get(Clock).now().getTime();
    await server.ds.getRepository(StaffLeave).save({
      userId: w.staff.techA1.id,
      startAt: new Date(now - 3600_000),
      endAt: new Date(now + 3600_000),
      reason: '病假',
      status: 'approved',
      reviewedById: null,
    });
    const res = await create();
    expect(res.body.assignee.id).toBe(w.staff.techA1b.id);
    const routing = await server.api.get(`/work-orders/${res.body.id}/routing`, { token: supervisor });
    const techA1 = routing.body[0].excluded.find((e: { userId: number }) => e.userId === w.staff.techA1.id);
    expect(techA1.reasons).toEqual(['on_leave']);
    expect(routing.body[0].excludedByReason).toMatchObject({ on_leave: 1 });
  });

  it('re-routes a declined order without the decliner', async () => {
    const created = await create();
    expect(created.body.assignee.id).toBe(w.staff.techA1.id);
    const declined = await act(tech, created.body.id, { action: 'decline', reason: '在别的小区' });
    expect(declined.status).toBe(200);
    const now = await asDesk(created.body.id);
    expect(now.body).toMatchObject({ status: 'assigned', assignee: { id: w.staff.techA1b.id } });
    const routing = await server.api.get(`/work-orders/${created.body.id}/routing`, { token: desk });
    expect(routing.body).toHaveLength(2);
    const latest = routing.body[0];
    expect(latest.excluded.find((e: { userId: number }) => e.userId === w.staff.techA1.id).reasons).toEqual([
      'declined',
    ]);
    expect(now.body.timeline.map((e: { action: string }) => e.action)).toEqual([
      'create',
      'assign',
      'decline',
      'assign',
    ]);
  });

  it('sends an order to the pool after the rule allows no more refusals', async () => {
    await server.ds.getRepository(RoutingRule).save({
      companyId: w.companyA.id,
      communityId: w.a1.id,
      category: null,
      priority: null,
      mode: 'auto',
      teamId: null,
      offerTimeoutSeconds: 300,
      maxRefusals: 2,
      weights: null,
      enabled: true,
    });
    const created = await create();
    await act(tech, created.body.id, { action: 'decline', reason: '忙' });
    await act(techB, created.body.id, { action: 'decline', reason: '忙' });
    const after = await asDesk(created.body.id);
    expect(after.body).toMatchObject({ status: 'pooled', routingState: 'pooled', assignee: null });
    const events = await server.ds
      .getRepository(OutboxEvent)
      .findBy({ workOrderId: created.body.id, type: 'routing.pooled' });
    expect(events).toHaveLength(1);
    // The pool is visible to both technicians; one grab wins.
    const [a, b] = await Promise.all([
      act(tech, created.body.id, { action: 'grab' }),
      act(techB, created.body.id, { action: 'grab' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
  });

  it('offers with a timeout, then moves on to the next candidate', async () => {
    await server.ds.getRepository(RoutingRule).save({
      companyId: w.companyA.id,
      communityId: null,
      category: 'plumbing',
      priority: null,
      mode: 'offer',
      teamId: null,
      offerTimeoutSeconds: 60,
      maxRefusals: 3,
      weights: null,
      enabled: true,
    });
    const created = await create();
    expect(created.body).toMatchObject({
      status: 'assigned',
      routingState: 'offered',
      assignee: { id: w.staff.techA1.id },
    });
    expect(
      await server.ds.getRepository(OutboxEvent).countBy({ workOrderId: created.body.id, type: 'routing.offered' }),
    ).toBe(1);
    // Not yet: the offer stands at 50 s. The clock is real time plus the offset, so leave room
    // for a slow machine between the create and this check.
    server.app.get(Clock).advance(50_000);
    await tick();
    expect((await asDesk(created.body.id)).body.assignee.id).toBe(w.staff.techA1.id);
    server.app.get(Clock).advance(11_000);
    await tick();
    const after = await asDesk(created.body.id);
    expect(after.body).toMatchObject({
      status: 'assigned',
      routingState: 'offered',
      assignee: { id: w.staff.techA1b.id },
    });
    expect(
      after.body.timeline.map((e: { action: string; note: string | null }) => [
        e.action,
        e.action === 'decline' ? e.note : null,
      ]),
    ).toEqual([
      ['create', null],
      ['assign', null],
      ['decline', '接单超时'],
      ['assign', null],
    ]);
    // Accepting in time cancels the timeout.
    expect((await act(techB, created.body.id, { action: 'accept' })).status).toBe(200);
    server.app.get(Clock).advance(120_000);
    await tick();
    expect((await asDesk(created.body.id)).body).toMatchObject({
      status: 'accepted',
      assignee: { id: w.staff.techA1b.id },
    });
  });

  it('keeps an order nobody qualifies for waiting, tells the desk, and assigns when someone can', async () => {
    const created = await create({ category: 'electrical' });
    expect(created.body).toMatchObject({ status: 'submitted', routingState: 'waiting', assignee: null });
    const waiting = await server.ds
      .getRepository(OutboxEvent)
      .findOneByOrFail({ workOrderId: created.body.id, type: 'routing.waiting' });
    expect(waiting.payload.reasons).toEqual(expect.arrayContaining(['no_skill']));
    await skill(w.staff.techA1b.id, 'electrical', 2);
    server.app.get(Clock).advance(5 * 60_000 + 1000);
    await tick();
    expect((await asDesk(created.body.id)).body).toMatchObject({
      status: 'assigned',
      assignee: { id: w.staff.techA1b.id },
    });
    await server.ds.getRepository(TechnicianSkill).delete({ userId: w.staff.techA1b.id, category: 'electrical' });
  });

  it('gives freed capacity to the oldest P1 before a newer P3 (backlog re-match)', async () => {
    await server.ds.getRepository(TechnicianProfile).save([
      { userId: w.staff.techA1.id, capacity: 1, latitude: null, longitude: null, lastAssignedAt: null },
      { userId: w.staff.techA1b.id, capacity: 1, latitude: null, longitude: null, lastAssignedAt: null },
    ]);
    const first = await create({ description: '占满A' });
    const second = await create({ description: '占满B' });
    expect(first.body.assignee.id).toBe(w.staff.techA1.id);
    expect(second.body.assignee.id).toBe(w.staff.techA1b.id);
    const p1 = await create({ description: '紧急', priority: 'P1' });
    server.app.get(Clock).advance(60_000);
    const p3 = await create({ description: '普通', priority: 'P3' });
    expect(p1.body.routingState).toBe('waiting');
    expect(p3.body.routingState).toBe('waiting');
    for (const action of ['accept', 'arrive', 'complete']) {
      expect((await act(tech, first.body.id, { action })).status).toBe(200);
    }
    await tick();
    expect((await asDesk(p1.body.id)).body).toMatchObject({ status: 'assigned', assignee: { id: w.staff.techA1.id } });
    expect((await asDesk(p3.body.id)).body).toMatchObject({ status: 'submitted', routingState: 'waiting' });
    const routing = await server.api.get(`/work-orders/${p1.body.id}/routing`, { token: desk });
    expect(routing.body[0].outcome).toBe('rematched');
  });

  it('lets a supervisor reassign, recorded as manual', async () => {
    const created = await create();
    const res = await act(supervisor, created.body.id, {
      action: 'assign',
      assigneeId: w.staff.techA1b.id,
      reason: '就近',
    });
    expect(res.body).toMatchObject({
      status: 'assigned',
      routingState: 'manual',
      assignee: { id: w.staff.techA1b.id },
    });
  });

  it('routes by rule: manual mode waits for the desk', async () => {
    await server.ds.getRepository(RoutingRule).save({
      companyId: w.companyA.id,
      communityId: w.a1.id,
      category: 'plumbing',
      priority: 'P4',
      mode: 'manual',
      teamId: null,
      offerTimeoutSeconds: 300,
      maxRefusals: 3,
      weights: null,
      enabled: true,
    });
    const res = await create({ priority: 'P4' });
    expect(res.body).toMatchObject({ status: 'submitted', routingState: 'manual', assignee: null });
    const other = await create({ priority: 'P3' });
    expect(other.body.status).toBe('assigned');
  });
});
