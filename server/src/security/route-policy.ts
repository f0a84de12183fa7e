import type { Role } from '@linli/shared';
import { HouseBinding } from '../modules/residents/house-binding.entity.js';
import type { World } from '../testing/factories.js';
import type { TestServer } from '../testing/test-server.js';

/**
 * The intended access rule of every route, shared by the route matrix (route-matrix.int.spec.ts)
 * and the fuzz suites (fuzz.int.spec.ts). Keep it in step with the controllers: the matrix fails
 * when a route has no rule or a rule names a route that is gone.
 */

export type ParamKind = 'order' | 'community' | 'building' | 'binding' | 'staff' | 'survey' | 'upload' | 'missing'; // an id that exists nowhere: the route answers 404 to everyone allowed

export interface Rule {
  /**
   * Who may pass authorization: 'public' needs no token, 'any' is any signed-in user but the
   * platform operator (it reaches only routes that name it).
   */
  roles: 'public' | 'any' | readonly Role[];
  /** What `:id` stands for. */
  id?: ParamKind;
  /** A `?communityId=` the route needs (company A's a1): also probed across tenants. */
  communityQuery?: true;
  /** For company-A-specific ids: a valid body for the cross-tenant probe of a mutating route. */
  xBody?: (w: World) => object;
  /**
   * A public route that checks its own signature (WeChat Pay's notifications): without one it
   * answers 401 with the caller's protocol error, never the user guard's UNAUTHENTICATED.
   */
  signed?: true;
}

export const STAFF_ROLES = ['technician', 'desk', 'supervisor', 'admin'] as const;
export const OFFICE = ['desk', 'supervisor', 'admin'] as const;
export const ADMIN = ['admin'] as const;
/** The platform operator: only the routes that name it (no company, no company's data). */
export const PLATFORM = ['operator'] as const;
const STAFF_ROLES_AND_OPERATOR = [...STAFF_ROLES, 'operator'] as const;
const LEAVE = { startAt: '2031-03-03T09:00:00+08:00', endAt: '2031-03-03T18:00:00+08:00', reason: '年假' };

