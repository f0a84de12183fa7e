import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_SLA_TARGETS } from '@linli/shared';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { SlaPoliciesService } from './sla-policies.service.js';

describe(`SLA policies over HTTP (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let admin: string;
  let adminB: string;
  let others: Record<string, string>;

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    admin = await loginStaff(server, w.staff.adminA);
    adminB = await loginStaff(server, w.staff.adminB);
    others = {
      supervisor: await loginStaff(server, w.staff.supervisorA1),
      desk: await loginStaff(server, w.staff.deskA1),
      technician: await loginStaff(server, w.staff.techA1),
      resident: await loginResident(server, 'code-res-a1'),
    };
  });
  afterAll(async () => {
    await server?.close();
  });

  const post = (body: unknown, token = admin) => server.api.post('/sla-policies', body, { token });
  const put = (id: number, body: unknown, token = admin) =>
    server.api.request('PUT', `/sla-policies/${id}`, { token, body });
  const del = (id: number, token = admin) => server.api.request('DELETE', `/sla-policies/${id}`, { token });
  const effective = (q: string, token = admin) => server.api.get(`/sla-policies/effective?${q}`, { token });
  const fields = (res: { body: { details?: Array<{ field: string }> } }) =>
    (res.body.details ?? []).map((d) => d.field).sort();
  const snapshot = async () =>
    server.ds
      .query('SELECT * FROM sla_policy ORDER BY id')
      .then((r: Array<Record<string, unknown>>) => JSON.stringify(r));
  const businessHours = {
    days: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 480, endMinute: 1080 })),
    holidays: ['2025-10-01', '2025-10-02'],
  };

  it('creates, lists, replaces and deletes a policy', async () => {
    const created = await post({
      communityId: w.a1.id,
      category: 'plumbing',
      priority: 'P3',
      acceptMinutes: 60,
      arriveMinutes: null,
      resolveMinutes: 1440,
      calendar: businessHours,
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(Number),
      communityId: w.a1.id,
      category: 'plumbing',
      priority: 'P3',
      acceptMinutes: 60,
      arriveMinutes: null,
      resolveMinutes: 1440,
      calendar: businessHours,
      enabled: true,
    });
    const id = created.body.id;
    const listed = await server.api.get('/sla-policies', { token: admin });
    expect(listed.body.find((p: { id: number }) => p.id === id)).toEqual(created.body);
    expect((await server.api.get('/sla-policies', { token: adminB })).body).toEqual([]);

    const replaced = await put(id, {
      communityId: w.a1.id,
      category: 'plumbing',
      priority: 'P3',
      acceptMinutes: 20,
      arriveMinutes: 90,
      resolveMinutes: 20,
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      id,
      acceptMinutes: 20,
      arriveMinutes: 90,
      resolveMinutes: 20,
      calendar: null,
    });

    expect((await del(id)).status).toBe(204);
    expect((await del(id)).status).toBe(404);
  });

  it('validates every field, lists them and writes nothing', async () => {
    const before = await snapshot();
    const shapes = await post({
      communityId: 0,
      category: 'Plumbing!',
      priority: 'P0',
      acceptMinutes: 0,
      arriveMinutes: 43201,
      resolveMinutes: 1.5,
      calendar: 'weekdays',
      enabled: 1,
      extra: 'x',
    });
    expect(shapes.status).toBe(400);
    expect(shapes.body.code).toBe('VALIDATION_FAILED');
    expect(fields(shapes)).toEqual([
      'acceptMinutes',
      'arriveMinutes',
      'calendar',
      'category',
      'communityId',
      'enabled',
      'extra',
      'priority',
      'resolveMinutes',
    ]);
    expect(fields(await post({}))).toEqual(['acceptMinutes', 'priority', 'resolveMinutes']);
    const order = await post({ priority: 'P2', acceptMinutes: 30, resolveMinutes: 20 });
    expect(fields(order)).toEqual(['resolveMinutes']);

    const calendar = await post({
      priority: 'P4',
      acceptMinutes: 60,
      resolveMinutes: 600,
      calendar: {
        days: [
          { weekday: 7, startMinute: 0, endMinute: 60 },
          { weekday: 1, startMinute: 600, endMinute: 500 },
        ],
        holidays: ['2025-13-01'],
      },
    });
    expect(fields(calendar)).toEqual(['calendar.days.0', 'calendar.days.1', 'calendar.holidays.0']);
    const closed = await post({ priority: 'P4', acceptMinutes: 60, resolveMinutes: 600, calendar: { days: [] } });
    expect(fields(closed)).toEqual(['calendar']);
    const nested = await post({
      priority: 'P4',
      acceptMinutes: 60,
      resolveMinutes: 600,
      calendar: { days: [{ weekday: 'mon', startMinute: 0 }], extra: 1 },
    });
    expect(fields(nested)).toEqual(
      expect.arrayContaining(['calendar.days.0.endMinute', 'calendar.days.0.weekday', 'calendar.extra']),
    );

    const references = await post({
      communityId: w.b1.id,
      category: 'gas',
      priority: 'P1',
      acceptMinutes: 5,
      resolveMinutes: 60,
    });
    expect(fields(references)).toEqual(['category', 'communityId']);
    expect(await snapshot()).toBe(before);
  });

  it('refuses a second policy for the same scope, also under concurrency', async () => {
    const scope = { communityId: w.a2.id, category: null, priority: 'P2' };
    const first = await post({ ...scope, acceptMinutes: 10, resolveMinutes: 100 });
    expect(first.status).toBe(201);
    const twin = await post({ ...scope, acceptMinutes: 20, resolveMinutes: 200, enabled: false });
    expect(twin.status).toBe(400);
    expect(twin.body.details).toEqual([
      { field: 'communityId', problems: [`a policy for this scope exists (#${first.body.id})`] },
    ]);
    const otherPriority = await post({ ...scope, priority: 'P1', acceptMinutes: 5, resolveMinutes: 60 });
    expect(otherPriority.status).toBe(201);
    expect(fields(await put(otherPriority.body.id, { ...scope, acceptMinutes: 5, resolveMinutes: 60 }))).toEqual([
      'communityId',
    ]);

    const count = async () => Number((await server.ds.query('SELECT COUNT(*) AS n FROM sla_policy'))[0].n);
    const before = await count();
    const burst = await Promise.all(
      Array.from({ length: 6 }, () =>
        post({ category: 'other', priority: 'P4', acceptMinutes: 60, resolveMinutes: 600 }),
      ),
    );
    expect(burst.filter((r) => r.status === 201)).toHaveLength(1);
    expect(await count()).toBe(before + 1);
  });

  it('is company-scoped and admin-only', async () => {
    const mine = await post({ communityId: w.a1.id, priority: 'P1', acceptMinutes: 3, resolveMinutes: 60 });
    expect(mine.status).toBe(201);
    const body = { priority: 'P1', acceptMinutes: 3, resolveMinutes: 60 };
    expect((await put(mine.body.id, body, adminB)).status).toBe(404);
    expect((await del(mine.body.id, adminB)).status).toBe(404);
    expect((await put(999999, body)).status).toBe(404);
    for (const [who, token] of Object.entries(others)) {
      const results = [
        await server.api.get('/sla-policies', { token }),
        await post(body, token),
        await put(mine.body.id, body, token),
        await del(mine.body.id, token),
        await effective(`communityId=${w.a1.id}&category=plumbing&priority=P1`, token),
      ];
      expect({ who, statuses: results.map((r) => r.status) }).toEqual({ who, statuses: [403, 403, 403, 403, 403] });
    }
  });

  describe('which targets apply', () => {
    let companyId: number;
    let c1: number;
    let c2: number;
    let token: string;
    let ids: Record<string, number>;

    beforeAll(async () => {
      const company = await w.factory.company('丙物业');
      companyId = company.id;
      c1 = (await w.factory.community(company.id, 'CA')).id;
      c2 = (await w.factory.community(company.id, 'CB')).id;
      token = await loginStaff(server, await w.factory.staff('admin', company.id, []));
      const make = async (body: object) => {
        const res = await post(body, token);
        expect(res.status).toBe(201);
        return res.body.id as number;
      };
      ids = {
        company: await make({ priority: 'P3', acceptMinutes: 40, resolveMinutes: 3000 }),
        category: await make({ category: 'plumbing', priority: 'P3', acceptMinutes: 35, resolveMinutes: 2000 }),
        community: await make({
          communityId: c1,
          priority: 'P3',
          acceptMinutes: 25,
          arriveMinutes: 120,
          resolveMinutes: 1000,
          calendar: businessHours,
        }),
        communityCategory: await make({
          communityId: c1,
          category: 'electrical',
          priority: 'P3',
          acceptMinutes: 10,
          resolveMinutes: 500,
        }),
        disabled: await make({
          communityId: c1,
          category: 'plumbing',
          priority: 'P3',
          acceptMinutes: 1,
          resolveMinutes: 1,
          enabled: false,
        }),
      };
    });

    it('picks community + category > community > category > company-wide, else the defaults', async () => {
      const policyOf = async (communityId: number, category: string, priority: string) => {
        const res = await effective(`communityId=${communityId}&category=${category}&priority=${priority}`, token);
        expect(res.status).toBe(200);
        return res.body;
      };
      expect(await policyOf(c1, 'electrical', 'P3')).toEqual({
        acceptMinutes: 10,
        arriveMinutes: null,
        resolveMinutes: 500,
        calendar: null,
        policyId: ids.communityCategory,
        source: 'policy',
      });
      // The disabled community + category policy is skipped.
      expect(await policyOf(c1, 'plumbing', 'P3')).toEqual({
        acceptMinutes: 25,
        arriveMinutes: 120,
        resolveMinutes: 1000,
        calendar: businessHours,
        policyId: ids.community,
        source: 'policy',
      });
      expect((await policyOf(c2, 'plumbing', 'P3')).policyId).toBe(ids.category);
      expect((await policyOf(c2, 'other', 'P3')).policyId).toBe(ids.company);
      expect(await policyOf(c2, 'other', 'P1')).toEqual({
        ...DEFAULT_SLA_TARGETS.P1,
        calendar: null,
        policyId: null,
        source: 'default',
      });

      const service = server.app.get(SlaPoliciesService);
      expect(await service.effectivePolicy(companyId, c1, 'electrical', 'P3')).toEqual({
        acceptMinutes: 10,
        arriveMinutes: null,
        resolveMinutes: 500,
        calendar: null,
        policyId: ids.communityCategory,
      });
      expect(await service.effectivePolicy(companyId, c2, 'plumbing', 'P4')).toEqual({
        ...DEFAULT_SLA_TARGETS.P4,
        calendar: null,
        policyId: null,
      });
      await expect(service.effectivePolicy(companyId, c2, 'plumbing', 'P9')).rejects.toThrow(RangeError);
    });

    it('answers 404 for another company’s community and 400 for bad input', async () => {
      expect((await effective(`communityId=${w.a1.id}&category=plumbing&priority=P1`, token)).status).toBe(404);
      expect((await effective(`communityId=999999&category=plumbing&priority=P1`, token)).status).toBe(404);
      const bad = await effective('communityId=-1&category=Bad!&priority=P9', token);
      expect(bad.status).toBe(400);
      expect(fields(bad)).toEqual(['category', 'communityId', 'priority']);
      expect(fields(await effective(`communityId=${c1}&category=gas&priority=P1`, token))).toEqual(['category']);
    });
  });
});
