import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chinaLocalTime, exclusionReasons, type RoutingCandidate } from '@linli/shared';
import type { EntityManager } from 'typeorm';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { Community } from '../places/place.entities.js';
import { WorkOrder } from '../work-orders/work-order.entities.js';
import { StaffRepository } from './staff.repository.js';

const HOUR = 3_600_000;

describe(`staff, teams, shifts and leave over HTTP (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let admin: string;
  let supervisor: string;
  let desk: string;
  let deskA2: string;
  let tech: string;
  let adminB: string;
  let resident: string;
  let orderSeq = 0;

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    admin = await loginStaff(server, w.staff.adminA);
    supervisor = await loginStaff(server, w.staff.supervisorA1);
    desk = await loginStaff(server, w.staff.deskA1);
    deskA2 = await loginStaff(server, w.staff.deskA2);
    tech = await loginStaff(server, w.staff.techA1);
    adminB = await loginStaff(server, w.staff.adminB);
    resident = await loginResident(server, 'code-res-a1');
  });
  afterAll(async () => {
    await server?.close();
  });

  const put = (token: string, path: string, body: unknown) => server.api.request('PUT', path, { token, body });
  const del = (token: string, path: string) => server.api.request('DELETE', path, { token });
  const fields = (res: { body: { details?: Array<{ field: string }> } }) =>
    (res.body.details ?? []).map((d) => d.field).sort();
  const count = async (table: string) => Number((await server.ds.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  const newTech = (communities: number[] = [w.a1.id], opts: { active?: boolean } = {}) =>
    w.factory.staff('technician', w.companyA.id, communities, opts);
  const heldOrder = (assigneeId: number | null, status: string, em: EntityManager = server.ds.manager) =>
    em.getRepository(WorkOrder).save({
      no: `T-${++orderSeq}-${Date.now()}`,
      companyId: w.companyA.id,
      communityId: w.a1.id,
      houseId: w.houseA1.id,
      publicAreaId: null,
      kind: 'repair',
      channel: 'phone',
      category: 'plumbing',
      priority: 'P3',
      status,
      description: 'load',
      reporterId: null,
      createdById: w.staff.adminA.id,
      assigneeId,
      photoIds: [],
    });
  const todayInChina = () => chinaLocalTime(new Date()).date;

  describe('listing and reading staff', () => {
    it('lists the whole company for an admin, with the facts routing uses', async () => {
      const res = await server.api.get('/staff', { token: admin });
      expect(res.status).toBe(200);
      const ids = res.body.map((s: { id: number }) => s.id);
      for (const s of ['adminA', 'supervisorA1', 'deskA1', 'deskA2', 'techA1', 'techA1b', 'techA2'] as const) {
        expect(ids).toContain(w.staff[s].id);
      }
      for (const s of ['adminB', 'deskB1', 'techB1'] as const) expect(ids).not.toContain(w.staff[s].id);
      expect(ids).not.toContain(w.residents.resA1.id);
      const techA1 = res.body.find((s: { id: number }) => s.id === w.staff.techA1.id);
      expect(techA1).toEqual({
        id: w.staff.techA1.id,
        username: w.staff.techA1.username,
        name: w.staff.techA1.name,
        role: 'technician',
        phone: w.staff.techA1.phone,
        active: true,
        communityIds: [w.a1.id],
        buildingIds: [],
        teamIds: [],
        skills: [],
        capacity: 6,
        latitude: null,
        longitude: null,
        openOrders: 0,
        onShift: true,
        onLeave: false,
      });
    });

    it('filters by role and community', async () => {
      const res = await server.api.get(`/staff?role=technician&communityId=${w.a1.id}`, { token: admin });
      expect(res.status).toBe(200);
      const ids = res.body.map((s: { id: number }) => s.id);
      expect(ids).toEqual(expect.arrayContaining([w.staff.techA1.id, w.staff.techA1b.id]));
      expect(ids).not.toContain(w.staff.techA2.id);
      expect(res.body.every((s: { role: string }) => s.role === 'technician')).toBe(true);
    });

    it('shows supervisor and desk only the staff of their communities', async () => {
      for (const token of [supervisor, desk]) {
        const ids = (await server.api.get('/staff', { token })).body.map((s: { id: number }) => s.id);
        expect(ids).toEqual(
          expect.arrayContaining([w.staff.techA1.id, w.staff.techA1b.id, w.staff.deskA1.id, w.staff.supervisorA1.id]),
        );
        expect(ids).not.toContain(w.staff.techA2.id);
        expect(ids).not.toContain(w.staff.deskA2.id);
        expect(ids).not.toContain(w.staff.adminA.id);
      }
      const a2 = (await server.api.get('/staff', { token: deskA2 })).body.map((s: { id: number }) => s.id);
      expect(a2).toContain(w.staff.techA2.id);
      expect(a2).not.toContain(w.staff.techA1.id);
    });

    it('reads one staff member; another company or community is 404, other roles 403', async () => {
      const one = await server.api.get(`/staff/${w.staff.techA1.id}`, { token: supervisor });
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ id: w.staff.techA1.id, role: 'technician', capacity: 6 });
      expect((await server.api.get(`/staff/${w.staff.techB1.id}`, { token: admin })).status).toBe(404);
      expect((await server.api.get(`/staff/${w.staff.techA1.id}`, { token: adminB })).status).toBe(404);
      expect((await server.api.get(`/staff/${w.staff.techA2.id}`, { token: desk })).status).toBe(404);
      expect((await server.api.get(`/staff/${w.residents.resA1.id}`, { token: admin })).status).toBe(404);
      expect((await server.api.get('/staff/999999', { token: admin })).body.code).toBe('NOT_FOUND');
      expect((await server.api.get('/staff', { token: tech })).status).toBe(403);
      expect((await server.api.get(`/staff/${w.staff.techA1.id}`, { token: tech })).status).toBe(403);
      expect((await server.api.get('/staff', { token: resident })).status).toBe(403);
    });

    it('validates the list query', async () => {
      const res = await server.api.get('/staff?role=boss&communityId=abc', { token: admin });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(fields(res)).toEqual(['communityId', 'role']);
    });
  });

  describe('profile, skills and service area', () => {
    it('sets capacity (admin, supervisor for their staff); no coordinates', async () => {
      const t = await newTech();
      const res = await put(admin, `/staff/${t.id}/profile`, { capacity: 3 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: t.id, capacity: 3, latitude: null, longitude: null });
      // A position comes from jobs and the phone (technician-positions.ts), not from a form.
      const typed = await put(admin, `/staff/${t.id}/profile`, { capacity: 3, latitude: 31.23, longitude: 121.47 });
      expect(typed.status).toBe(400);
      expect(fields(typed)).toEqual(['latitude', 'longitude']);
      const bySupervisor = await put(supervisor, `/staff/${t.id}/profile`, { capacity: 4 });
      expect(bySupervisor.status).toBe(200);
      expect(bySupervisor.body).toMatchObject({ capacity: 4, latitude: null, longitude: null });
    });

    it('refuses a bad profile, lists the fields and changes nothing', async () => {
      const t = await newTech();
      await put(admin, `/staff/${t.id}/profile`, { capacity: 5 });
      const bad = await put(admin, `/staff/${t.id}/profile`, { capacity: 51, latitude: 91, longitude: 'x', extra: 1 });
      expect(bad.status).toBe(400);
      expect(fields(bad)).toEqual(['capacity', 'extra', 'latitude', 'longitude']);
      const zero = await put(admin, `/staff/${t.id}/profile`, { capacity: 0 });
      expect(fields(zero)).toEqual(['capacity']);
      const half = await put(admin, `/staff/${t.id}/profile`, { capacity: 2, latitude: 30 });
      expect(half.status).toBe(400);
      expect(fields(half)).toEqual(['latitude']);
      const notTech = await put(admin, `/staff/${w.staff.deskA1.id}/profile`, { capacity: 2 });
      expect(notTech.status).toBe(400);
      expect(fields(notTech)).toEqual(['id']);
      expect((await server.api.get(`/staff/${t.id}`, { token: admin })).body).toMatchObject({
        capacity: 5,
        latitude: null,
      });
    });

    it('keeps profile changes inside the actor’s reach', async () => {
      expect((await put(supervisor, `/staff/${w.staff.techA2.id}/profile`, { capacity: 2 })).status).toBe(404);
      expect((await put(admin, `/staff/${w.staff.techB1.id}/profile`, { capacity: 2 })).status).toBe(404);
      expect((await put(desk, `/staff/${w.staff.techA1.id}/profile`, { capacity: 2 })).status).toBe(403);
      expect((await put(tech, `/staff/${w.staff.techA1.id}/profile`, { capacity: 2 })).status).toBe(403);
    });

    it('replaces skills with company categories only (admin)', async () => {
      const t = await newTech();
      const first = await put(admin, `/staff/${t.id}/skills`, {
        skills: [
          { category: 'plumbing', level: 4 },
          { category: 'electrical', level: 2 },
        ],
      });
      expect(first.status).toBe(200);
      expect(first.body.skills).toEqual([
        { category: 'electrical', level: 2 },
        { category: 'plumbing', level: 4 },
      ]);
      const second = await put(admin, `/staff/${t.id}/skills`, { skills: [{ category: 'other', level: 5 }] });
      expect(second.body.skills).toEqual([{ category: 'other', level: 5 }]);

      const bad = await put(admin, `/staff/${t.id}/skills`, {
        skills: [
          { category: 'plumbing', level: 6 },
          { category: 'gas', level: 3 },
          { category: 'Bad!', level: 1 },
        ],
      });
      expect(bad.status).toBe(400);
      expect(fields(bad)).toEqual(['skills.0.level', 'skills.2.category']);
      const unknown = await put(admin, `/staff/${t.id}/skills`, {
        skills: [
          { category: 'gas', level: 3 },
          { category: 'other', level: 1 },
          { category: 'other', level: 2 },
        ],
      });
      expect(unknown.status).toBe(400);
      expect(fields(unknown)).toEqual(['skills.0.category', 'skills.2.category']);
      expect((await server.api.get(`/staff/${t.id}`, { token: admin })).body.skills).toEqual([
        { category: 'other', level: 5 },
      ]);
      expect((await put(supervisor, `/staff/${t.id}/skills`, { skills: [] })).status).toBe(403);
      expect((await put(admin, `/staff/${w.staff.techB1.id}/skills`, { skills: [] })).status).toBe(404);
      expect((await put(admin, `/staff/${t.id}/skills`, { skills: [] })).body.skills).toEqual([]);
    });

    it('replaces the service area; buildings must lie in the communities given', async () => {
      const t = await newTech();
      const buildingA1 = w.houseA1.buildingId;
      const buildingA2 = w.houseA2.buildingId;
      const res = await put(admin, `/staff/${t.id}/service-area`, {
        communityIds: [w.a1.id, w.a2.id],
        buildingIds: [buildingA1],
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ communityIds: [w.a1.id, w.a2.id], buildingIds: [buildingA1] });
      // Takes effect for the staff member's scope at once: deskA2 now sees them.
      const seenByA2 = await server.api.get(`/staff/${t.id}`, { token: deskA2 });
      expect(seenByA2.status).toBe(200);

      const before = [await count('staff_community'), await count('staff_building')];
      const stray = await put(admin, `/staff/${t.id}/service-area`, {
        communityIds: [w.a1.id],
        buildingIds: [buildingA2, w.houseB1.buildingId],
      });
      expect(stray.status).toBe(400);
      expect(fields(stray)).toEqual(['buildingIds']);
      const foreign = await put(admin, `/staff/${t.id}/service-area`, { communityIds: [w.b1.id, 999999] });
      expect(fields(foreign)).toEqual(['communityIds']);
      const dupes = await put(admin, `/staff/${t.id}/service-area`, { communityIds: [w.a1.id, w.a1.id] });
      expect(fields(dupes)).toEqual(['communityIds']);
      expect([await count('staff_community'), await count('staff_building')]).toEqual(before);
      expect((await server.api.get(`/staff/${t.id}`, { token: admin })).body).toMatchObject({
        communityIds: [w.a1.id, w.a2.id],
        buildingIds: [buildingA1],
      });

      const cleared = await put(admin, `/staff/${t.id}/service-area`, { communityIds: [w.a2.id] });
      expect(cleared.body).toMatchObject({ communityIds: [w.a2.id], buildingIds: [] });
      expect((await put(admin, `/staff/${w.staff.adminA.id}/service-area`, { communityIds: [] })).status).toBe(400);
      expect((await put(supervisor, `/staff/${t.id}/service-area`, { communityIds: [] })).status).toBe(403);
      expect((await put(adminB, `/staff/${t.id}/service-area`, { communityIds: [] })).status).toBe(404);
    });
  });

  describe('shifts', () => {
    it('replaces and reads the roster; an off day today takes the technician off shift', async () => {
      const t = await newTech();
      expect((await server.api.get(`/staff/${t.id}/shifts`, { token: supervisor })).body).toEqual({
        pattern: [],
        exceptions: [],
      });
      const roster = {
        pattern: [
          { weekday: 1, startMinute: 480, endMinute: 1080 },
          { weekday: 5, startMinute: 1320, endMinute: 1440 },
        ],
        exceptions: [
          { date: '2030-01-02', off: false, startMinute: 600, endMinute: 700 },
          { date: todayInChina(), off: true },
        ],
      };
      const res = await put(supervisor, `/staff/${t.id}/shifts`, roster);
      expect(res.status).toBe(200);
      // Read back in calendar order.
      const byDate = [...roster.exceptions].sort((a, b) => a.date.localeCompare(b.date));
      expect(res.body).toEqual({ pattern: roster.pattern, exceptions: byDate });
      expect((await server.api.get(`/staff/${t.id}/shifts`, { token: admin })).body).toEqual(res.body);
      expect((await server.api.get(`/staff/${t.id}`, { token: admin })).body.onShift).toBe(false);

      const cleared = await put(admin, `/staff/${t.id}/shifts`, { pattern: [], exceptions: [] });
      expect(cleared.body).toEqual({ pattern: [], exceptions: [] });
      expect((await server.api.get(`/staff/${t.id}`, { token: admin })).body.onShift).toBe(true);
    });

    it('refuses an invalid roster with the shared rules, and changes nothing', async () => {
      const t = await newTech();
      const good = { pattern: [{ weekday: 2, startMinute: 0, endMinute: 600 }], exceptions: [] };
      await put(admin, `/staff/${t.id}/shifts`, good);
      const before = [await count('shift_pattern'), await count('shift_exception')];
      const bad = await put(admin, `/staff/${t.id}/shifts`, {
        pattern: [
          { weekday: 7, startMinute: 0, endMinute: 60 },
          { weekday: 1, startMinute: 600, endMinute: 600 },
        ],
        exceptions: [{ date: '2025-02-30', off: true }],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
      expect(fields(bad)).toEqual(['exceptions.0', 'pattern.0', 'pattern.1']);
      const shapes = await put(admin, `/staff/${t.id}/shifts`, { pattern: [{ weekday: 'mon' }], exceptions: 'x' });
      expect(fields(shapes)).toEqual(
        expect.arrayContaining(['exceptions', 'pattern.0.endMinute', 'pattern.0.startMinute', 'pattern.0.weekday']),
      );
      expect([await count('shift_pattern'), await count('shift_exception')]).toEqual(before);
      expect((await server.api.get(`/staff/${t.id}/shifts`, { token: admin })).body).toEqual(good);
    });

    it('keeps rosters inside the actor’s reach', async () => {
      const empty = { pattern: [], exceptions: [] };
      expect((await put(supervisor, `/staff/${w.staff.techA2.id}/shifts`, empty)).status).toBe(404);
      expect((await server.api.get(`/staff/${w.staff.techB1.id}/shifts`, { token: admin })).status).toBe(404);
      expect((await put(desk, `/staff/${w.staff.techA1.id}/shifts`, empty)).status).toBe(403);
      expect((await server.api.get(`/staff/${w.staff.techA1.id}/shifts`, { token: tech })).status).toBe(403);
    });
  });

  describe('leave', () => {
    const iso = (ms: number) => new Date(ms).toISOString();

    it('a technician asks for themself (pending); an admin files approved leave', async () => {
      const start = Date.UTC(2031, 0, 10);
      const mine = await server.api.post(
        `/staff/${w.staff.techA1.id}/leave`,
        { startAt: iso(start), endAt: iso(start + 48 * HOUR), reason: '  年假 ' },
        { token: tech },
      );
      expect(mine.status).toBe(201);
      expect(mine.body).toMatchObject({
        userId: w.staff.techA1.id,
        userName: w.staff.techA1.name,
        status: 'pending',
        reason: '年假',
        reviewedById: null,
        startAt: iso(start),
        endAt: iso(start + 48 * HOUR),
      });
      const t = await newTech();
      const now = Date.now();
      const filed = await server.api.post(
        `/staff/${t.id}/leave`,
        { startAt: iso(now - HOUR), endAt: iso(now + 24 * HOUR), reason: '病假' },
        { token: admin },
      );
      expect(filed.status).toBe(201);
      expect(filed.body).toMatchObject({ status: 'approved', reviewedById: w.staff.adminA.id });
      expect((await server.api.get(`/staff/${t.id}`, { token: admin })).body.onLeave).toBe(true);
    });

    it('refuses bad leave, lists the fields and writes nothing', async () => {
      const before = await count('staff_leave');
      const start = Date.UTC(2032, 0, 1);
      const post = (body: object, token = tech, id = w.staff.techA1.id) =>
        server.api.post(`/staff/${id}/leave`, body, { token });
      const backwards = await post({ startAt: iso(start), endAt: iso(start), reason: 'x' });
      expect(backwards.status).toBe(400);
      expect(fields(backwards)).toEqual(['endAt']);
      const tooLong = await post({ startAt: iso(start), endAt: iso(start + 91 * 24 * HOUR), reason: 'x' });
      expect(fields(tooLong)).toEqual(['endAt']);
      const shapes = await post({ startAt: '2032-01-01T08:00:00', endAt: 'tomorrow', reason: '' });
      expect(fields(shapes)).toEqual(['endAt', 'reason', 'startAt']);
      const blank = await post({ startAt: iso(start), endAt: iso(start + HOUR), reason: '   ' });
      expect(fields(blank)).toEqual(['reason']);
      await post({ startAt: iso(start), endAt: iso(start + 24 * HOUR), reason: '第一次' });
      const overlap = await post({ startAt: iso(start + 12 * HOUR), endAt: iso(start + 36 * HOUR), reason: '重叠' });
      expect(overlap.status).toBe(400);
      expect(fields(overlap)).toEqual(['startAt']);
      expect(await count('staff_leave')).toBe(before + 1);
    });

    it('only for oneself, or for one’s own staff', async () => {
      const body = { startAt: '2033-01-01T00:00:00+08:00', endAt: '2033-01-02T00:00:00+08:00', reason: '事假' };
      expect((await server.api.post(`/staff/${w.staff.techA1b.id}/leave`, body, { token: tech })).status).toBe(404);
      expect((await server.api.post(`/staff/${w.staff.techA2.id}/leave`, body, { token: supervisor })).status).toBe(
        404,
      );
      expect((await server.api.post(`/staff/${w.staff.techA1.id}/leave`, body, { token: adminB })).status).toBe(404);
      expect((await server.api.post(`/staff/${w.staff.deskA1.id}/leave`, body, { token: desk })).status).toBe(403);
      const bySupervisor = await server.api.post(`/staff/${w.staff.techA1b.id}/leave`, body, { token: supervisor });
      expect(bySupervisor.status).toBe(201);
      expect(bySupervisor.body.status).toBe('pending');
    });

    it('lists leave by scope and status', async () => {
      const t2 = await newTech([w.a2.id]);
      const pendingA2 = await server.api.post(
        `/staff/${t2.id}/leave`,
        { startAt: '2034-01-01T00:00:00Z', endAt: '2034-01-02T00:00:00Z', reason: 'a2' },
        { token: await loginStaff(server, t2) },
      );
      const forSupervisor = await server.api.get('/leave?status=pending', { token: supervisor });
      expect(forSupervisor.status).toBe(200);
      expect(forSupervisor.body.length).toBeGreaterThan(0);
      expect(forSupervisor.body.every((l: { status: string }) => l.status === 'pending')).toBe(true);
      expect(forSupervisor.body.map((l: { id: number }) => l.id)).not.toContain(pendingA2.body.id);
      const forAdmin = await server.api.get('/leave?status=pending', { token: admin });
      expect(forAdmin.body.map((l: { id: number }) => l.id)).toContain(pendingA2.body.id);
      expect((await server.api.get('/leave', { token: adminB })).body).toEqual([]);
      const own = await server.api.get('/leave', { token: tech });
      expect(own.body.every((l: { userId: number }) => l.userId === w.staff.techA1.id)).toBe(true);
      expect((await server.api.get('/leave?status=maybe', { token: admin })).status).toBe(400);
      expect((await server.api.get('/leave', { token: desk })).status).toBe(403);
    });

    it('reviews once: two reviewers racing give one winner and a 409', async () => {
      for (let i = 0; i < 3; i++) {
        const start = Date.UTC(2035, 0, 1 + 3 * i);
        const leave = await server.api.post(
          `/staff/${w.staff.techA1.id}/leave`,
          { startAt: iso(start), endAt: iso(start + 24 * HOUR), reason: `race ${i}` },
          { token: tech },
        );
        const results = await Promise.all([
          server.api.post(`/leave/${leave.body.id}/review`, { decision: 'approved' }, { token: admin }),
          server.api.post(`/leave/${leave.body.id}/review`, { decision: 'rejected' }, { token: supervisor }),
          server.api.post(`/leave/${leave.body.id}/review`, { decision: 'rejected' }, { token: admin }),
        ]);
        const winners = results.filter((r) => r.status === 200);
        expect(winners).toHaveLength(1);
        for (const loser of results.filter((r) => r.status !== 200)) {
          expect(loser.status).toBe(409);
          expect(loser.body.code).toBe('TRANSITION_NOT_ALLOWED');
        }
        const row = (await server.ds.query('SELECT status FROM staff_leave WHERE id = ?', [leave.body.id]))[0];
        expect(row.status).toBe(winners[0].body.status);
      }
    });

    it('checks who may review', async () => {
      const t2 = await newTech([w.a2.id]);
      const token2 = await loginStaff(server, t2);
      const leave = await server.api.post(
        `/staff/${t2.id}/leave`,
        { startAt: '2036-01-01T00:00:00Z', endAt: '2036-01-02T00:00:00Z', reason: 'a2' },
        { token: token2 },
      );
      const review = (token: string, id = leave.body.id, body: object = { decision: 'approved' }) =>
        server.api.post(`/leave/${id}/review`, body, { token });
      expect((await review(supervisor)).status).toBe(404);
      expect((await review(adminB)).status).toBe(404);
      expect((await review(tech)).status).toBe(403);
      expect((await review(desk)).status).toBe(403);
      expect((await review(admin, leave.body.id, { decision: 'maybe' })).status).toBe(400);
      expect((await review(admin, 999999)).status).toBe(404);
      const own = await server.api.post(
        `/staff/${w.staff.supervisorA1.id}/leave`,
        { startAt: '2036-02-01T00:00:00Z', endAt: '2036-02-02T00:00:00Z', reason: '自己' },
        { token: supervisor },
      );
      expect((await review(supervisor, own.body.id)).status).toBe(403);
      const approved = await review(admin);
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({ status: 'approved', reviewedById: w.staff.adminA.id });
      const again = await review(admin, leave.body.id, { decision: 'rejected' });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('TRANSITION_NOT_ALLOWED');
    });
  });

  describe('teams', () => {
    it('creates, lists, replaces and deletes a team (admin)', async () => {
      const created = await server.api.post(
        '/teams',
        { name: '水电一组', supervisorId: w.staff.supervisorA1.id, memberIds: [w.staff.techA1.id, w.staff.techA1b.id] },
        { token: admin },
      );
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: '水电一组',
        supervisorId: w.staff.supervisorA1.id,
        supervisorName: w.staff.supervisorA1.name,
        memberIds: [w.staff.techA1.id, w.staff.techA1b.id].sort((a, b) => a - b),
      });
      const id = created.body.id;
      expect((await server.api.get(`/staff/${w.staff.techA1.id}`, { token: admin })).body.teamIds).toContain(id);
      const listed = await server.api.get('/teams', { token: admin });
      expect(listed.body.map((t: { id: number }) => t.id)).toContain(id);
      expect((await server.api.get('/teams', { token: adminB })).body.map((t: { id: number }) => t.id)).not.toContain(
        id,
      );

      const updated = await put(admin, `/teams/${id}`, { name: '水电二组', memberIds: [w.staff.techA2.id] });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ name: '水电二组', supervisorId: null, memberIds: [w.staff.techA2.id] });
      expect((await server.api.get(`/staff/${w.staff.techA1.id}`, { token: admin })).body.teamIds).not.toContain(id);

      expect((await del(admin, `/teams/${id}`)).status).toBe(204);
      expect((await put(admin, `/teams/${id}`, { name: 'x', memberIds: [] })).status).toBe(404);
      expect(Number((await server.ds.query('SELECT COUNT(*) AS n FROM team_member WHERE teamId = ?', [id]))[0].n)).toBe(
        0,
      );
    });

    it('validates members, supervisor and name, and changes nothing', async () => {
      const keep = await server.api.post(
        '/teams',
        { name: '保留组', memberIds: [w.staff.techA1.id] },
        { token: admin },
      );
      const before = [await count('team'), await count('team_member')];
      const bad = await server.api.post(
        '/teams',
        { name: '新组', supervisorId: w.staff.deskA1.id, memberIds: [w.staff.deskA1.id, w.staff.techB1.id] },
        { token: admin },
      );
      expect(bad.status).toBe(400);
      expect(fields(bad)).toEqual(['memberIds', 'supervisorId']);
      const shapes = await server.api.post('/teams', { name: 'x'.repeat(51), memberIds: [1, 1] }, { token: admin });
      expect(fields(shapes)).toEqual(['memberIds', 'name']);
      const blank = await server.api.post('/teams', { name: ' \u3000', memberIds: [1, 1] }, { token: admin });
      expect(fields(blank)).toEqual(['memberIds', 'name']);
      const taken = await server.api.post('/teams', { name: '保留组', memberIds: [] }, { token: admin });
      expect(fields(taken)).toEqual(['name']);
      const badUpdate = await put(admin, `/teams/${keep.body.id}`, { name: '改名', memberIds: [w.staff.techB1.id] });
      expect(fields(badUpdate)).toEqual(['memberIds']);
      expect([await count('team'), await count('team_member')]).toEqual(before);
      expect(
        (await server.api.get('/teams', { token: admin })).body.find((t: { id: number }) => t.id === keep.body.id),
      ).toMatchObject({ name: '保留组', memberIds: [w.staff.techA1.id] });
    });

    it('is company-scoped and admin-only', async () => {
      const team = await server.api.post('/teams', { name: 'B组', memberIds: [w.staff.techB1.id] }, { token: adminB });
      expect(team.status).toBe(201);
      expect((await put(admin, `/teams/${team.body.id}`, { name: 'x', memberIds: [] })).status).toBe(404);
      expect((await del(admin, `/teams/${team.body.id}`)).status).toBe(404);
      for (const token of [supervisor, desk, tech, resident]) {
        expect((await server.api.get('/teams', { token })).status).toBe(403);
        expect((await server.api.post('/teams', { name: 'x', memberIds: [] }, { token })).status).toBe(403);
      }
    });

    it('refuses to delete a team a routing rule uses', async () => {
      const team = await server.api.post('/teams', { name: '专用组', memberIds: [] }, { token: admin });
      const rule = await server.api.post(
        '/routing-rules',
        { communityId: w.a2.id, category: 'electrical', mode: 'auto', teamId: team.body.id },
        { token: admin },
      );
      expect(rule.status).toBe(201);
      const refused = await del(admin, `/teams/${team.body.id}`);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'TRANSITION_NOT_ALLOWED', details: { ruleIds: [rule.body.id] } });
      expect((await del(admin, `/routing-rules/${rule.body.id}`)).status).toBe(204);
      expect((await del(admin, `/teams/${team.body.id}`)).status).toBe(204);
    });
  });

  describe('loadCandidates (for routing)', () => {
    let repo: StaffRepository;
    beforeAll(() => {
      repo = server.app.get(StaffRepository);
    });
    const routingOrder = (buildingId: number | null) => ({
      category: 'plumbing',
      communityId: w.a1.id,
      buildingId,
      priority: 'P3' as const,
      excludedUserIds: [],
      teamId: null,
    });

    it('builds every active technician of the company with the facts at `now`', async () => {
      await server.ds.getRepository(Community).update({ id: w.a1.id }, { latitude: 31.2304, longitude: 121.4737 });
      const plain = await newTech();
      await put(admin, `/staff/${plain.id}/skills`, { skills: [{ category: 'plumbing', level: 4 }] });
      // Reported by the phone a minute ago (出发/到达): the position routing measures from.
      await server.ds.transaction((em) =>
        repo.saveReportedPosition(
          em,
          plain.id,
          { latitude: 31.2304, longitude: 121.5737 },
          new Date(Date.now() - 60_000),
        ),
      );

      const onLeave = await newTech();
      await put(admin, `/staff/${onLeave.id}/skills`, { skills: [{ category: 'plumbing', level: 3 }] });
      const now = Date.now();
      await server.api.post(
        `/staff/${onLeave.id}/leave`,
        { startAt: new Date(now - HOUR).toISOString(), endAt: new Date(now + 8 * HOUR).toISOString(), reason: '病假' },
        { token: admin },
      );
      // Pending leave does not count.
      const pendingOnly = await newTech();
      await server.api.post(
        `/staff/${pendingOnly.id}/leave`,
        { startAt: new Date(now - HOUR).toISOString(), endAt: new Date(now + 8 * HOUR).toISOString(), reason: '待批' },
        { token: supervisor },
      );

      const offToday = await newTech();
      await put(admin, `/staff/${offToday.id}/shifts`, {
        pattern: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440 })),
        exceptions: [{ date: todayInChina(), off: true }],
      });

      const full = await newTech();
      await put(admin, `/staff/${full.id}/profile`, { capacity: 2 });
      await heldOrder(full.id, 'assigned');
      await heldOrder(full.id, 'in_progress');
      await heldOrder(full.id, 'completed');
      await heldOrder(full.id, 'closed');

      const narrowed = await newTech([w.a1.id, w.a2.id]);
      await put(admin, `/staff/${narrowed.id}/service-area`, {
        communityIds: [w.a1.id, w.a2.id],
        buildingIds: [w.houseA1.buildingId],
      });
      const team = await server.api.post('/teams', { name: '候选组', memberIds: [narrowed.id] }, { token: admin });

      const inactive = await newTech([w.a1.id], { active: false });

      const candidates = await repo.loadCandidates(w.companyA.id, w.a1.id, 'plumbing', new Date());
      const byId = new Map(candidates.map((c) => [c.userId, c]));
      const ids = candidates.map((c) => c.userId);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      // Every active technician, whatever their community or skill; nobody else.
      for (const u of [w.staff.techA1, w.staff.techA1b, w.staff.techA2, plain, onLeave, offToday, full, narrowed]) {
        expect(ids).toContain(u.id);
      }
      for (const u of [inactive, w.staff.techB1, w.staff.deskA1, w.staff.supervisorA1, w.staff.adminA]) {
        expect(ids).not.toContain(u.id);
      }

      const p = byId.get(plain.id)!;
      expect(p).toMatchObject({
        name: plain.name,
        active: true,
        skills: { plumbing: 4 },
        communityIds: [w.a1.id],
        buildingIds: null,
        teamIds: [],
        onShift: true,
        onLeave: false,
        openOrders: 0,
        capacity: 6,
        // No ratings in the company at all: the neutral grade.
        quality: 0.5,
        lastAssignedAt: null,
      });
      // 0.1 degree of longitude at 31.23 N is about 9.5 km.
      expect(p.distanceKm).toBeGreaterThan(9.4);
      expect(p.distanceKm).toBeLessThan(9.6);
      expect(byId.get(w.staff.techA1.id)!.distanceKm).toBeNull();

      expect(byId.get(onLeave.id)).toMatchObject({ onLeave: true, onShift: true });
      expect(byId.get(pendingOnly.id)).toMatchObject({ onLeave: false });
      expect(byId.get(offToday.id)).toMatchObject({ onShift: false, onLeave: false });
      expect(byId.get(full.id)).toMatchObject({ openOrders: 2, capacity: 2 });
      expect(byId.get(narrowed.id)).toMatchObject({
        communityIds: [w.a1.id, w.a2.id],
        buildingIds: [w.houseA1.buildingId],
        teamIds: [team.body.id],
      });

      // The shared core reads these flags as intended.
      const reasons = (c: RoutingCandidate, buildingId: number | null = w.houseA1.buildingId) =>
        exclusionReasons(routingOrder(buildingId), c);
      expect(reasons(p)).toEqual([]);
      expect(reasons(byId.get(onLeave.id)!)).toEqual(['on_leave']);
      expect(reasons(byId.get(offToday.id)!)).toEqual(['no_skill', 'off_shift']);
      expect(reasons(byId.get(full.id)!)).toEqual(['no_skill', 'at_capacity']);
      expect(reasons(byId.get(narrowed.id)!, w.houseA1b.buildingId)).toEqual(['no_skill', 'not_serving_building']);
      expect(reasons(byId.get(w.staff.techA2.id)!)).toEqual(['no_skill', 'not_serving_community']);
    });

    it('uses a fixed number of queries whatever the number of technicians', async () => {
      const queries = async () => {
        const logger = server.ds.logger;
        const original = logger.logQuery.bind(logger);
        let n = 0;
        logger.logQuery = (...args: Parameters<typeof original>) => {
          n++;
          return original(...args);
        };
        try {
          await repo.loadCandidates(w.companyA.id, w.a1.id, 'plumbing', new Date());
        } finally {
          logger.logQuery = original;
        }
        return n;
      };
      const before = await queries();
      for (let i = 0; i < 4; i++) {
        const t = await newTech([w.a1.id, w.a2.id]);
        await put(admin, `/staff/${t.id}/skills`, { skills: [{ category: 'plumbing', level: 2 }] });
        await heldOrder(t.id, 'accepted');
      }
      expect(before).toBeGreaterThan(0);
      // Users, rosters (6), profiles, leave, load, positions (profiles, current and last jobs,
      // their places), quality (teams, rollups), communities. Quality and communities are cached
      // outside test mode.
      expect(before).toBeLessThanOrEqual(22);
      expect(await queries()).toBe(before);
    });

    it('reads inside a caller’s transaction, seeing its uncommitted writes', async () => {
      const t = await newTech();
      let inside: RoutingCandidate[] = [];
      await expect(
        server.ds.transaction(async (em) => {
          await heldOrder(t.id, 'assigned', em);
          inside = await repo.loadCandidates(w.companyA.id, w.a1.id, 'plumbing', new Date(), em);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(inside.find((c) => c.userId === t.id)?.openOrders).toBe(1);
      const after = await repo.loadCandidates(w.companyA.id, w.a1.id, 'plumbing', new Date());
      expect(after.find((c) => c.userId === t.id)?.openOrders).toBe(0);
    });

    it('is empty for a company without technicians', async () => {
      const company = await w.factory.company('空公司');
      const c = await w.factory.community(company.id, 'EMPTY');
      expect(await repo.loadCandidates(company.id, c.id, 'plumbing', new Date())).toEqual([]);
    });
  });
});