/** The intended access rule of every route. Keep this in step with the controllers. */
export const POLICY: Record<string, Rule> = {
  // auth, health
  'POST /api/auth/wechat': { roles: 'public' },
  'POST /api/auth/password': { roles: 'public' },
  'GET /api/me': { roles: 'any' },
  // accounts: a signed-in user's own password, an admin's reset, the platform operator's companies
  'POST /api/me/password': { roles: [...STAFF_ROLES_AND_OPERATOR] },
  // 'missing': a reset needs no body, so probing technician A1 would end its sessions mid-matrix;
  // the cross-company refusal (404) is in modules/accounts/accounts.int.spec.ts.
  'POST /api/staff/:id/password-reset': { roles: ADMIN, id: 'missing' },
  'GET /api/platform/companies': { roles: PLATFORM },
  'POST /api/platform/companies': { roles: PLATFORM },
  'POST /api/platform/companies/:id/deactivate': { roles: PLATFORM, id: 'missing' },
  'POST /api/platform/companies/:id/activate': { roles: PLATFORM, id: 'missing' },
  'GET /api/health': { roles: 'public' },
  'GET /api/health/live': { roles: 'public' },
  'GET /api/health/ready': { roles: 'public' },
  // Public to the user guard; LINLI_METRICS decides (public in test mode, a bearer token or off).
  'GET /api/metrics': { roles: 'public' },
  // places, categories
  'GET /api/communities': { roles: 'any' },
  'GET /api/communities/:id/buildings': { roles: 'any', id: 'community' },
  'GET /api/communities/:id/public-areas': { roles: 'any', id: 'community' },
  'GET /api/buildings/:id/houses': { roles: 'any', id: 'building' },
  'PUT /api/communities/:id/service-phone': {
    roles: ADMIN,
    id: 'community',
    xBody: () => ({ servicePhone: '0755-86001234' }),
  },
  'PUT /api/communities/:id/coordinates': {
    roles: ADMIN,
    id: 'community',
    xBody: () => ({ latitude: 22.5195, longitude: 113.9296 }),
  },
  'PUT /api/buildings/:id/coordinates': {
    roles: ADMIN,
    id: 'building',
    xBody: () => ({ latitude: 22.5195, longitude: 113.9296 }),
  },
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
  // households (docs/households.md): ids of houses, bindings and invites the caller does not own answer 404
  'GET /api/me/houses/:id/household': { roles: ['resident'] },
  'POST /api/me/houses/:id/invites': { roles: ['resident'] },
  'POST /api/house-invites/accept': { roles: ['resident'] },
  'DELETE /api/house-invites/:id': { roles: ['resident'] },
  'POST /api/household-members/:id/review': { roles: ['resident'] },
  'PATCH /api/household-members/:id': { roles: ['resident'] },
  'DELETE /api/household-members/:id': { roles: ['resident'] },
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
  // re-match on demand (docs/routing.md)
  'GET /api/routing/rematch': { roles: ['supervisor', 'admin'] },
  'POST /api/routing/rematch': { roles: ['supervisor', 'admin'] },
  'POST /api/work-orders/:id/rating': { roles: ['resident'], id: 'order', xBody: () => ({ stars: 5 }) },
  'GET /api/work-orders/:id/rating': { roles: 'any', id: 'order' },
  // uploads
  'POST /api/uploads': { roles: 'any' },
  'GET /api/uploads/:id': { roles: 'any', id: 'upload' },
  'GET /api/uploads/:id/content': { roles: 'public', id: 'upload' },
  // staff administration
  'GET /api/staff': { roles: OFFICE },
  'GET /api/staff/:id': { roles: OFFICE, id: 'staff' },
  'POST /api/staff': { roles: ADMIN },
  'PUT /api/staff/:id': {
    roles: ADMIN,
    id: 'staff',
    xBody: () => ({ name: '改名', phone: null, role: 'technician' }),
  },
  'PUT /api/staff/:id/teams': { roles: ADMIN, id: 'staff', xBody: () => ({ teamIds: [] }) },
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
  'GET /api/staff/desk/callers': { roles: OFFICE },
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
  'GET /api/master-data/buildings': { roles: ADMIN, communityQuery: true },
  'GET /api/audit-log': { roles: ADMIN },
  // SMS (docs/sms.md)
  'POST /api/sms/codes': { roles: 'public' },
  'GET /api/sms/messages': { roles: ADMIN },
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
  'GET /api/surveys/periods': { roles: ['admin', 'supervisor'] },
  'GET /api/survey-schedules': { roles: ADMIN },
  'PUT /api/survey-schedules': { roles: ADMIN },
  'POST /api/survey-schedules/open-now': { roles: ADMIN },
  // fees (docs/fees.md, docs/payments.md): the bill's waive, a community's quote ceiling, payments
  'POST /api/work-orders/:id/bill/waive': { roles: OFFICE, id: 'order', xBody: () => ({ reason: '访问规则测试减免' }) },
  // `:communityId` is not an `:id`: the matrix sends the literal segment (refused by validation)
  'GET /api/fee-settings/:communityId': { roles: OFFICE },
  'PUT /api/fee-settings/:communityId': { roles: ADMIN },
  'POST /api/work-orders/:id/payments/wechat': { roles: ['resident'], id: 'order' },
  'POST /api/work-orders/:id/payments/offline': {
    roles: OFFICE,
    id: 'order',
    xBody: () => ({ method: 'cash', amountFen: 100 }),
  },
  'GET /api/work-orders/:id/receipt': { roles: 'any', id: 'order' },
  // WeChat Pay's notifications: no token, the signature decides
  'POST /api/payments/wechat/notify': { roles: 'public', signed: true },
  'GET /api/payments': { roles: OFFICE },
  'GET /api/payments/refunds': { roles: OFFICE },
  'GET /api/payments/unpaid-bills': { roles: OFFICE },
  'POST /api/payments/:id/refunds': { roles: ['supervisor', 'admin'], id: 'missing' },
  'GET /api/payments/totals': { roles: ['supervisor', 'admin'] },
  'GET /api/payments/reconciliation': { roles: ['supervisor', 'admin'] },
  // inspections and planned maintenance (docs/inspections.md)
  'GET /api/inspection-points': { roles: ['admin', 'supervisor'] },
  'POST /api/inspection-points': { roles: ADMIN },
  'PATCH /api/inspection-points/:id': { roles: ADMIN, id: 'missing' },
  'GET /api/inspection-points/:id/qr': { roles: ['admin', 'supervisor'], id: 'missing' },
  'GET /api/inspection-plans': { roles: ['admin', 'supervisor'] },
  'POST /api/inspection-plans': { roles: ADMIN },
  'PATCH /api/inspection-plans/:id': { roles: ADMIN, id: 'missing' },
  'POST /api/maintenance-orders': { roles: ['admin', 'supervisor'] },
  'GET /api/inspection-rounds': { roles: ['technician', 'supervisor', 'admin'] },
  'GET /api/inspection-rounds/:id': { roles: ['technician', 'supervisor', 'admin'], id: 'missing' },
  'POST /api/inspection-rounds/:id/actions': { roles: ['technician'], id: 'missing' },
  'GET /api/inspection-reports': { roles: ['admin', 'supervisor'] },
  // notices, QR codes, shared faults (docs/notices.md)
  'POST /api/notices': { roles: OFFICE },
  'POST /api/notices/:id/end': { roles: OFFICE, id: 'missing' },
  'GET /api/notices': { roles: ['resident', ...OFFICE] },
  'GET /api/notices/at': { roles: ['resident'] },
  'GET /api/qr/resolve': { roles: ['resident'] },
  'GET /api/qr/public-areas/:id.png': { roles: OFFICE, id: 'missing' },
  'GET /api/qr/communities/:id/sheet': { roles: OFFICE, id: 'community' },
  'POST /api/work-orders/:id/join': { roles: ['resident'], id: 'order' },
  'POST /api/work-orders/:id/merge': { roles: OFFICE, id: 'order', xBody: () => ({ intoId: 999998 }) }, // not the matrix's missing id (999999): merging into itself is a 400
};

