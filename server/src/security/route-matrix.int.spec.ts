import type { Role } from '@linli/shared';
import { buildWorld, loginResident, loginStaff, type World } from '../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../testing/test-server.js';
import { HouseBinding } from '../modules/residents/house-binding.entity.js';

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
 * The per-record visibility of work orders is covered in detail by modules/access-matrix.int.spec.ts.
 */

type ParamKind = 'order' | 'community' | 'building' | 'binding' | 'staff' | 'survey' | 'upload' | 'missing'; // an id that exists nowhere: the route answers 404 to everyone allowed

interface Rule {
  /** Who may pass authorization: 'public' needs no token, 'any' is any signed-in user. */
  roles: 'public' | 'any' | readonly Role[];
  /** What `:id` stands for. */
  id?: ParamKind;
  /** A `?communityId=` the route needs (company A's a1): also probed across tenants. */
  communityQuery?: true;
  /** For company-A-specific ids: a valid body for the cross-tenant probe of a mutating route. */
  xBody?: (w: World) => object;
}

const STAFF_ROLES = ['technician', 'desk', 'supervisor', 'admin'] as const;
const OFFICE = ['desk', 'supervisor', 'admin'] as const;
const ADMIN = ['admin'] as const;
const LEAVE = { startAt: '2031-03-03T09:00:00+08:00', endAt: '2031-03-03T18:00:00+08:00', reason: '年假' };

