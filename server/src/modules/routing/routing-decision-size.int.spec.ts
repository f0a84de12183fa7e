import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RoutingDecisionView, RoutingExplanationView } from '@linli/shared';
import { Clock } from '../../common/clock.js';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { StaffLeave, TechnicianSkill } from '../staff/staff.entities.js';
import { StaffCommunity, User } from '../users/user.entities.js';
import { RoutingDecisionRecord } from './routing.entities.js';

/** Technicians added to company A on top of the world's three. */
const MANY = 400;

describe(`routing decisions of a large company (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let resident: string;
  let desk: string;
  let orderId: number;

  /** Bytes of the stored JSON columns of an order's decision rows (octet_length: SQLite and MariaDB). */
  const storedBytes = (workOrderId: number) =>
    server.ds.query<Array<{ summary: number | string | null; ranked: number | string | null }>>(
      'SELECT OCTET_LENGTH(summary) AS summary, OCTET_LENGTH(ranked) + OCTET_LENGTH(excluded) AS ranked ' +
        'FROM routing_decision WHERE workOrderId = ? ORDER BY id',
      [workOrderId],
    );

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    resident = await loginResident(server, 'code-res-a1');
    desk = await loginStaff(server, w.staff.deskA1);
    // 400 more technicians: a third can do plumbing in A1, the others lack the skill, serve
    // only A2 or are on leave.
    const users = await server.ds.getRepository(User).save(
      Array.from({ length: MANY }, (_, i) => ({
        role: 'technician' as const,
        companyId: w.companyA.id,
        name: `批量师傅${i + 1}`,
        phone: `1361${String(i).padStart(7, '0')}`,
        username: `bulk-tech-${i + 1}`,
        passwordHash: null,
        wechatOpenid: null,
        isDemo: false,
        active: true,
      })),
      { chunk: 100 },
    );
    await server.ds
      .getRepository(StaffCommunity)
      .insert(users.map((u, i) => ({ userId: u.id, communityId: i % 4 === 3 ? w.a2.id : w.a1.id })));
    await server.ds
      .getRepository(TechnicianSkill)
      .insert([
        { userId: w.staff.techA1.id, category: 'plumbing', level: 5 },
        ...users
          .filter((_, i) => i % 3 === 0)
          .map((u, i) => ({ userId: u.id, category: 'plumbing', level: 1 + (i % 4) })),
      ]);
    const now = server.app.get(Clock).now().getTime();
    await server.ds.getRepository(StaffLeave).insert(
      users
        .filter((_, i) => i % 10 === 0)
        .map((u) => ({
          userId: u.id,
          startAt: new Date(now - 3600_000),
          endAt: new Date(now + 3600_000),
          reason: '年假',
          status: 'approved',
          reviewedById: null,
        })),
    );
    const created = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '漏水', houseId: w.houseA1.id },
      { token: resident },
    );
    expect(created.status).toBe(201);
    expect(created.body.assignee.id).toBe(w.staff.techA1.id);
    orderId = created.body.id;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('stores at most 4 KB per decision: the top five and the counts, not the full lists', async () => {
    const [row] = await storedBytes(orderId);
    expect(Number(row.summary)).toBeGreaterThan(0);
    expect(Number(row.summary)).toBeLessThanOrEqual(4096);
    expect(row.ranked).toBeNull();

    const res = await server.api.get<RoutingDecisionView[]>(`/work-orders/${orderId}/routing`, { token: desk });
    expect(res.status).toBe(200);
    const [decision] = res.body;
    expect(decision).toMatchObject({ version: 1, outcome: 'assigned', chosenUserId: w.staff.techA1.id });
    expect(decision.top).toHaveLength(5);
    expect(decision.top[0]).toMatchObject({ userId: w.staff.techA1.id, rank: 1 });
    expect(decision.top[0].grades.skill).toEqual({ grade: 1, weight: 0.3, contribution: 0.3 });
    expect(decision.considered).toBe(MANY + 3);
    expect(decision.excluded).toBeNull();
    // Company A's 3 + 400 technicians: who lacks the skill, serves elsewhere, is on leave.
    expect(decision.excludedByReason.no_skill).toBe(MANY - Math.ceil(MANY / 3) + 2);
    expect(decision.excludedByReason.not_serving_community).toBe(MANY / 4 + 1);
    expect(decision.excludedByReason.on_leave).toBe(MANY / 10);
  });

  it('recomputes the full list on demand, with current data, for staff who may see the order', async () => {
    const stored = (await server.api.get<RoutingDecisionView[]>(`/work-orders/${orderId}/routing`, { token: desk }))
      .body[0];
    const before = server.app.get(Clock).now().getTime();
    const res = await server.api.get<RoutingExplanationView>(`/work-orders/${orderId}/routing/explain`, {
      token: desk,
    });
    expect(res.status).toBe(200);
    const full = res.body;
    expect(full.workOrderId).toBe(orderId);
    // Computed during the request, long after the decision.
    expect(Date.parse(full.recomputedAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(full.recomputedAt)).toBeLessThanOrEqual(server.app.get(Clock).now().getTime());
    expect(full.considered).toBe(stored.considered);
    expect(full.ranked).toHaveLength(full.eligible);
    expect(full.ranked.length + full.excluded.length).toBe(full.considered);
    expect(full.eligible).toBe(stored.eligible);
    expect(full.excludedByReason).toEqual(stored.excludedByReason);
    expect(full.excluded.find((x) => x.userId === w.staff.techA2.id)?.reasons).toEqual([
      'no_skill',
      'not_serving_community',
    ]);
    // What the old rows stored (both full lists) against what a row stores now.
    const fullBytes = Buffer.byteLength(JSON.stringify({ ranked: full.ranked, excluded: full.excluded }));
    const [row] = await storedBytes(orderId);
    expect(fullBytes).toBeGreaterThan(20 * Number(row.summary));
    if (process.env.LINLI_PRINT_SIZES)
      console.log(`decision row: ${row.summary} B stored, ${fullBytes} B as full lists`);

    // The same visibility as the routing view: residents never, staff of another company not found.
    const other = await loginStaff(server, w.staff.deskB1);
    expect((await server.api.get(`/work-orders/${orderId}/routing/explain`, { token: resident })).status).toBe(403);
    expect((await server.api.get(`/work-orders/${orderId}/routing/explain`, { token: other })).status).toBe(404);
  });

  it('still shows a decision stored with the full lists (before the compact shape), compacted', async () => {
    const full = (
      await server.api.get<RoutingExplanationView>(`/work-orders/${orderId}/routing/explain`, { token: desk })
    ).body;
    const chosen = full.ranked[7];
    await server.ds.getRepository(RoutingDecisionRecord).insert({
      workOrderId: orderId,
      attempt: 2,
      ruleId: null,
      mode: 'auto',
      outcome: 'rematched',
      chosenUserId: chosen.userId,
      summary: null,
      ranked: full.ranked,
      excluded: full.excluded,
      weights: full.weights,
    });
    const res = await server.api.get<RoutingDecisionView[]>(`/work-orders/${orderId}/routing`, { token: desk });
    expect(res.status).toBe(200);
    const [legacy] = res.body;
    expect(legacy).toMatchObject({ attempt: 2, outcome: 'rematched', considered: full.considered });
    expect(legacy.top.map((c) => c.rank)).toEqual([1, 2, 3, 4, 5, 8]);
    // The stored shape keeps the grades, not the explanation's travel facts.
    const { userId, name, score, grades } = chosen;
    expect(legacy.top[5]).toEqual({ userId, name, score, grades, rank: 8 });
    expect(legacy.excludedByReason).toEqual(full.excludedByReason);
    expect(legacy.excluded).toBeNull();
  });
});
