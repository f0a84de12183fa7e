import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildWorld, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { SlaClockRow, SlaEscalation } from '../sla/sla.entities.js';
import { WorkOrder } from '../work-orders/work-order.entities.js';
import { StaffLeave } from './staff.entities.js';

/**
 * GET /api/work-orders?slaState=&atRisk= and GET /api/staff/board: SLA risk as the supervisor
 * sees it, scoped like every order query. Clocks are written directly (level = the escalation
 * already fired), so the test does not wait for timers.
 */
describe(`SLA-state filter and the team board (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let token: Record<string, string>;
  let seq = 0;
  const ids: Record<string, number> = {};

  const order = async (name: string, over: Partial<WorkOrder>, level: number | null) => {
    const wo = await server.ds.getRepository(WorkOrder).save({
      no: `B-${++seq}-${Date.now()}`,
      companyId: w.companyA.id,
      communityId: w.a1.id,
      houseId: w.houseA1.id,
      publicAreaId: null,
      kind: 'repair',
      channel: 'phone',
      category: 'plumbing',
      priority: 'P2',
      status: 'accepted',
      description: name,
      reporterId: null,
      createdById: w.staff.adminA.id,
      assigneeId: null,
      photoIds: [],
      ...over,
    });
    ids[name] = wo.id;
    if (level !== null) {
      const now = Date.now();
      const clock = await server.ds.getRepository(SlaClockRow).save({
        workOrderId: wo.id,
        cycle: wo.reopenCount ?? 0,
        stage: 'resolve',
        startedAt: new Date(now - 3_600_000),
        targetMinutes: 120,
        calendar: null,
        pausedSeconds: 0,
        pausedSince: null,
        pauseReason: null,
        dueAt: new Date(now + (level >= 3 ? -60_000 : 3_600_000)),
        status: 'running',
        level,
        stoppedAt: null,
        breachedAt: level >= 3 ? new Date(now - 60_000) : null,
      });
      for (let l = 1; l <= level; l++) {
        await server.ds
          .getRepository(SlaEscalation)
          .save({ clockId: clock.id, workOrderId: wo.id, level: l, notified: 'x' });
      }
    }
    return wo;
  };

  const list = async (who: string, query: string) => {
    const res = await server.api.get(`/work-orders?pageSize=100&${query}`, { token: token[who] });
    expect(res.status).toBe(200);
    return (res.body.items as Array<{ id: number }>).map((o) => o.id).sort((a, b) => a - b);
  };
  const idsOf = (...names: string[]) => names.map((n) => ids[n]).sort((a, b) => a - b);

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    token = {};
    for (const name of ['adminA', 'supervisorA1', 'deskA1', 'deskA2', 'techA1', 'adminB'] as const) {
      token[name] = await loginStaff(server, w.staff[name]);
    }
    const supervisorA2 = await w.factory.staff('supervisor', w.companyA.id, [w.a2.id]);
    token.supervisorA2 = await loginStaff(server, supervisorA2);
    const supervisorB = await w.factory.staff('supervisor', w.companyB.id, [w.b1.id]);
    token.supervisorB = await loginStaff(server, supervisorB);

    const t1 = w.staff.techA1.id;
    const t1b = w.staff.techA1b.id;
    await order('ok', { assigneeId: t1, status: 'accepted' }, 0);
    await order('noClock', { assigneeId: t1, status: 'assigned' }, null);
    await order('warning', { assigneeId: t1, status: 'in_progress' }, 1);
    await order('critical', { assigneeId: t1b, status: 'on_the_way' }, 2);
    await order('breached', { assigneeId: null, status: 'submitted' }, 3);
    // A stopped clock no longer counts; nor does an old cycle's.
    const met = await order('metClock', { assigneeId: t1b, status: 'in_progress' }, 3);
    await server.ds.getRepository(SlaClockRow).update({ workOrderId: met.id }, { status: 'met' });
    await order('oldCycle', { assigneeId: t1b, status: 'assigned', reopenCount: 1 }, null);
    await server.ds.getRepository(SlaClockRow).save({
      workOrderId: ids.oldCycle,
      cycle: 0,
      stage: 'resolve',
      startedAt: new Date(),
      targetMinutes: 60,
      calendar: null,
      pausedSeconds: 0,
      pausedSince: null,
      pauseReason: null,
      dueAt: new Date(),
      status: 'running',
      level: 3,
      stoppedAt: null,
      breachedAt: null,
    });
    // Another community (a2) and another company (b1), both late.
    await order('a2Late', { communityId: w.a2.id, houseId: w.houseA2.id, assigneeId: w.staff.techA2.id }, 2);
    await order(
      'b1Late',
      { companyId: w.companyB.id, communityId: w.b1.id, houseId: w.houseB1.id, assigneeId: w.staff.techB1.id },
      3,
    );
    // techA1b is on leave now.
    await server.ds.getRepository(StaffLeave).save({
      userId: t1b,
      startAt: new Date(Date.now() - 3_600_000),
      endAt: new Date(Date.now() + 3_600_000),
      reason: '病假',
      status: 'approved',
      reviewedById: w.staff.adminA.id,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  describe('GET /work-orders?slaState=&atRisk=', () => {
    it('filters by the live escalation level of the current cycle', async () => {
      expect(await list('adminA', 'slaState=ok')).toEqual(idsOf('ok', 'noClock', 'metClock', 'oldCycle'));
      expect(await list('adminA', 'slaState=warning')).toEqual(idsOf('warning'));
      expect(await list('adminA', 'slaState=critical')).toEqual(idsOf('critical', 'a2Late'));
      expect(await list('adminA', 'slaState=breached')).toEqual(idsOf('breached'));
      expect(await list('adminA', 'slaState=critical,breached')).toEqual(idsOf('critical', 'a2Late', 'breached'));
      expect(await list('adminA', 'atRisk=50')).toEqual(idsOf('warning', 'critical', 'a2Late', 'breached'));
      expect(await list('adminA', 'atRisk=75')).toEqual(idsOf('critical', 'a2Late', 'breached'));
    });

    it('combines with the other filters and the SLA sort', async () => {
      expect(await list('adminA', `atRisk=50&assigneeId=${w.staff.techA1.id}`)).toEqual(idsOf('warning'));
      expect(await list('adminA', 'atRisk=75&status=submitted')).toEqual(idsOf('breached'));
      const res = await server.api.get('/work-orders?atRisk=50&sort=sla', { token: token.adminA });
      expect(res.body.total).toBe(4);
    });

    it('stays scoped: another community, another company and a technician see only their own', async () => {
      expect(await list('supervisorA1', 'atRisk=50')).toEqual(idsOf('warning', 'critical', 'breached'));
      expect(await list('deskA2', 'atRisk=50')).toEqual(idsOf('a2Late'));
      expect(await list('supervisorA2', 'atRisk=75')).toEqual(idsOf('a2Late'));
      // Company B sees its own late order and nothing of company A's.
      expect(await list('adminB', 'atRisk=50')).toEqual(idsOf('b1Late'));
      expect(await list('supervisorB', 'atRisk=50')).toEqual(idsOf('b1Late'));
      expect(await list('techA1', 'atRisk=50')).toEqual(idsOf('warning'));
    });

    it('refuses unknown states and thresholds with VALIDATION_FAILED', async () => {
      for (const q of ['slaState=late', 'slaState=ok,soon', 'atRisk=60', 'atRisk=abc', 'atRisk=']) {
        const res = await server.api.get(`/work-orders?${q}`, { token: token.adminA });
        expect({ q, status: res.status, code: res.body.code }).toEqual({ q, status: 400, code: 'VALIDATION_FAILED' });
        expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([q.split('=')[0]]);
      }
    });
  });

  describe('GET /staff/board', () => {
    it("shows a supervisor each technician's load, status and risk, the totals and escalations", async () => {
      const res = await server.api.get('/staff/board', { token: token.supervisorA1 });
      expect(res.status).toBe(200);
      const techs = res.body.technicians as Array<Record<string, unknown>>;
      expect(techs.map((t) => t.id).sort()).toEqual([w.staff.techA1.id, w.staff.techA1b.id].sort());
      const t1 = techs.find((t) => t.id === w.staff.techA1.id);
      const t1b = techs.find((t) => t.id === w.staff.techA1b.id);
      expect(t1).toMatchObject({
        name: w.staff.techA1.name,
        status: 'busy',
        onShift: true,
        onLeave: false,
        capacity: 6,
        openOrders: 3,
        inProgress: 1,
        atRisk: 1,
        breached: 0,
      });
      expect(t1b).toMatchObject({ status: 'on_leave', onLeave: true, openOrders: 3, inProgress: 2, atRisk: 1 });
      // Most at risk first, then the busiest: both have one; ids break the tie.
      expect(res.body.totals).toEqual({ open: 7, unassigned: 1, warning: 1, critical: 1, breached: 1 });
      const esc = res.body.escalations as Array<Record<string, unknown>>;
      expect(esc.map((e) => [e.workOrderId, e.level]).sort()).toEqual(
        [
          [ids.critical, 2],
          [ids.breached, 2],
          [ids.breached, 3],
        ].sort(),
      );
      const crit = esc.find((e) => e.workOrderId === ids.critical)!;
      expect(crit).toMatchObject({
        status: 'on_the_way',
        priority: 'P2',
        stage: 'resolve',
        assignee: { id: w.staff.techA1b.id, name: w.staff.techA1b.name },
      });
      expect(typeof crit.location).toBe('string');
      expect(Number.isNaN(Date.parse(crit.at as string))).toBe(false);
    });

    it('an admin sees the whole company, or one community', async () => {
      const all = await server.api.get('/staff/board', { token: token.adminA });
      expect(all.body.technicians.map((t: { id: number }) => t.id)).toEqual(
        expect.arrayContaining([w.staff.techA1.id, w.staff.techA1b.id, w.staff.techA2.id]),
      );
      expect(all.body.totals.critical).toBe(2);
      const a2 = await server.api.get(`/staff/board?communityId=${w.a2.id}`, { token: token.adminA });
      expect(a2.body.technicians.map((t: { id: number }) => t.id)).toEqual([w.staff.techA2.id]);
      expect(a2.body.totals).toEqual({ open: 1, unassigned: 0, warning: 0, critical: 1, breached: 0 });
    });

    it("a supervisor of another community or company sees nothing of a1's", async () => {
      const a2 = await server.api.get('/staff/board', { token: token.supervisorA2 });
      expect(a2.body.technicians.map((t: { id: number }) => t.id)).toEqual([w.staff.techA2.id]);
      expect(a2.body.escalations.map((e: { workOrderId: number }) => e.workOrderId)).toEqual([ids.a2Late]);
      const narrowed = await server.api.get(`/staff/board?communityId=${w.a1.id}`, { token: token.supervisorA2 });
      expect(narrowed.status).toBe(200);
      expect(narrowed.body.technicians).toEqual([]);
      expect(narrowed.body.totals.open).toBe(0);
      const b = await server.api.get('/staff/board', { token: token.supervisorB });
      expect(b.body.technicians.map((t: { id: number }) => t.id)).toEqual([w.staff.techB1.id]);
      expect(b.body.escalations.every((e: { workOrderId: number }) => e.workOrderId === ids.b1Late)).toBe(true);
      const bOnA = await server.api.get(`/staff/board?communityId=${w.a1.id}`, { token: token.adminB });
      expect(bOnA.body).toMatchObject({ technicians: [], escalations: [], totals: { open: 0 } });
    });

    it('is for supervisors and admins only, with a validated community', async () => {
      for (const who of ['deskA1', 'techA1']) {
        expect((await server.api.get('/staff/board', { token: token[who] })).status).toBe(403);
      }
      expect((await server.api.get('/staff/board')).status).toBe(401);
      const bad = await server.api.get('/staff/board?communityId=0', { token: token.adminA });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe("a technician's own day and colleagues", () => {
    it('GET /staff/me/today: done today, open, own scores', async () => {
      await server.ds
        .getRepository(WorkOrder)
        .update({ id: ids.ok }, { status: 'completed', completedAt: new Date(), completedById: w.staff.techA1.id });
      const res = await server.api.get('/staff/me/today', { token: token.techA1 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ doneToday: 1, open: 2 });
      expect(res.body.date).toMatch(/^\d{4}-\d\d-\d\d$/);
      expect(res.body.satisfaction).toMatchObject({ to: res.body.date, rated: 0 });
      expect(typeof res.body.satisfaction.index).toBe('number');
      for (const who of ['deskA1', 'supervisorA1', 'adminA']) {
        expect((await server.api.get('/staff/me/today', { token: token[who] })).status).toBe(403);
      }
    });

    it('GET /staff/me/today for a technician serving no community: zeros, no scores', async () => {
      const loner = await w.factory.staff('technician', w.companyA.id, []);
      const res = await server.api.get('/staff/me/today', { token: await loginStaff(server, loner) });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        doneToday: 0,
        open: 0,
        satisfaction: { rated: 0, completed: 0, index: null, csat: null, firstTimeFixRate: null },
      });
      const none = await server.api.get('/staff/me/colleagues', { token: await loginStaff(server, loner) });
      expect(none.body).toEqual([]);
    });

    it('GET /staff/me/colleagues: technicians sharing a community, not themself', async () => {
      const res = await server.api.get('/staff/me/colleagues', { token: token.techA1 });
      expect(res.status).toBe(200);
      expect(res.body.map((c: { id: number }) => c.id)).toEqual([w.staff.techA1b.id]);
      expect(res.body[0]).toMatchObject({ communityIds: [w.a1.id], onLeave: true, capacity: 6 });
      expect((await server.api.get('/staff/me/colleagues', { token: token.deskA1 })).status).toBe(403);
    });
  });

  describe("the desk's callers of a house", () => {
    it('GET /staff/desk/house-residents: verified residents with full phone, scoped', async () => {
      const res = await server.api.get(`/staff/desk/house-residents?houseId=${w.houseA1.id}`, { token: token.deskA1 });
      expect(res.status).toBe(200);
      // resPending is not verified.
      expect(res.body).toEqual([
        {
          userId: w.residents.resA1.id,
          name: w.residents.resA1.name,
          phone: w.residents.resA1.phone,
          relation: 'owner',
        },
      ]);
      expect(
        (await server.api.get(`/staff/desk/house-residents?houseId=${w.houseA1.id}`, { token: token.adminA })).status,
      ).toBe(200);
      for (const who of ['deskA2', 'adminB', 'supervisorB']) {
        const r = await server.api.get(`/staff/desk/house-residents?houseId=${w.houseA1.id}`, { token: token[who] });
        expect({ who, status: r.status }).toEqual({ who, status: 404 });
      }
      expect((await server.api.get('/staff/desk/house-residents?houseId=999999', { token: token.deskA1 })).status).toBe(
        404,
      );
      const bad = await server.api.get('/staff/desk/house-residents?houseId=x', { token: token.deskA1 });
      expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      const tech = await server.api.get(`/staff/desk/house-residents?houseId=${w.houseA1.id}`, { token: token.techA1 });
      expect(tech.status).toBe(403);
    });
  });

  describe("the desk's lookup of a caller by phone", () => {
    it('GET /staff/desk/callers: the verified residents with this phone and their houses, scoped', async () => {
      const res = await server.api.get(`/staff/desk/callers?phone=${w.residents.resA1.phone}`, {
        token: token.deskA1,
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        {
          userId: w.residents.resA1.id,
          name: w.residents.resA1.name,
          phone: w.residents.resA1.phone,
          houses: [
            {
              houseId: w.houseA1.id,
              label: w.houseA1.label,
              buildingId: w.houseA1.buildingId,
              buildingName: expect.any(String),
              communityId: w.a1.id,
              communityName: w.a1.name,
              relation: 'owner',
            },
          ],
        },
      ]);
      // A pending binding is nobody's house yet; another community's desk or company sees nothing.
      const pending = await server.api.get(`/staff/desk/callers?phone=${w.residents.resPending.phone}`, {
        token: token.deskA1,
      });
      expect(pending.body).toEqual([]);
      for (const who of ['deskA2', 'adminB']) {
        const r = await server.api.get(`/staff/desk/callers?phone=${w.residents.resA1.phone}`, { token: token[who] });
        expect({ who, status: r.status, body: r.body }).toEqual({ who, status: 200, body: [] });
      }
      const unknown = await server.api.get('/staff/desk/callers?phone=13000000000', { token: token.deskA1 });
      expect(unknown.body).toEqual([]);
      for (const phone of ['', '1391000', '23910007919', '139100079190', 'abc']) {
        const bad = await server.api.get(`/staff/desk/callers?phone=${phone}`, { token: token.deskA1 });
        expect({ phone, status: bad.status, code: bad.body.code, field: bad.body.details?.[0]?.field }).toEqual({
          phone,
          status: 400,
          code: 'VALIDATION_FAILED',
          field: 'phone',
        });
      }
      const tech = await server.api.get(`/staff/desk/callers?phone=${w.residents.resA1.phone}`, {
        token: token.techA1,
      });
      expect(tech.status).toBe(403);
    });
  });

  describe('the loser of a race hears who won', () => {
    it('a grab with a stale version answers VERSION_CONFLICT naming the winner', async () => {
      const pooled = await order('pooledRace', { status: 'pooled', assigneeId: null }, null);
      const techA1b = await loginStaff(server, w.staff.techA1b);
      const won = await server.api.post(
        `/work-orders/${pooled.id}/transitions`,
        { action: 'grab', version: pooled.version },
        { token: techA1b },
      );
      expect(won.status).toBe(200);
      const lost = await server.api.post(
        `/work-orders/${pooled.id}/transitions`,
        { action: 'grab', version: pooled.version },
        { token: token.techA1 },
      );
      expect(lost.status).toBe(409);
      expect(lost.body).toMatchObject({
        code: 'VERSION_CONFLICT',
        details: {
          currentVersion: pooled.version + 1,
          status: 'accepted',
          assignee: { id: w.staff.techA1b.id, name: w.staff.techA1b.name },
        },
      });
    });
  });
});