/** Mutating routes an allowed role may call with `{}` and get 2xx: they take no body by design. */
export const MUTATES_WITHOUT_BODY = new Set([
  'POST /api/me/notifications/read-all',
  'POST /api/surveys/:id/open',
  'POST /api/surveys/:id/close',
]);

/** One actor per role, all of company A (residents: resA1, verified in a1); the operator has no company. */
export const ROLE_ACTORS = {
  resident: 'resA1',
  technician: 'techA1',
  desk: 'deskA1',
  supervisor: 'supervisorA1',
  admin: 'adminA',
  operator: 'operator',
} as const satisfies Record<Role, string>;
/** Company B staff, probed against company A's records. */
export const CROSS_ACTORS = { adminB: 'admin', deskB1: 'desk', techB1: 'technician' } as const satisfies Record<
  string,
  Role
>;
export type ActorName = (typeof ROLE_ACTORS)[Role] | keyof typeof CROSS_ACTORS;

export const ROLES = Object.keys(ROLE_ACTORS) as Role[];
export const ROUTES = Object.keys(POLICY).sort();

export const allows = (rule: Rule, role: Role) =>
  rule.roles === 'public' || (rule.roles === 'any' ? role !== 'operator' : rule.roles.includes(role));

/** A 2x2 grey baseline JFIF JPEG (331 bytes). */
export const JPEG_2X2 = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAACAAIBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/ACv/2Q==',
  'base64',
);

interface RouterLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** Every `METHOD /api/...` route the running Express app answers (the API docs excepted). */
export function routeTable(server: TestServer): string[] {
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

async function created(res: Promise<{ status: number; body: { id: number } }>, what: string): Promise<number> {
  const r = await res;
  if (r.status !== 201) throw new Error(`creating the ${what} answered ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id;
}

/**
 * One record of company A's community a1 for each kind of `:id`: resident A1's order with a
 * photo, the photo, the pending binding request on house A1, a survey, technician A1, the
 * community and a building; `missing` exists nowhere.
 */
export async function recordIds(
  server: TestServer,
  w: World,
  tokens: { resA1: string; adminA: string },
): Promise<Record<ParamKind, number>> {
  const fd = new FormData();
  fd.append('file', new Blob([new Uint8Array(JPEG_2X2)], { type: 'image/jpeg' }), 'a.jpg');
  const upload = await created(server.api.post('/uploads', fd, { token: tokens.resA1 }), 'upload');
  const order = await created(
    server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '访问规则测试 厨房漏水', houseId: w.houseA1.id, photoIds: [upload] },
      { token: tokens.resA1 },
    ),
    'order',
  );
  const survey = await created(
    server.api.post(
      '/surveys',
      {
        communityId: w.a1.id,
        title: '访问规则测试调查',
        startsAt: '2030-01-01T00:00:00Z',
        endsAt: '2030-12-31T00:00:00Z',
      },
      { token: tokens.adminA },
    ),
    'survey',
  );
  const binding = await server.ds
    .getRepository(HouseBinding)
    .findOneByOrFail({ userId: w.residents.resPending.id, houseId: w.houseA1.id });
  return {
    order,
    community: w.a1.id,
    building: w.houseA1.buildingId,
    binding: binding.id,
    staff: w.staff.techA1.id,
    survey,
    upload,
    missing: 999999,
  };
}
