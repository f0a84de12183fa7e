import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { withCompletionPhoto } from '../../testing/photos.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { ScheduledJob } from '../jobs/job.entity.js';
import { AUTO_CLOSE_JOB } from '../satisfaction/closed-loop.service.js';
import { AuditLog } from './audit-log.entity.js';

const DAY = 24 * 3600_000;

describe(`audit log (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let admin: string;
  let adminB: string;
  let desk: string;
  let tech: string;
  let supervisor: string;

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    admin = await loginStaff(server, w.staff.adminA);
    adminB = await loginStaff(server, w.staff.adminB);
    desk = await loginStaff(server, w.staff.deskA1);
    tech = await loginStaff(server, w.staff.techA1);
    supervisor = await loginStaff(server, w.staff.supervisorA1);
  });
  afterAll(async () => {
    await server?.close();
  });

  const rows = () => server.ds.getRepository(AuditLog).count();
  const log = async (query = '', token = admin) => {
    const res = await server.api.get(`/audit-log${query}`, { token });
    expect(res.status).toBe(200);
    return res.body;
  };

  it('records a rule created, changed and deleted, with before and after, in the same transaction', async () => {
    const created = await server.api.post('/routing-rules', { mode: 'auto', category: 'plumbing' }, { token: admin });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const changed = await server.api.request('PUT', `/routing-rules/${id}`, {
      token: admin,
      body: { mode: 'pool', category: 'plumbing', maxRefusals: 5 },
    });
    expect(changed.status).toBe(200);
    expect((await server.api.request('DELETE', `/routing-rules/${id}`, { token: admin })).status).toBe(204);

    const page = await log('?entityType=routing_rule');
    expect(page.total).toBe(3);
    const [del, upd, crt] = page.items;
    expect(crt).toMatchObject({
      action: 'create',
      entityType: 'routing_rule',
      entityId: id,
      before: null,
      actor: { id: w.staff.adminA.id, name: w.staff.adminA.name },
    });
    expect(crt.after).toMatchObject({ mode: 'auto', category: 'plumbing', maxRefusals: 3 });
    expect(upd).toMatchObject({ action: 'update', before: { mode: 'auto', maxRefusals: 3 } });
    expect(upd.after).toMatchObject({ mode: 'pool', maxRefusals: 5 });
    expect(upd.requestId).toBe(changed.headers.get('x-request-id'));
    expect(del).toMatchObject({ action: 'delete', after: null, before: { mode: 'pool' } });
    expect(new Date(del.at).getTime()).toBeGreaterThanOrEqual(new Date(crt.at).getTime());
  });

  it('writes nothing when the change fails', async () => {
    const before = await rows();
    const bad = await server.api.post('/routing-rules', { mode: 'auto', communityId: w.b1.id }, { token: admin });
    expect(bad.status).toBe(400);
    const ok = await server.api.post('/routing-rules', { mode: 'auto', priority: 'P1' }, { token: admin });
    expect(ok.status).toBe(201);
    const twin = await server.api.request('PUT', `/routing-rules/${ok.body.id}`, {
      token: admin,
      body: { mode: 'offer', priority: 'P1', teamId: 999999 },
    });
    expect(twin.status).toBe(400);
    const otherTenant = await server.api.request('PUT', `/routing-rules/${ok.body.id}`, {
      token: adminB,
      body: { mode: 'offer' },
    });
    expect(otherTenant.status).toBe(404);
    const sla = await server.api.post(
      '/sla-policies',
      { priority: 'P2', acceptMinutes: 60, resolveMinutes: 30 },
      { token: admin },
    );
    expect(sla.status).toBe(400);
    expect(await rows()).toBe(before + 1);
  });

  it('records SLA policies, price items, teams, skills, rosters, leave and binding reviews, and surveys', async () => {
    const before = await rows();
    const sla = await server.api.post(
      '/sla-policies',
      {
        priority: 'P3',
        acceptMinutes: 30,
        resolveMinutes: 600,
        calendar: { days: [{ weekday: 1, startMinute: 540, endMinute: 1080 }] },
      },
      { token: admin },
    );
    expect(sla.status).toBe(201);
    const price = await server.api.post(
      '/price-items',
      { category: 'plumbing', kind: 'labour', name: '换水龙头', unit: '次', priceFen: 5000 },
      { token: admin },
    );
    expect(price.status).toBe(201);
    expect(
      (
        await server.api.request('PUT', `/price-items/${price.body.id}`, {
          token: admin,
          body: { category: 'plumbing', kind: 'labour', name: '换水龙头', unit: '次', priceFen: 6000 },
        })
      ).status,
    ).toBe(200);
    const team = await server.api.post('/teams', { name: '水电组', memberIds: [w.staff.techA1.id] }, { token: admin });
    expect(team.status).toBe(201);
    const skills = await server.api.request('PUT', `/staff/${w.staff.techA1.id}/skills`, {
      token: admin,
      body: { skills: [{ category: 'plumbing', level: 4 }] },
    });
    expect(skills.status).toBe(200);
    const roster = await server.api.request('PUT', `/staff/${w.staff.techA1.id}/shifts`, {
      token: supervisor,
      body: { pattern: [{ weekday: 1, startMinute: 480, endMinute: 1020 }], exceptions: [] },
    });
    expect(roster.status).toBe(200);
    const leave = await server.api.post(
      `/staff/${w.staff.techA1.id}/leave`,
      { startAt: '2030-01-02T00:00:00Z', endAt: '2030-01-03T00:00:00Z', reason: '家中有事' },
      { token: tech },
    );
    expect(leave.status).toBe(201);
    const review = await server.api.post(`/leave/${leave.body.id}/review`, { decision: 'approved' }, { token: admin });
    expect(review.status).toBe(200);
    const [pending] = (await server.api.get('/house-bindings/pending', { token: admin })).body;
    const binding = await server.api.post(
      `/house-bindings/${pending.id}/review`,
      { decision: 'verified' },
      { token: desk },
    );
    expect(binding.status).toBe(200);
    const survey = await server.api.post(
      '/surveys',
      {
        communityId: w.a1.id,
        title: '年度满意度调查',
        startsAt: '2030-01-01T00:00:00Z',
        endsAt: '2030-02-01T00:00:00Z',
      },
      { token: admin },
    );
    expect(survey.status).toBe(201);
    expect((await server.api.post(`/surveys/${survey.body.id}/open`, {}, { token: admin })).status).toBe(200);

    const page = await log('?pageSize=100');
    const fresh = page.items.slice(0, (await rows()) - before);
    const summary = fresh.map((e: { entityType: string; action: string }) => `${e.entityType}:${e.action}`).reverse();
    expect(summary).toEqual([
      'sla_policy:create',
      'price_item:create',
      'price_item:update',
      'team:create',
      'staff_skills:update',
      'staff_roster:update',
      'leave:review',
      'house_binding:review',
      'survey:create',
      'survey:open',
    ]);
    const byType = (t: string) => fresh.find((e: { entityType: string }) => e.entityType === t);
    expect(byType('price_item')).toMatchObject({ before: { priceFen: 5000 }, after: { priceFen: 6000 } });
    expect(byType('staff_skills').after).toEqual({ skills: [{ category: 'plumbing', level: 4 }] });
    expect(byType('staff_roster')).toMatchObject({ actor: { id: w.staff.supervisorA1.id } });
    expect(byType('leave')).toMatchObject({ before: { status: 'pending' }, after: { status: 'approved' } });
    expect(byType('house_binding')).toMatchObject({ entityId: pending.id, after: { status: 'verified' } });
    expect(byType('sla_policy').after.calendar).toEqual({
      days: [{ weekday: 1, startMinute: 540, endMinute: 1080 }],
      holidays: [],
    });

    // A review that loses (already decided) writes nothing.
    const count = await rows();
    const again = await server.api.post(`/leave/${leave.body.id}/review`, { decision: 'rejected' }, { token: admin });
    expect(again.status).toBe(409);
    expect((await server.api.post(`/surveys/${survey.body.id}/open`, {}, { token: admin })).status).toBe(409);
    expect(await rows()).toBe(count);
  });

  it('makes the rating window editable per community, audited, and used for orders completed afterwards', async () => {
    const url = `/communities/${w.a1.id}/follow-up-policy`;
    const initial = await server.api.get(url, { token: desk });
    expect(initial.body).toEqual({
      communityId: w.a1.id,
      policy: 'low',
      ratingWindowDays: null,
      defaultRatingWindowDays: server.config.ratingWindowDays,
    });
    const count = await rows();
    for (const bad of [
      { policy: 'low', ratingWindowDays: 0 },
      { policy: 'low', ratingWindowDays: 91 },
      { policy: 'x' },
    ]) {
      const res = await server.api.request('PUT', url, { token: admin, body: bad });
      expect(res.status).toBe(400);
    }
    expect(await rows()).toBe(count);
    expect((await server.api.request('PUT', url, { token: desk, body: { policy: 'low' } })).status).toBe(403);

    const set = await server.api.request('PUT', url, {
      token: admin,
      body: { policy: 'unrated', ratingWindowDays: 3 },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ policy: 'unrated', ratingWindowDays: 3 });
    expect((await server.api.get(url, { token: desk })).body.ratingWindowDays).toBe(3);
    const [entry] = (await log('?entityType=follow_up_policy')).items;
    expect(entry).toMatchObject({
      entityId: w.a1.id,
      before: { policy: 'low', ratingWindowDays: null },
      after: { policy: 'unrated', ratingWindowDays: 3 },
    });

    // An order completed now waits 3 days for its rating.
    const resident = await loginResident(server, 'code-res-a1');
    const created = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '水龙头漏水', houseId: w.houseA1.id, priority: 'P3' },
      { token: resident },
    );
    expect(created.status).toBe(201);
    const id = created.body.id;
    const assign = await server.api.post(
      `/work-orders/${id}/transitions`,
      { action: 'assign', assigneeId: w.staff.techA1.id },
      { token: desk },
    );
    expect([200, 409]).toContain(assign.status);
    for (const action of ['accept', 'arrive', 'complete']) {
      const body = await withCompletionPhoto(server, tech, { action });
      const res = await server.api.post(`/work-orders/${id}/transitions`, body, { token: tech });
      expect([action, res.status]).toEqual([action, 200]);
    }
    const [job] = await server.ds.getRepository(ScheduledJob).findBy({ kind: AUTO_CLOSE_JOB, workOrderId: id });
    const waited = job.dueAt.getTime() - Date.now();
    expect(waited).toBeGreaterThan(3 * DAY - 60_000);
    expect(waited).toBeLessThan(3 * DAY + 60_000);
  });

  it('lists newest first with filters and server pagination, only for the admin of the company', async () => {
    const all = await log('?pageSize=5');
    expect(all.items).toHaveLength(5);
    expect(all.total).toBeGreaterThan(5);
    const ids = all.items.map((e: { id: number }) => e.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    const second = await log('?pageSize=5&page=2');
    expect(second.items[0].id).toBeLessThan(ids[4]);
    const mine = await log(`?actorId=${w.staff.supervisorA1.id}`);
    expect(mine.items.every((e: { actor: { id: number } }) => e.actor.id === w.staff.supervisorA1.id)).toBe(true);
    expect((await log('?from=2099-01-01T00:00:00Z')).total).toBe(0);
    expect((await log('', adminB)).total).toBe(0);
    for (const q of ['?entityType=nope', '?pageSize=1000', '?from=yesterday', '?page=0']) {
      expect((await server.api.get(`/audit-log${q}`, { token: admin })).status).toBe(400);
    }
    expect((await server.api.get('/audit-log', { token: desk })).status).toBe(403);
    expect((await server.api.get('/audit-log', { token: supervisor })).status).toBe(403);
  });
});
