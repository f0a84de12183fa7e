/**
 * Routing's quality and distance grades from real data: the quality grade is the technician's
 * shrunk satisfaction index for the order's category as the dashboards compute it (from the
 * rollups), the distance grade and travel minutes come from the technician's position.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { addDays, chinaDay, distanceKm, travelMinutes, type RoutingExplanationView } from '@linli/shared';
import { Clock } from '../../common/clock.js';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import { Building, Community } from '../places/place.entities.js';
import { RollupQueue } from '../satisfaction/rollup-queue.js';
import { Rating, RollupDirty } from '../satisfaction/satisfaction.entities.js';
import { Team, TeamMember, TechnicianProfile, TechnicianSkill } from '../staff/staff.entities.js';
import { TechnicianPositions } from '../staff/technician-positions.js';
import { WorkOrder } from '../work-orders/work-order.entities.js';
import { RoutingRule } from './routing.entities.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe(`routing grades from real data (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let resident: string;
  let desk: string;
  let admin: string;
  let seq = 0;
  let filed = 0;
  const dirty = new Set<string>();

  const now = () => server.app.get(Clock).now();
  const create = () =>
    server.api.post(
      '/work-orders',
      { category: 'plumbing', description: `漏水 ${++filed}`, houseId: w.houseA1.id },
      { token: resident },
    );
  const explain = async (id: number) => {
    const res = await server.api.get<RoutingExplanationView>(`/work-orders/${id}/routing/explain`, { token: desk });
    expect(res.status).toBe(200);
    return new Map(res.body.ranked.map((r) => [r.userId, r]));
  };

  /** A closed order completed by `techId` at `at`, rated `stars` an hour later (null: unrated). */
  async function completed(
    techId: number,
    at: Date,
    stars: number | null,
    place: { communityId: number; houseId: number } = { communityId: w.a1.id, houseId: w.houseA1.id },
    category = 'plumbing',
  ) {
    const created = new Date(at.getTime() - 2 * HOUR);
    const res = await server.ds.getRepository(WorkOrder).insert({
      no: `G-${++seq}`,
      companyId: w.companyA.id,
      communityId: place.communityId,
      houseId: place.houseId,
      publicAreaId: null,
      kind: 'repair',
      channel: 'phone',
      category,
      priority: 'P3',
      status: 'closed',
      description: '旧单',
      reporterId: null,
      createdById: w.staff.deskA1.id,
      assigneeId: techId,
      preferredTime: null,
      photoIds: [],
      quoteItems: null,
      quoteTotalFen: null,
      quoteApproved: null,
      urgeCount: 0,
      reopenCount: 0,
      routingState: null,
      excludedUserIds: null,
      refusalCount: 0,
      offerExpiresAt: null,
      slaDueAt: null,
      repeatOfId: null,
      acceptedAt: created,
      arrivedAt: created,
      firstCompletedAt: at,
      visits: 1,
      completedById: techId,
      ratingStars: stars,
      unrated: stars === null,
      version: 1,
      completedAt: at,
      closedAt: new Date(at.getTime() + HOUR),
      createdAt: created,
      updatedAt: at,
    });
    const id = Number(res.identifiers[0].id);
    if (stars !== null) {
      await server.ds.getRepository(Rating).insert({
        workOrderId: id,
        raterId: w.residents.resA1.id,
        companyId: w.companyA.id,
        stars,
        speed: null,
        workmanship: null,
        attitude: null,
        communication: null,
        fixed: stars >= 3,
        tags: [],
        comment: null,
        createdAt: new Date(at.getTime() + HOUR),
      });
    }
    for (const t of [created, at, new Date(at.getTime() + HOUR)]) dirty.add(`${place.communityId}:${t.toISOString()}`);
    return id;
  }

  /** Mark the days the inserted rows touch, as the events would have, and run the rollup jobs. */
  async function rollUp() {
    const queue = server.app.get(RollupQueue);
    await server.ds.transaction(async (em) => {
      for (const key of dirty) {
        const [community, at] = key.split(/:(.*)/s);
        await queue.markDirty(em, Number(community), new Date(at));
      }
    });
    dirty.clear();
    for (let i = 0; i < 10; i++) {
      const fired = await server.app.get(JobRunner).tick();
      if (fired === 0 && (await server.ds.getRepository(RollupDirty).count()) === 0) return;
    }
  }

  /** The dashboards' index of a slice over routing's window (365 days to today, rolling). */
  async function dashboardIndex(slice: string): Promise<number> {
    const today = chinaDay(now());
    const iso = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
    const res = await server.api.get(
      `/satisfaction/summary?from=${iso(addDays(today, -364))}&to=${iso(today)}&rolling=true&${slice}`,
      { token: admin },
    );
    expect(res.status).toBe(200);
    return res.body.index.value;
  }

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    resident = await loginResident(server, 'code-res-a1');
    desk = await loginStaff(server, w.staff.deskA1);
    admin = await loginStaff(server, w.staff.adminA);
    // Two technicians of A1 equal in every fact routing reads but their history.
    for (const t of [w.staff.techA1, w.staff.techA1b]) {
      await server.ds.getRepository(TechnicianSkill).save({ userId: t.id, category: 'plumbing', level: 4 });
    }
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await server.ds
      .createQueryBuilder()
      .update(WorkOrder)
      .set({ status: 'closed', assigneeId: null, routingState: null })
      .where('status NOT IN (:...done)', { done: ['closed', 'cancelled'] })
      .execute();
    await server.ds.getRepository(RoutingRule).clear();
    await server.ds.getRepository(TechnicianProfile).clear();
  });

  it('grades quality with the dashboards’ shrunk index: good ratings outrank bad ones, a newcomer gets the team’s', async () => {
    // Without history the two tie and the lower id (techA1) wins; techA1b's good ratings and
    // techA1's bad ones must turn that round.
    expect(w.staff.techA1.id).toBeLessThan(w.staff.techA1b.id);
    const before = await create();
    expect(before.body.assignee.id).toBe(w.staff.techA1.id);
    const neutral = await explain(before.body.id);
    expect(neutral.get(w.staff.techA1.id)!.grades.quality.grade).toBe(0.5);
    expect(neutral.get(w.staff.techA1b.id)!.grades.quality.grade).toBe(0.5);

    const t = now().getTime();
    for (const d of [3, 4, 5, 6]) {
      await completed(w.staff.techA1b.id, new Date(t - d * DAY), 5);
      await completed(w.staff.techA1.id, new Date(t - d * DAY), 1);
    }
    // Another category does not count in plumbing, but moves the technician's overall index.
    await completed(w.staff.techA1.id, new Date(t - 2 * DAY), 5, undefined, 'electrical');
    // A team: techA1b and a newcomer with no ratings at all.
    const newcomer = await w.factory.staff('technician', w.companyA.id, [w.a1.id]);
    await server.ds.getRepository(TechnicianSkill).save({ userId: newcomer.id, category: 'plumbing', level: 1 });
    const team = await server.api.post(
      '/teams',
      { name: '评分组', memberIds: [w.staff.techA1b.id, newcomer.id] },
      { token: admin },
    );
    expect(team.status).toBe(201);
    await rollUp();

    const after = await create();
    expect(after.status).toBe(201);
    expect(after.body.assignee.id).toBe(w.staff.techA1b.id);
    const ranked = await explain(after.body.id);
    const good = ranked.get(w.staff.techA1b.id)!;
    const bad = ranked.get(w.staff.techA1.id)!;
    expect(good.grades.quality.grade).toBeGreaterThan(0.5);
    expect(bad.grades.quality.grade).toBeLessThan(0.5);
    // The same numbers as the dashboards: technician x category, shrunk along the chain.
    expect(good.grades.quality.grade).toBeCloseTo(
      (await dashboardIndex(`technicianId=${w.staff.techA1b.id}&category=plumbing`)) / 100,
      4,
    );
    expect(bad.grades.quality.grade).toBeCloseTo(
      (await dashboardIndex(`technicianId=${w.staff.techA1.id}&category=plumbing`)) / 100,
      4,
    );
    // The newcomer: the team's index (their prior), not the neutral 0.5.
    const teamIndex = await dashboardIndex(`teamId=${team.body.id}`);
    expect(teamIndex).toBeGreaterThan(50);
    expect(ranked.get(newcomer.id)!.grades.quality.grade).toBeCloseTo(teamIndex / 100, 4);
    // Without a team and ratings: the company's index.
    const loner = await w.factory.staff('technician', w.companyA.id, [w.a1.id]);
    await server.ds.getRepository(TechnicianSkill).save({ userId: loner.id, category: 'plumbing', level: 1 });
    const third = await explain(after.body.id);
    expect(third.get(loner.id)!.grades.quality.grade).toBeCloseTo((await dashboardIndex('')) / 100, 4);

    // Clean up for the distance case: no history (ratings stay, but the team is gone).
    await server.ds.getRepository(TeamMember).delete({ teamId: team.body.id });
    await server.ds.getRepository(Team).delete({ id: team.body.id });
    for (const u of [newcomer, loner]) await server.ds.getRepository(TechnicianSkill).delete({ userId: u.id });
  });

  it('grades distance from each technician’s position and shows the travel minutes', async () => {
    const site = { latitude: 31.2304, longitude: 121.4737 };
    await server.ds.getRepository(Building).update({ id: w.houseA1.buildingId }, site);
    await server.ds.getRepository(Community).update({ id: w.a1.id }, { latitude: 31.2, longitude: 121.45 });
    const at = now();
    // techA1 reported 1 km away 10 minutes ago; techA1b 6 km away, but 3 hours ago (ignored),
    // and their current job is in the A1b house's building, 3 km away.
    const near = { latitude: 31.2394, longitude: 121.4737 };
    await server.ds.getRepository(TechnicianProfile).save({
      userId: w.staff.techA1.id,
      capacity: 6,
      ...near,
      positionAt: new Date(at.getTime() - 10 * 60_000),
      lastAssignedAt: null,
    });
    await server.ds.getRepository(TechnicianProfile).save({
      userId: w.staff.techA1b.id,
      capacity: 6,
      latitude: 31.2844,
      longitude: 121.4737,
      positionAt: new Date(at.getTime() - 3 * HOUR),
      lastAssignedAt: null,
    });
    const job = { latitude: 31.2574, longitude: 121.4737 };
    await server.ds.getRepository(Building).update({ id: w.houseA1b.buildingId }, job);
    const held = await completed(w.staff.techA1b.id, new Date(at.getTime() - DAY), null, {
      communityId: w.a1.id,
      houseId: w.houseA1b.id,
    });
    await server.ds
      .getRepository(WorkOrder)
      .update({ id: held }, { status: 'in_progress', completedAt: null, completedById: null });

    const positions = await server.app
      .get(TechnicianPositions)
      .positionsOf(server.ds.manager, w.companyA.id, [w.staff.techA1.id, w.staff.techA1b.id, w.staff.techA2.id], at);
    expect(positions.get(w.staff.techA1.id)).toEqual({ ...near, source: 'reported' });
    expect(positions.get(w.staff.techA1b.id)).toEqual({ ...job, source: 'current_job' });
    // techA2 has never worked: nothing known.
    expect(positions.get(w.staff.techA2.id)).toBeNull();

    const order = await create();
    expect(order.status).toBe(201);
    const ranked = await explain(order.body.id);
    const a = ranked.get(w.staff.techA1.id)!;
    const b = ranked.get(w.staff.techA1b.id)!;
    const kmA = distanceKm(near, site)!;
    const kmB = distanceKm(job, site)!;
    expect(a).toMatchObject({ positionSource: 'reported', travelMinutes: travelMinutes(kmA) });
    expect(a.distanceKm).toBeCloseTo(kmA, 2);
    expect(b).toMatchObject({ positionSource: 'current_job', travelMinutes: travelMinutes(kmB) });
    expect(b.distanceKm).toBeCloseTo(kmB, 2);
    expect(a.grades.distance.grade).toBeCloseTo(1 - kmA / 10, 4);
    expect(b.grades.distance.grade).toBeCloseTo(1 - kmB / 10, 4);
    expect(a.grades.distance.grade).toBeGreaterThan(b.grades.distance.grade);

    // Once the job is done, the last finished job is where techA1b is; without building
    // coordinates, its community's.
    await server.ds
      .getRepository(WorkOrder)
      .update({ id: held }, { status: 'closed', completedAt: at, completedById: w.staff.techA1b.id });
    await server.ds.getRepository(Building).update({ id: w.houseA1b.buildingId }, { latitude: null, longitude: null });
    const later = await server.app
      .get(TechnicianPositions)
      .positionsOf(server.ds.manager, w.companyA.id, [w.staff.techA1b.id], at);
    expect(later.get(w.staff.techA1b.id)).toEqual({ latitude: 31.2, longitude: 121.45, source: 'last_job' });
  });

  it('keeps the position a technician’s phone sends with 出发/到达 as their reported position', async () => {
    const order = await create();
    expect(order.status).toBe(201);
    const techId: number = order.body.assignee.id;
    const token = await loginStaff(server, techId === w.staff.techA1.id ? w.staff.techA1 : w.staff.techA1b);
    const act = (body: object) => server.api.post(`/work-orders/${order.body.id}/transitions`, body, { token });
    // A position goes with depart or arrive only, both coordinates, in range.
    const early = await act({ action: 'accept', latitude: 31.23, longitude: 121.47 });
    expect(early.status).toBe(400);
    expect(early.body.details.map((d: { field: string }) => d.field)).toEqual(['latitude']);
    expect((await act({ action: 'accept' })).status).toBe(200);
    const half = await act({ action: 'depart', latitude: 31.23 });
    expect(half.status).toBe(400);
    expect(half.body.details.map((d: { field: string }) => d.field)).toEqual(['longitude']);
    const out = await act({ action: 'depart', latitude: 91, longitude: 121.47 });
    expect(out.status).toBe(400);
    // (Routing's assignment made a profile; nothing was reported.)
    expect(await server.ds.getRepository(TechnicianProfile).findOneBy({ userId: techId })).toMatchObject({
      latitude: null,
      positionAt: null,
    });

    expect((await act({ action: 'depart', latitude: 31.2401, longitude: 121.4802 })).status).toBe(200);
    const profile = await server.ds.getRepository(TechnicianProfile).findOneByOrFail({ userId: techId });
    expect(profile).toMatchObject({ latitude: 31.2401, longitude: 121.4802 });
    expect(Math.abs(profile.positionAt!.getTime() - now().getTime())).toBeLessThan(60_000);
    const at = now();
    const read = () => server.app.get(TechnicianPositions).positionsOf(server.ds.manager, w.companyA.id, [techId], at);
    expect((await read()).get(techId)).toEqual({ latitude: 31.2401, longitude: 121.4802, source: 'reported' });
    // Without coordinates (no consent) the last report stays; after 2 hours it no longer counts,
    // and the current job (on the way to its building) is where they are.
    expect((await act({ action: 'arrive' })).status).toBe(200);
    await server.ds
      .getRepository(TechnicianProfile)
      .update({ userId: techId }, { positionAt: new Date(at.getTime() - 2 * HOUR - 1000) });
    expect((await read()).get(techId)).toEqual({ latitude: 31.2304, longitude: 121.4737, source: 'current_job' });
  });
});
