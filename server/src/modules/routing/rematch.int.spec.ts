import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { AuditLog } from '../audit/audit-log.entity.js';
import { TechnicianProfile, TechnicianSkill } from '../staff/staff.entities.js';
import { WorkOrder, WorkOrderEvent } from '../work-orders/work-order.entities.js';
import { RoutingDecisionRecord } from './routing.entities.js';

/** Issue 16 item 6: the supervisor's re-match on demand (docs/routing.md "Re-match on demand"). */
describe(`re-match on demand (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  const t: Record<string, string> = {};
  const ids: Record<string, number> = {};
  let filed = 0;

  const profile = (userId: number, capacity: number) =>
    server.ds
      .getRepository(TechnicianProfile)
      .save({ userId, capacity, latitude: null, longitude: null, lastAssignedAt: null });
  const order = (id: number) => server.ds.getRepository(WorkOrder).findOneByOrFail({ id });
  const file = async (priority: string) => {
    const res = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: `水管漏水 ${++filed}`, houseId: w.houseA1.id, priority },
      { token: t.resA1 },
    );
    expect(res.status).toBe(201);
    return res.body.id as number;
  };
  const preview = (token = t.supervisorA1) => server.api.get('/routing/rematch', { token });
  const apply = (moves: object[], token = t.supervisorA1) => server.api.post('/routing/rematch', { moves }, { token });

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    t.resA1 = await loginResident(server, 'code-res-a1');
    for (const name of ['supervisorA1', 'deskA1', 'techA1', 'adminA', 'adminB'] as const) {
      t[name] = await loginStaff(server, w.staff[name]);
    }
    const skills = server.ds.getRepository(TechnicianSkill);
    await skills.save({ userId: w.staff.techA1.id, category: 'plumbing', level: 1 });
    await skills.save({ userId: w.staff.techA1b.id, category: 'plumbing', level: 5 });
    // Nobody has room: the two resident orders wait.
    await profile(w.staff.techA1.id, 0);
    await profile(w.staff.techA1b.id, 0);
    ids.waitP1 = await file('P1');
    ids.waitP3 = await file('P3');
    // The desk put a third on techA1 by hand (not yet accepted).
    ids.held = await file('P3');
    const asg = await server.api.post(
      `/work-orders/${ids.held}/transitions`,
      { action: 'assign', assigneeId: w.staff.techA1.id, reason: '先派给在场的师傅' },
      { token: t.deskA1 },
    );
    expect(asg.status).toBe(200);
    for (const id of [ids.waitP1, ids.waitP3]) expect((await order(id)).routingState).toBe('waiting');
    // Room again: techA1 (skill 1) has one slot beyond the order it holds, techA1b (skill 5) three.
    await profile(w.staff.techA1.id, 2);
    await profile(w.staff.techA1b.id, 3);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('is for supervisors and admins only', async () => {
    for (const name of ['deskA1', 'techA1', 'resA1']) {
      expect([name, (await preview(t[name])).status]).toEqual([name, 403]);
      const res = await apply([{ workOrderId: ids.held, technicianId: w.staff.techA1b.id, version: 1 }], t[name]);
      expect([name, res.status]).toEqual([name, 403]);
    }
  });

  it('previews who moves where and why, with the cost saved, and writes nothing', async () => {
    const before = await Promise.all([ids.waitP1, ids.waitP3, ids.held].map(order));
    const res = await preview();
    expect(res.status).toBe(200);
    expect(res.body.backlog).toBe(3);
    const moves = res.body.moves as Array<Record<string, any>>;
    expect(moves.map((m) => m.workOrderId).sort()).toEqual([ids.waitP1, ids.waitP3, ids.held].sort());
    // The most urgent first; the waiting ones are placed for urgency, the held one for a better fit.
    expect(moves[0]).toMatchObject({ workOrderId: ids.waitP1, priority: 'P1', from: null, why: 'urgency' });
    const held = moves.find((m) => m.workOrderId === ids.held)!;
    expect(held).toMatchObject({
      from: { id: w.staff.techA1.id },
      to: { id: w.staff.techA1b.id },
      why: 'better_fit',
      version: before[2].version,
    });
    expect(held.to.score).toBeGreaterThan(held.from.score);
    expect(held.grades.skill).toBe(1);
    expect(held.costSaved).toBeGreaterThan(0);
    expect(res.body.costSaved).toBeGreaterThan(0);
    expect(res.body.proposedCost).toBeLessThan(res.body.currentCost);
    // Nothing written.
    const after = await Promise.all([ids.waitP1, ids.waitP3, ids.held].map(order));
    expect(after.map((o) => [o.version, o.assigneeId])).toEqual(before.map((o) => [o.version, o.assigneeId]));
    expect(await server.ds.getRepository(AuditLog).countBy({ entityType: 'work_order' })).toBe(0);
    // Another company's admin sees none of it.
    const other = await preview(t.adminB);
    expect(other.status).toBe(200);
    expect(other.body.moves).toEqual([]);
  });

  it('applies the chosen moves through the assign transition, audited; a changed order is skipped as stale', async () => {
    const moves = (await preview()).body.moves as Array<Record<string, any>>;
    const pick = (id: number) => {
      const m = moves.find((x) => x.workOrderId === id)!;
      return { workOrderId: id, technicianId: m.to.id, version: m.version };
    };
    // Between preview and apply the desk assigns the P3 elsewhere: that move is stale.
    const desk = await server.api.post(
      `/work-orders/${ids.waitP3}/transitions`,
      { action: 'assign', assigneeId: w.staff.techA1.id, reason: '住户指定' },
      { token: t.deskA1 },
    );
    expect(desk.status).toBe(200);
    const res = await apply([pick(ids.waitP1), pick(ids.waitP3), pick(ids.held)]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ applied: 2, skipped: 1 });
    expect(res.body.results.map((r: any) => [r.workOrderId, r.outcome])).toEqual([
      [ids.waitP1, 'applied'],
      [ids.waitP3, 'stale'],
      [ids.held, 'applied'],
    ]);
    expect((await order(ids.waitP1)).assigneeId).toBe(w.staff.techA1b.id);
    expect((await order(ids.held)).assigneeId).toBe(w.staff.techA1b.id);
    expect((await order(ids.waitP3)).assigneeId).toBe(w.staff.techA1.id);

    // The timeline says who did it and why; the routing decision is stored as a re-match.
    const events = await server.ds
      .getRepository(WorkOrderEvent)
      .find({ where: { workOrderId: ids.held, action: 'assign' }, order: { id: 'ASC' } });
    expect(events.at(-1)).toMatchObject({ actorId: w.staff.supervisorA1.id, actorRole: 'supervisor' });
    expect(events.at(-1)!.note).toContain('重新匹配');
    const decisions = await server.ds.getRepository(RoutingDecisionRecord).findBy({ workOrderId: ids.held });
    expect(decisions.find((d) => d.outcome === 'rematched')?.chosenUserId).toBe(w.staff.techA1b.id);
    const audit = await server.ds.getRepository(AuditLog).find({ where: { entityType: 'work_order' } });
    expect(audit.map((a) => a.entityId).sort()).toEqual([ids.waitP1, ids.held].sort());
    const heldAudit = audit.find((a) => a.entityId === ids.held)!;
    expect(heldAudit.actorId).toBe(w.staff.supervisorA1.id);
    expect(heldAudit.before).toMatchObject({ assigneeId: w.staff.techA1.id });
    expect(heldAudit.after).toMatchObject({ assigneeId: w.staff.techA1b.id, reason: '重新匹配' });

    // Applying the same preview again: every order has moved on, nothing is applied twice.
    const again = await apply([pick(ids.waitP1), pick(ids.held)]);
    expect(again.body).toMatchObject({ applied: 0, skipped: 2 });
  });

  it('skips a technician who no longer qualifies and an order out of view', async () => {
    const held = await order(ids.held);
    const res = await apply([
      { workOrderId: ids.held, technicianId: w.staff.techA2.id, version: held.version },
      { workOrderId: 99999999, technicianId: w.staff.techA1.id, version: 1 },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: any) => r.outcome)).toEqual(['ineligible', 'not_found']);
    expect((await order(ids.held)).assigneeId).toBe(w.staff.techA1b.id);
  });

  it('validates the body', async () => {
    for (const body of [
      [],
      [{ workOrderId: 'x', technicianId: 1, version: 1 }],
      [{ workOrderId: 1 }],
      [{ workOrderId: 1e17, technicianId: 1, version: 1 }],
    ]) {
      const res = await apply(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const dup = { workOrderId: ids.held, technicianId: w.staff.techA1.id, version: 1 };
    expect((await apply([dup, dup])).status).toBe(400);
  });
});
