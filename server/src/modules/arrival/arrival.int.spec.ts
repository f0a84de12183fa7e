import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { Building } from '../places/place.entities.js';
import { TechnicianProfile, TechnicianSkill } from '../staff/staff.entities.js';
import { WorkOrder } from '../work-orders/work-order.entities.js';
import { ArrivalService } from './arrival.service.js';

const MIN = 60_000;

describe(`arrival estimates and stage promises over HTTP (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let resident: string;
  let desk: string;
  let tech: string;

  let filed = 0;
  const create = (token: string, body: object = {}) =>
    server.api.post(
      '/work-orders',
      { category: 'plumbing', description: `厨房漏水 ${++filed}`, houseId: w.houseA1.id, priority: 'P2', ...body },
      { token },
    );
  const act = (token: string, id: number, body: object) =>
    server.api.post(`/work-orders/${id}/transitions`, body, { token });
  const detail = (token: string, id: number) => server.api.get(`/work-orders/${id}`, { token });

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    resident = await loginResident(server, 'code-res-a1');
    desk = await loginStaff(server, w.staff.deskA1);
    tech = await loginStaff(server, w.staff.techA1);
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    // Each case starts with nobody holding open work.
    await server.ds
      .createQueryBuilder()
      .update(WorkOrder)
      .set({ status: 'closed', assigneeId: null, routingState: null })
      .execute();
  });

  it('says nothing about arrival before a technician is assigned, and promises each stage its own time', async () => {
    const res = await create(resident);
    expect(res.status).toBe(201);
    // Nobody has the skill: routing waits (派单中 / 等待派单), no estimate.
    expect(res.body.assignee).toBeNull();
    expect(res.body.arrival).toBeNull();
    const stages = res.body.promises.map((p: { stage: string }) => p.stage);
    expect(stages).toEqual(['accept', 'arrive', 'resolve']);
    const created = Date.parse(res.body.createdAt);
    const at = (i: number) => Date.parse(res.body.promises[i].promisedAt);
    // P2 (docs/sla.md): 15 min to accept, 2 h to arrive, 4 h to resolve: fixed times, none a countdown.
    expect(at(0) - created).toBeGreaterThanOrEqual(15 * MIN - 1000);
    expect(at(1)).toBeGreaterThan(at(0));
    expect(at(2)).toBeGreaterThan(at(1));
    expect(res.body.promises.every((p: { state: string }) => p.state === 'pending')).toBe(true);
  });

  it('estimates the arrival once assigned, recomputed on every read as the queue changes', async () => {
    const mine = (await create(resident)).body;
    expect((await act(desk, mine.id, { action: 'assign', assigneeId: w.staff.techA1.id })).status).toBe(200);
    const alone = (await detail(resident, mine.id)).body;
    const before = Date.now();
    expect(alone.arrival).toMatchObject({ ahead: 0, basis: '师傅下一单就是您家' });
    expect(Date.parse(alone.arrival.earliestAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(alone.arrival.latestAt)).toBeGreaterThanOrEqual(Date.parse(alone.arrival.earliestAt));

    // A burst pipe (P1) for the same technician goes first: the resident's order now waits for it.
    const other = await create(desk, { priority: 'P1', houseId: w.houseA1b.id, description: '爆管' });
    expect((await act(desk, other.body.id, { action: 'assign', assigneeId: w.staff.techA1.id })).status).toBe(200);
    const behind = (await detail(resident, mine.id)).body;
    expect(behind.arrival).toMatchObject({ ahead: 1, basis: '师傅前面还有 1 单' });
    expect(Date.parse(behind.arrival.latestAt)).toBeGreaterThan(Date.parse(alone.arrival.latestAt));

    // Staff answers carry neither (only the resident's pages show them; no reads for nothing).
    const staffView = (await detail(desk, mine.id)).body;
    expect([staffView.arrival, staffView.promises]).toEqual([undefined, undefined]);

    // The technician sets out for the resident's order: it is next, and said so.
    expect((await act(tech, mine.id, { action: 'accept' })).status).toBe(200);
    expect((await act(tech, mine.id, { action: 'depart' })).status).toBe(200);
    const coming = (await detail(resident, mine.id)).body;
    expect(coming.arrival).toMatchObject({ ahead: 0, basis: '师傅已出发' });

    // Arrived: no more estimate; the promises say the accept and the visit were on time.
    expect((await act(tech, mine.id, { action: 'arrive' })).status).toBe(200);
    const there = (await detail(resident, mine.id)).body;
    expect(there.arrival).toBeNull();
    const byStage = Object.fromEntries(there.promises.map((p: { stage: string }) => [p.stage, p]));
    expect(byStage.accept).toMatchObject({ state: 'kept', basis: 'sla' });
    expect(byStage.arrive).toMatchObject({ state: 'kept', basis: 'sla' });
    expect(Date.parse(byStage.arrive.doneAt)).toBeLessThanOrEqual(Date.parse(byStage.arrive.promisedAt));
    expect(byStage.resolve).toMatchObject({ state: 'pending', doneAt: null });
  });

  it('plans with the category’s history of on-site durations', async () => {
    const first = (await create(desk, { houseId: w.houseA1b.id, description: '先修这个' })).body;
    const mine = (await create(resident, { priority: 'P3' })).body;
    for (const o of [first, mine]) await act(desk, o.id, { action: 'assign', assigneeId: w.staff.techA1.id });
    const withDefaults = (await detail(resident, mine.id)).body.arrival;
    // Five finished plumbing repairs that each took 5 hours on site.
    const finished = Date.now() - 86_400_000;
    for (let i = 0; i < 5; i++) {
      const o = (await create(desk, { houseId: w.houseA1b.id, description: `历史 ${i}` })).body;
      await server.ds.getRepository(WorkOrder).update(o.id, {
        status: 'closed',
        arrivedAt: new Date(finished - 300 * MIN),
        firstCompletedAt: new Date(finished),
      });
    }
    const withHistory = (await detail(resident, mine.id)).body.arrival;
    expect(withHistory.ahead).toBe(1);
    expect(Date.parse(withHistory.latestAt) - Date.parse(withDefaults.latestAt)).toBeGreaterThan(100 * MIN);
  });

  it('counts the trip from where the technician is to the building, by their coordinates', async () => {
    const mine = (await create(resident, { priority: 'P3' })).body;
    await act(desk, mine.id, { action: 'assign', assigneeId: w.staff.techA1.id });
    // The technician's phone reported a position at 出发/到达 a minute ago.
    await server.ds
      .getRepository(TechnicianProfile)
      .save({ userId: w.staff.techA1.id, capacity: 6, latitude: 22.54, longitude: 114.05, positionAt: new Date() });
    const building = async (latitude: number) => {
      await server.ds.getRepository(Building).update(w.houseA1.buildingId, { latitude, longitude: 114.05 });
      return (await detail(resident, mine.id)).body.arrival;
    };
    const near = await building(22.54);
    // 10 km north: 40 more minutes at 15 km/h (shared/src/geo.ts).
    const far = await building(22.54 + 10 / 111.2);
    const minutes = (a: { latestAt: string }, b: { latestAt: string }) =>
      (Date.parse(b.latestAt) - Date.parse(a.latestAt)) / MIN;
    expect(minutes(near, far)).toBeGreaterThanOrEqual(35);
    expect(minutes(near, far)).toBeLessThanOrEqual(45);
    await server.ds.getRepository(Building).update(w.houseA1.buildingId, { latitude: null, longitude: null });
    await server.ds.getRepository(TechnicianProfile).delete({ userId: w.staff.techA1.id });
  });

  it('estimates a community’s whole open backlog in one pass, the same as one order at a time', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      const o = (await create(desk, { houseId: w.houseA1b.id, description: `积压 ${i}`, priority: i ? 'P3' : 'P2' }))
        .body;
      await act(desk, o.id, { action: 'assign', assigneeId: i % 2 ? w.staff.techA1.id : w.staff.techA1b.id });
      ids.push(o.id);
    }
    const service = server.app.get(ArrivalService);
    const now = new Date();
    const all = await service.arrivalsOfCommunity(w.companyA.id, w.a1.id, now);
    expect([...all.keys()].sort((a, b) => a - b)).toEqual(ids);
    const orders = await server.ds.getRepository(WorkOrder).findBy({});
    for (const id of ids) {
      expect(all.get(id)).toEqual(
        await service.arrivalOf(
          orders.find((o) => o.id === id)!,
          now,
        ),
      );
    }
    // Another company's community: nothing of company A.
    expect((await service.arrivalsOfCommunity(w.companyB.id, w.a1.id, now)).size).toBe(0);
  });

  it('never shows a resident routing scores; staff keep them', async () => {
    await server.ds.getRepository(TechnicianSkill).save({ userId: w.staff.techA2.id, category: 'plumbing', level: 5 });
    // House A2 is served by techA2, who has the skill: routing assigns with its score in the note.
    const resA2 = await loginResident(server, 'code-res-a2');
    const filedA2 = await create(resA2, { houseId: w.houseA2.id });
    expect(filedA2.body.assignee).toMatchObject({ id: w.staff.techA2.id });
    const admin = await loginStaff(server, w.staff.adminA);
    const staffView = (await detail(admin, filedA2.body.id)).body;
    const assign = staffView.timeline.find((e: { action: string }) => e.action === 'assign');
    expect(assign.note).toMatch(/得分 \d/);
    for (const answer of [filedA2.body, (await detail(resA2, filedA2.body.id)).body]) {
      const json = JSON.stringify(answer);
      expect(json).not.toMatch(/得分|score|grade/i);
      const line = answer.timeline.find((e: { action: string }) => e.action === 'assign');
      expect(line).toMatchObject({ note: null, handover: { to: { id: w.staff.techA2.id } } });
    }
    const list = await server.api.get('/work-orders', { token: resA2 });
    expect(JSON.stringify(list.body)).not.toMatch(/得分|score/i);
  });
});