/** The intended access rule of every route. Keep this in step with the controllers. */
const POLICY: Record<string, Rule> = {
  // auth, health
  'POST /api/auth/wechat': { roles: 'public' },
  'POST /api/auth/password': { roles: 'public' },
  'GET /api/me': { roles: 'any' },
  'GET /api/health': { roles: 'public' },
  // places, categories
  'GET /api/communities': { roles: 'any' },
  'GET /api/communities/:id/buildings': { roles: 'any', id: 'community' },
  'GET /api/communities/:id/public-areas': { roles: 'any', id: 'community' },
  'GET /api/buildings/:id/houses': { roles: 'any', id: 'building' },
  'GET /api/categories': { roles: 'any' },
  // notifications (every role, own data only)
  'GET /api/me/notifications': { roles: 'any' },
  'POST /api/me/notifications/read-all': { roles: 'any' },
  'POST /api/me/notifications/:id/read': { roles: 'any', id: 'missing' },
  'GET /api/me/subscriptions': { roles: 'any' },
  'POST /api/me/subscriptions': { roles: 'any' },
  // residents and house bindings
  'GET /api/me/houses': { roles: ['resident'] },
  'POST /api/me/houses': { roles: ['resident'] },
  'GET /api/house-bindings/pending': { roles: OFFICE },
  'POST /api/house-bindings/:id/review': {
    roles: OFFICE,
    id: 'binding',
    xBody: () => ({ decision: 'rejected' }),
  },
  // work orders and what hangs off them
  'POST /api/work-orders': { roles: 'any' },
  'GET /api/work-orders': { roles: 'any' },
  'GET /api/work-orders/:id': { roles: 'any', id: 'order' },
  'POST /api/work-orders/:id/transitions': { roles: 'any', id: 'order', xBody: () => ({ action: 'urge' }) },
  'GET /api/work-orders/:id/sla': { roles: 'any', id: 'order' },
  'GET /api/work-orders/:id/routing': { roles: STAFF_ROLES, id: 'order' },
  'GET /api/work-orders/:id/routing/explain': { roles: STAFF_ROLES, id: 'order' },
  'POST /api/work-orders/:id/rating': { roles: ['resident'], id: 'order', xBody: () => ({ stars: 5 }) },
  'GET /api/work-orders/:id/rating': { roles: 'any', id: 'order' },
  // uploads
  'POST /api/uploads': { roles: 'any' },
  'GET /api/uploads/:id': { roles: 'any', id: 'upload' },
  'GET /api/uploads/:id/content': { roles: 'public', id: 'upload' },
  // staff administration
  'GET /api/staff': { roles: OFFICE },
  'GET /api/staff/:id': { roles: OFFICE, id: 'staff' },
  'PUT /api/staff/:id/profile': { roles: ['admin', 'supervisor'], id: 'staff', xBody: () => ({ capacity: 5 }) },
  'PUT /api/staff/:id/skills': { roles: ADMIN, id: 'staff', xBody: () => ({ skills: [] }) },
  'PUT /api/staff/:id/service-area': {
    roles: ADMIN,
    id: 'staff',
    xBody: (w) => ({ communityIds: [w.a1.id] }),
  },
  'GET /api/staff/:id/shifts': { roles: ['admin', 'supervisor'], id: 'staff' },
  'PUT /api/staff/:id/shifts': {
    roles: ['admin', 'supervisor'],
    id: 'staff',
    xBody: () => ({ pattern: [], exceptions: [] }),
  },
  'POST /api/staff/:id/leave': { roles: ['technician', 'supervisor', 'admin'], id: 'staff', xBody: () => LEAVE },
  // staff mode: the supervisor's team board, a technician's own day and colleagues
  'GET /api/staff/board': { roles: ['supervisor', 'admin'] },
  'GET /api/staff/me/today': { roles: ['technician'] },
  'GET /api/staff/me/colleagues': { roles: ['technician'] },
  'GET /api/staff/desk/house-residents': { roles: OFFICE },
  'GET /api/leave': { roles: ['admin', 'supervisor', 'technician'] },
  'POST /api/leave/:id/review': { roles: ['admin', 'supervisor'], id: 'missing' },
  'GET /api/teams': { roles: ADMIN },
  'POST /api/teams': { roles: ADMIN },
  'PUT /api/teams/:id': { roles: ADMIN, id: 'missing' },
  'DELETE /api/teams/:id': { roles: ADMIN, id: 'missing' },
  // routing rules, SLA policies
  'GET /api/routing-rules': { roles: ADMIN },
  'GET /api/routing-rules/preview': { roles: ADMIN },
  'POST /api/routing-rules': { roles: ADMIN },
  'PUT /api/routing-rules/:id': { roles: ADMIN, id: 'missing' },
  'DELETE /api/routing-rules/:id': { roles: ADMIN, id: 'missing' },
  'GET /api/sla-policies': { roles: ADMIN },
  'GET /api/sla-policies/effective': { roles: ADMIN },
  'POST /api/sla-policies': { roles: ADMIN },
  'PUT /api/sla-policies/:id': { roles: ADMIN, id: 'missing' },
  'DELETE /api/sla-policies/:id': { roles: ADMIN, id: 'missing' },
  // price list: readable by whoever sees the community, edited by admins
  'GET /api/price-list': { roles: 'any', communityQuery: true },
  'POST /api/price-items': { roles: ADMIN },
  'PUT /api/price-items/:id': { roles: ADMIN, id: 'missing' },
  'DELETE /api/price-items/:id': { roles: ADMIN, id: 'missing' },
  // master data and the audit log (admin console)
  'POST /api/imports/master-data': { roles: ADMIN },
  'GET /api/imports/master-data/template.xlsx': { roles: ADMIN },
  'GET /api/master-data/communities': { roles: ADMIN },
  'GET /api/master-data/houses': { roles: ADMIN, communityQuery: true },
  'GET /api/audit-log': { roles: ADMIN },
  // satisfaction: follow-ups, scores, exports, surveys
  'GET /api/follow-ups': { roles: OFFICE },
  'POST /api/follow-ups/:id/complete': { roles: OFFICE, id: 'missing' },
  'GET /api/communities/:id/follow-up-policy': { roles: OFFICE, id: 'community' },
  'PUT /api/communities/:id/follow-up-policy': {
    roles: ADMIN,
    id: 'community',
    xBody: () => ({ policy: 'low' }),
  },
  'GET /api/satisfaction/summary': { roles: OFFICE },
  'GET /api/satisfaction/breakdown': { roles: OFFICE },
  'GET /api/satisfaction/drivers': { roles: OFFICE },
  'GET /api/satisfaction/hotspots': { roles: OFFICE },
  'GET /api/exports/orders.csv': { roles: ['supervisor', 'admin'] },
  'GET /api/exports/orders.xlsx': { roles: ['supervisor', 'admin'] },
  'GET /api/exports/scores.xlsx': { roles: ['supervisor', 'admin'] },
  'POST /api/surveys': { roles: ADMIN },
  'GET /api/surveys': { roles: ['admin', 'supervisor', 'resident'] },
  'POST /api/surveys/:id/open': { roles: ADMIN, id: 'survey' },
  'POST /api/surveys/:id/close': { roles: ADMIN, id: 'survey' },
  'POST /api/surveys/:id/responses': { roles: ['resident'], id: 'survey' },
  'GET /api/surveys/:id/results': { roles: ['admin', 'supervisor'], id: 'survey' },
};

