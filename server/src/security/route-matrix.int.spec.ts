import { buildWorld, loginOperator, loginResident, loginStaff, type World } from '../testing/factories.js';
import type { Role } from '@linli/shared';
import { HouseBinding } from '../modules/residents/house-binding.entity.js';
import { startTestServer, TEST_DB, type TestServer } from '../testing/test-server.js';
import {
  allows,
  CROSS_ACTORS,
  JPEG_2X2,
  MUTATES_WITHOUT_BODY,
  POLICY,
  recordIds,
  ROLE_ACTORS,
  ROLES,
  ROUTES,
  routeTable,
  type ActorName,
  type ParamKind,
} from './route-policy.js';

/**
 * Every endpoint x role x tenant, checked over real HTTP. The route list is read from the running
 * app's router, and each route must have a hand-written rule in POLICY: a new endpoint without a
 * rule (or a rule for a route that is gone) fails the first test.
 *
 * Per route and actor one minimal request is sent (mutations with an empty JSON body, so
 * validation refuses them and nothing changes). Expected:
 * - no token: 401, except public routes (anything but 401);
 * - a role the rule does not allow: exactly 403;
 * - an allowed role: got past authorization (not 401, not 403), and never a 5xx;
 * - staff of company B on company A's records: 404 (403 if their role is refused first). These
 *   probes send a VALID body where the route mutates, so the tenant check itself is reached.
 *
 * The rules live in route-policy.ts. The per-record visibility of work orders is covered in detail by modules/access-matrix.int.spec.ts.
 */

describe(`route access matrix (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  const token = {} as Record<ActorName, string>;
  const ids = {} as Record<ParamKind, number>;
  /** The same kinds of records, of company B (community b1): probed by every role of company A. */
  const idsB = {} as Record<ParamKind, number>;
  /** Mutating routes an allowed role passed with an empty body (2xx): reported, not failed. */
  const mutatedWithEmptyBody: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    token.resA1 = await loginResident(server, 'code-res-a1');
    for (const name of ['techA1', 'deskA1', 'supervisorA1', 'adminA', 'adminB', 'deskB1', 'techB1'] as const) {
      token[name] = await loginStaff(server, w.staff[name]);
    }
    token.operator = await loginOperator(server);
    Object.assign(ids, await recordIds(server, w, token));
    Object.assign(idsB, await recordIdsOfB(server, w));
  });

  afterAll(async () => {
    if (mutatedWithEmptyBody.length) {
      console.warn(`allowed roles changed data with an empty body:\n  ${mutatedWithEmptyBody.join('\n  ')}`);
    }
    await server?.close();
  });

  let ip = 0;
  /** One request; each gets its own client address, so per-IP rate limits never interfere. */
  function send(route: string, who: ActorName | null, body?: object, records = ids) {
    const [method, pattern] = route.split(' ');
    const rule = POLICY[route];
    let url = pattern.replace(/^\/api/, '').replace(':id', String(records[rule.id ?? 'missing']));
    if (rule.communityQuery) url += `?communityId=${records.community}`;
    ip += 1;
    return server.api.request(method, url, {
      token: who ? token[who] : undefined,
      body: method === 'GET' ? undefined : (body ?? {}),
      headers: { 'x-forwarded-for': `10.9.${(ip >> 8) & 255}.${ip & 255}` },
    });
  }
  const show = (res: { status: number; body: unknown }) => `${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;

  it('POLICY has a rule for every route of the app, and no rule for a route that is gone', () => {
    const actual = routeTable(server);
    expect(actual.length).toBeGreaterThan(40);
    const unruled = actual.filter((r) => !(r in POLICY));
    const stale = ROUTES.filter((r) => !actual.includes(r));
    expect({ unruled, stale }).toEqual({ unruled: [], stale: [] });
  });

  describe('without a token', () => {
    it.each(ROUTES)('%s', async (route) => {
      const res = await send(route, null);
      if (POLICY[route].signed) {
        expect(show(res)).toMatch(/^401 /);
        expect(res.body).not.toMatchObject({ code: 'UNAUTHENTICATED' });
      } else if (POLICY[route].roles === 'public') {
        expect(res.status).not.toBe(401);
        expect(res.status).not.toBe(403);
      } else {
        expect(show(res)).toMatch(/^401 /);
        expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED' });
      }
      expect(res.status).toBeLessThan(500);
    });
  });

  describe('each role of company A', () => {
    const cases = ROUTES.flatMap((route) =>
      ROLES.map((role) => [route, role, allows(POLICY[route], role) ? 'allowed' : 'forbidden'] as const),
    );
    it.each(cases)('%s as %s: %s', async (route, role, verdict) => {
      const res = await send(route, ROLE_ACTORS[role]);
      expect(res.status).toBeLessThan(500);
      if (verdict === 'forbidden') {
        expect(show(res)).toMatch(/^403 /);
        expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
      } else if (POLICY[route].signed) {
        expect(show(res)).toMatch(/^401 /); // the signature's refusal, whoever's token comes with it
        expect(res.body).not.toMatchObject({ code: 'UNAUTHENTICATED' });
      } else {
        expect(show(res)).not.toMatch(/^40[13] /);
        if (!route.startsWith('GET ') && res.status < 300 && !MUTATES_WITHOUT_BODY.has(route)) {
          mutatedWithEmptyBody.push(`${route} as ${role}: ${res.status}`);
        }
      }
    });
  });

  describe("company B staff on company A's records", () => {
    const tenantRoutes = ROUTES.filter((r) => {
      const { id, communityQuery, roles } = POLICY[r];
      return ((id !== undefined && id !== 'missing') || communityQuery) && roles !== 'public';
    });
    const cases = tenantRoutes.flatMap((route) =>
      (Object.keys(CROSS_ACTORS) as Array<keyof typeof CROSS_ACTORS>).map(
        (who) => [route, who, allows(POLICY[route], CROSS_ACTORS[who]) ? 404 : 403] as const,
      ),
    );
    it.each(cases)('%s as %s: %d', async (route, who, expected) => {
      const rule = POLICY[route];
      const res = await send(route, who, rule.xBody?.(w));
      expect(show(res)).toMatch(new RegExp(`^${expected} `));
    });
  });

  describe("every role of company A (and the operator) on company B's records", () => {
    const tenantRoutes = ROUTES.filter((r) => {
      const { id, communityQuery, roles } = POLICY[r];
      return ((id !== undefined && id !== 'missing') || communityQuery) && roles !== 'public';
    });
    /**
     * A resident belongs to no company: the house picker of binding lists any community's
     * buildings, public areas and houses (no registry data: docs/security.md "Phone numbers").
     */
    const RESIDENT_DIRECTORY = new Set([
      'GET /api/communities/:id/buildings',
      'GET /api/communities/:id/public-areas',
      'GET /api/buildings/:id/houses',
    ]);
    const expectedOf = (route: string, role: Role): string => {
      if (!allows(POLICY[route], role)) return '403';
      if (role === 'resident' && RESIDENT_DIRECTORY.has(route)) return '200';
      // No valid body is sent (the answer has 20 items): refused by validation, never stored.
      if (role === 'resident' && route === 'POST /api/surveys/:id/responses') return '400';
      return '404';
    };
    const cases = tenantRoutes.flatMap((route) => ROLES.map((role) => [route, role, expectedOf(route, role)] as const));
    it.each(cases)('%s as %s: %s', async (route, role, expected) => {
      const res = await send(route, ROLE_ACTORS[role], POLICY[route].xBody?.(w), idsB);
      expect(show(res)).toMatch(new RegExp(`^${expected} `));
    });
  });

  it('the public routes stay public (a token is not required, nor misused)', async () => {
    const health = await send('GET /api/health', null);
    expect(health.status).toBe(200);
    const content = await send('GET /api/uploads/:id/content', null);
    expect(content.status).toBe(404); // no signature: not found, not unauthenticated
  });
});

