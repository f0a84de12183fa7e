import { buildWorld, loginOperator, loginResident, loginStaff, type World } from '../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../testing/test-server.js';
import {
  allows,
  CROSS_ACTORS,
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
  });

  afterAll(async () => {
    if (mutatedWithEmptyBody.length) {
      console.warn(`allowed roles changed data with an empty body:\n  ${mutatedWithEmptyBody.join('\n  ')}`);
    }
    await server?.close();
  });

  let ip = 0;
  /** One request; each gets its own client address, so per-IP rate limits never interfere. */
  function send(route: string, who: ActorName | null, body?: object) {
    const [method, pattern] = route.split(' ');
    const rule = POLICY[route];
    let url = pattern.replace(/^\/api/, '').replace(':id', String(ids[rule.id ?? 'missing']));
    if (rule.communityQuery) url += `?communityId=${ids.community}`;
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
      if (POLICY[route].roles === 'public') {
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

  it('the public routes stay public (a token is not required, nor misused)', async () => {
    const health = await send('GET /api/health', null);
    expect(health.status).toBe(200);
    const content = await send('GET /api/uploads/:id/content', null);
    expect(content.status).toBe(404); // no signature: not found, not unauthenticated
  });
});
