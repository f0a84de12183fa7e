import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { RoutingRulesService } from './routing-rules.service.js';

describe(`routing rules over HTTP (${TEST_DB})`, () => {
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

  const post = (body: unknown, token = admin) => server.api.post('/routing-rules', body, { token });
  const put = (id: number, body: unknown, token = admin) =>
    server.api.request('PUT', `/routing-rules/${id}`, { token, body });
  const del = (id: number, token = admin) => server.api.request('DELETE', `/routing-rules/${id}`, { token });
  const preview = (q: string, token = admin) => server.api.get(`/routing-rules/preview?${q}`, { token });
  const fields = (res: { body: { details?: Array<{ field: string }> } }) =>
    (res.body.details ?? []).map((d) => d.field).sort();
  const rows = async () => Number((await server.ds.query('SELECT COUNT(*) AS n FROM routing_rule'))[0].n);
  const snapshot = async () =>
    server.ds
      .query('SELECT * FROM routing_rule ORDER BY id')
      .then((r: Array<Record<string, unknown>>) => JSON.stringify(r));

  it('creates a company-wide rule with the defaults', async () => {
    const res = await post({ mode: 'auto' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      communityId: null,
      category: null,
      priority: null,
      mode: 'auto',
      teamId: null,
      offerTimeoutSeconds: 300,
      maxRefusals: 3,
      weights: null,
      enabled: true,
    });
    expect(typeof res.body.updatedAt).toBe('string');
  });

  it('creates, lists, replaces and deletes a scoped rule', async () => {
    const team = await server.api.post('/teams', { name: '管道组', memberIds: [w.staff.techA1.id] }, { token: admin });
    const weights = { skill: 0.5, load: 0.2, quality: 0, rotation: 0.2, distance: 0.1 };
    const created = await post({
      communityId: w.a1.id,
      category: 'plumbing',
      priority: 'P1',
      mode: 'offer',
      teamId: team.body.id,
      offerTimeoutSeconds: 120,
      maxRefusals: 2,
      weights,
      enabled: true,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ communityId: w.a1.id, teamId: team.body.id, weights, mode: 'offer' });
    const id = created.body.id;
    const listed = await server.api.get('/routing-rules', { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.body.find((r: { id: number }) => r.id === id)).toEqual(created.body);
    expect((await server.api.get('/routing-rules', { token: adminB })).body).toEqual([]);

    // PUT replaces every field: omitted ones go back to their defaults.
    const replaced = await put(id, { communityId: w.a1.id, category: 'plumbing', priority: 'P1', mode: 'pool' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      id,
      mode: 'pool',
      teamId: null,
      offerTimeoutSeconds: 300,
      maxRefusals: 3,
      weights: null,
    });

    expect((await del(id)).status).toBe(204);
    expect((await del(id)).status).toBe(404);
    expect((await put(id, { mode: 'auto' })).status).toBe(404);
  });

  it('validates every field, lists them and writes nothing', async () => {
    const before = await snapshot();
    const shapes = await post({
      communityId: 'a1',
      category: 'Plumbing!',
      priority: 'P5',
      mode: 'random',
      teamId: 0,
      offerTimeoutSeconds: 10,
      maxRefusals: 11,
      weights: [1],
      enabled: 'yes',
      extra: true,
    });
    expect(shapes.status).toBe(400);
    expect(shapes.body.code).toBe('VALIDATION_FAILED');
    expect(fields(shapes)).toEqual([
      'category',
      'communityId',
      'enabled',
      'extra',
      'maxRefusals',
      'mode',
      'offerTimeoutSeconds',
      'priority',
      'teamId',
      'weights',
    ]);
    expect(fields(await post({}))).toEqual(['mode']);
    expect(fields(await post({ mode: 'auto', offerTimeoutSeconds: 86401, maxRefusals: 0 }))).toEqual([
      'maxRefusals',
      'offerTimeoutSeconds',
    ]);

    const weights = await post({ mode: 'auto', weights: { skill: 2, load: 0, quality: 0, rotation: 0, speed: 1 } });
    expect(fields(weights)).toEqual(['weights']);
    expect(weights.body.details[0].problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^speed/),
        expect.stringMatching(/^skill/),
        expect.stringMatching(/^distance/),
      ]),
    );
    const allZero = await post({ mode: 'auto', weights: { skill: 0, load: 0, quality: 0, rotation: 0, distance: 0 } });
    expect(fields(allZero)).toEqual(['weights']);

    const teamB = await server.api.post('/teams', { name: 'B组', memberIds: [] }, { token: adminB });
    const references = await post({ communityId: w.b1.id, category: 'gas', mode: 'auto', teamId: teamB.body.id });
    expect(references.status).toBe(400);
    expect(fields(references)).toEqual(['category', 'communityId', 'teamId']);
    expect(await snapshot()).toBe(before);
  });

  it('refuses a second rule for the same scope, also under concurrency', async () => {
    const scope = { communityId: w.a2.id, category: 'electrical', priority: null };
    const first = await post({ ...scope, mode: 'auto' });
    expect(first.status).toBe(201);
    const twin = await post({ ...scope, mode: 'manual', enabled: false });
    expect(twin.status).toBe(400);
    expect(twin.body.code).toBe('VALIDATION_FAILED');
    expect(twin.body.details).toEqual([
      { field: 'communityId', problems: [`a rule for this scope exists (#${first.body.id})`] },
    ]);

    // A null field is a scope of its own: community-only differs from community + category.
    const wider = await post({ communityId: w.a2.id, mode: 'auto' });
    expect(wider.status).toBe(201);
    // Moving a rule onto another's scope is refused too; keeping its own scope is fine.
    expect(fields(await put(wider.body.id, { ...scope, mode: 'auto' }))).toEqual(['communityId']);
    expect((await put(first.body.id, { ...scope, mode: 'pool' })).status).toBe(200);

    const before = await rows();
    const burst = await Promise.all(
      Array.from({ length: 6 }, () => post({ communityId: w.a1.id, category: 'other', priority: 'P4', mode: 'auto' })),
    );
    expect(burst.filter((r) => r.status === 201)).toHaveLength(1);
    expect(burst.filter((r) => r.status === 400)).toHaveLength(5);
    expect(await rows()).toBe(before + 1);
  });

  it('is company-scoped: another company’s rule is 404', async () => {
    const mine = await post({ communityId: w.a1.id, priority: 'P2', mode: 'auto' });
    expect((await put(mine.body.id, { mode: 'pool' }, adminB)).status).toBe(404);
    expect((await del(mine.body.id, adminB)).status).toBe(404);
    expect(
      (await server.api.get('/routing-rules', { token: adminB })).body.map((r: { id: number }) => r.id),
    ).not.toContain(mine.body.id);
    expect((await put(999999, { mode: 'auto' })).status).toBe(404);
  });

  it('is admin-only', async () => {
    for (const [who, token] of Object.entries(others)) {
      const results = [
        await server.api.get('/routing-rules', { token }),
        await post({ mode: 'auto' }, token),
        await put(1, { mode: 'auto' }, token),
        await del(1, token),
        await preview(`communityId=${w.a1.id}&category=plumbing&priority=P1`, token),
      ];
      expect({ who, statuses: results.map((r) => r.status) }).toEqual({ who, statuses: [403, 403, 403, 403, 403] });
    }
  });

  describe('which rule applies', () => {
    let ids: Record<string, number>;
    beforeAll(async () => {
      // A fresh company so that the rules above do not interfere.
      const company = await w.factory.company('丙物业');
      const c1 = await w.factory.community(company.id, 'CA');
      const c2 = await w.factory.community(company.id, 'CB');
      const adminC = await w.factory.staff('admin', company.id, []);
      const token = await loginStaff(server, adminC);
      const make = async (body: object) => (await post(body, token)).body.id as number;
      ids = {
        company: await make({ mode: 'auto' }),
        category: await make({ category: 'plumbing', mode: 'pool' }),
        categoryP1: await make({ category: 'plumbing', priority: 'P1', mode: 'offer' }),
        community: await make({ communityId: c1.id, mode: 'manual' }),
        communityCategory: await make({ communityId: c1.id, category: 'electrical', mode: 'offer' }),
        disabled: await make({ communityId: c1.id, category: 'plumbing', mode: 'manual', enabled: false }),
      };
      Object.assign(ids, { companyId: company.id, c1: c1.id, c2: c2.id });
      others.adminC = token;
    });

    it('previews the most specific enabled rule (shared selectRule)', async () => {
      const token = others.adminC;
      const ruleOf = async (communityId: number, category: string, priority: string) => {
        const res = await preview(`communityId=${communityId}&category=${category}&priority=${priority}`, token);
        expect(res.status).toBe(200);
        return res.body.rule?.id ?? null;
      };
      expect(await ruleOf(ids.c1, 'electrical', 'P3')).toBe(ids.communityCategory);
      // The disabled community + category rule is skipped: the community rule beats category rules.
      expect(await ruleOf(ids.c1, 'plumbing', 'P1')).toBe(ids.community);
      expect(await ruleOf(ids.c2, 'plumbing', 'P1')).toBe(ids.categoryP1);
      expect(await ruleOf(ids.c2, 'plumbing', 'P3')).toBe(ids.category);
      expect(await ruleOf(ids.c2, 'other', 'P3')).toBe(ids.company);

      const service = server.app.get(RoutingRulesService);
      expect((await service.ruleFor(ids.companyId, ids.c2, 'plumbing', 'P1'))?.id).toBe(ids.categoryP1);
      expect(await service.ruleFor(w.companyB.id, w.b1.id, 'plumbing', 'P1')).toBeNull();
    });

    it('answers null when no rule applies, 404 for another company’s community, 400 for bad input', async () => {
      const none = await preview(`communityId=${w.b1.id}&category=plumbing&priority=P1`, adminB);
      expect(none.status).toBe(200);
      expect(none.body).toEqual({ rule: null });
      expect((await preview(`communityId=${w.b1.id}&category=plumbing&priority=P1`)).status).toBe(404);
      expect((await preview(`communityId=999999&category=plumbing&priority=P1`)).status).toBe(404);
      const bad = await preview('communityId=x&category=Bad!&priority=P9');
      expect(bad.status).toBe(400);
      expect(fields(bad)).toEqual(['category', 'communityId', 'priority']);
      expect(fields(await preview(''))).toEqual(['category', 'communityId', 'priority']);
      const unknown = await preview(`communityId=${w.a1.id}&category=gas&priority=P1`);
      expect(fields(unknown)).toEqual(['category']);
    });
  });
});