/**
 * Company B's records of each `:id` kind (community b1): resident B1's order with a photo, the
 * photo, a pending binding request on house B1, a survey of b1, technician B1, b1 and a building.
 */
async function recordIdsOfB(server: TestServer, w: World): Promise<Record<ParamKind, number>> {
  const resB1 = await loginResident(server, 'code-res-b1');
  const adminB = await loginStaff(server, w.staff.adminB);
  const created = async (res: Promise<{ status: number; body: { id: number } }>, what: string) => {
    const r = await res;
    if (r.status !== 201)
      throw new Error(`creating company B's ${what} answered ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id;
  };
  const fd = new FormData();
  fd.append('file', new Blob([new Uint8Array(JPEG_2X2)], { type: 'image/jpeg' }), 'b.jpg');
  const upload = await created(server.api.post('/uploads', fd, { token: resB1 }), 'upload');
  const order = await created(
    server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '跨公司访问测试 阳台漏水', houseId: w.houseB1.id, photoIds: [upload] },
      { token: resB1 },
    ),
    'order',
  );
  const survey = await created(
    server.api.post(
      '/surveys',
      { communityId: w.b1.id, title: '乙公司调查', startsAt: '2030-01-01T00:00:00Z', endsAt: '2030-12-31T00:00:00Z' },
      { token: adminB },
    ),
    'survey',
  );
  const pending = await w.factory.resident(server, 'code-res-b-pending', [{ id: w.houseB1.id, status: 'pending' }]);
  const binding = await server.ds
    .getRepository(HouseBinding)
    .findOneByOrFail({ userId: pending.id, houseId: w.houseB1.id });
  return {
    order,
    community: w.b1.id,
    building: w.houseB1.buildingId,
    binding: binding.id,
    staff: w.staff.techB1.id,
    survey,
    upload,
    missing: 999999,
  };
}