/** Mutating routes an allowed role may call with `{}` and get 2xx: they take no body by design. */
const MUTATES_WITHOUT_BODY = new Set([
  'POST /api/me/notifications/read-all',
  'POST /api/surveys/:id/open',
  'POST /api/surveys/:id/close',
]);

/** One actor per role, all of company A (residents: resA1, verified in a1). */
const ROLE_ACTORS = {
  resident: 'resA1',
  technician: 'techA1',
  desk: 'deskA1',
  supervisor: 'supervisorA1',
  admin: 'adminA',
} as const satisfies Record<Role, string>;
/** Company B staff, probed against company A's records. */
const CROSS_ACTORS = { adminB: 'admin', deskB1: 'desk', techB1: 'technician' } as const satisfies Record<string, Role>;
type ActorName = (typeof ROLE_ACTORS)[Role] | keyof typeof CROSS_ACTORS;

const ROLES = Object.keys(ROLE_ACTORS) as Role[];
const ROUTES = Object.keys(POLICY).sort();

const allows = (rule: Rule, role: Role) => rule.roles === 'public' || rule.roles === 'any' || rule.roles.includes(role);

/** A 2x2 grey baseline JFIF JPEG (331 bytes). */
const JPEG_2X2 = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAACAAIBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/ACv/2Q==',
  'base64',
);

interface RouterLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** Every `METHOD /api/...` route the running Express app answers (the API docs excepted). */
function routeTable(server: TestServer): string[] {
  const express = server.app.getHttpAdapter().getInstance() as {
    router?: { stack: RouterLayer[] };
    _router?: { stack: RouterLayer[] };
  };
  const stack = (express.router ?? express._router)!.stack;
  const keys = new Set<string>();
  for (const layer of stack) {
    if (!layer.route) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const p of paths) {
      if (!p.startsWith('/api/') && p !== '/api') continue;
      if (p.startsWith('/api/docs')) continue;
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== '_all') keys.add(`${method.toUpperCase()} ${p}`);
      }
    }
  }
  return [...keys].sort();
}

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
    const order = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '矩阵测试 厨房漏水', houseId: w.houseA1.id },
      { token: token.resA1 },
    );
    expect(order.status).toBe(201);
    const fd = new FormData();
    fd.append('file', new Blob([new Uint8Array(JPEG_2X2)], { type: 'image/jpeg' }), 'a.jpg');
    const upload = await server.api.post('/uploads', fd, { token: token.resA1 });
    expect(upload.status).toBe(201);
    const survey = await server.api.post(
      '/surveys',
      {
        communityId: w.a1.id,
        title: '矩阵测试调查',
        startsAt: '2030-01-01T00:00:00Z',
        endsAt: '2030-12-31T00:00:00Z',
      },
      { token: token.adminA },
    );
    expect(survey.status).toBe(201);
    const binding = await server.ds
      .getRepository(HouseBinding)
      .findOneByOrFail({ userId: w.residents.resPending.id, houseId: w.houseA1.id });
    Object.assign(ids, {
      order: order.body.id,
      community: w.a1.id,
      building: w.houseA1.buildingId,
      binding: binding.id,
      staff: w.staff.techA1.id,
      survey: survey.body.id,
      upload: upload.body.id,
      missing: 999999,
    } satisfies Record<ParamKind, number>);
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
