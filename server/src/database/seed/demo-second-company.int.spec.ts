import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { DEMO_PASSWORD, DEMO_SECOND_COMPANY } from './demo-seed.js';

/**
 * The demo's second company (安居物业, community 松涛苑): its staff sign in, work their own orders,
 * and every role of each company is refused the other's orders and places, over HTTP.
 */
describe(`the demo's second company (${TEST_DB})`, () => {
  let server: TestServer;
  const token: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer({ env: { LINLI_SEED_DEMO: 'true' } });
    for (const username of [
      'admin',
      'desk1',
      'tech1',
      DEMO_SECOND_COMPANY.admin,
      DEMO_SECOND_COMPANY.desk,
      ...DEMO_SECOND_COMPANY.technicians,
    ]) {
      const login = await server.api.post('/auth/password', { username, password: DEMO_PASSWORD });
      expect(login.status).toBe(200);
      token[username] = login.body.token;
    }
    for (const code of ['resident1', DEMO_SECOND_COMPANY.residents[0]]) {
      const login = await server.api.post('/auth/wechat', { code });
      expect(login.status).toBe(200);
      token[code] = login.body.token;
    }
  }, 180000);
  afterAll(() => server?.close());

  const orders = async (who: string) =>
    (await server.api.get('/work-orders?pageSize=100', { token: token[who] })).body as {
      total: number;
      items: Array<{ id: number; no: string; status: string }>;
    };

  it('has its own community, staff and a dozen orders in more than one state', async () => {
    const communities = await server.api.get('/communities', { token: token[DEMO_SECOND_COMPANY.admin] });
    expect(communities.body.map((c: { name: string }) => c.name)).toEqual(['松涛苑']);
    const staff = await server.api.get('/staff', { token: token[DEMO_SECOND_COMPANY.admin] });
    expect(staff.body.map((s: { username: string }) => s.username).sort()).toEqual(
      [DEMO_SECOND_COMPANY.admin, DEMO_SECOND_COMPANY.desk, ...DEMO_SECOND_COMPANY.technicians].sort(),
    );
    const mine = await orders(DEMO_SECOND_COMPANY.admin);
    expect(mine.total).toBe(12);
    expect(mine.items.every((o) => o.no.startsWith('ST'))).toBe(true);
    expect(new Set(mine.items.map((o) => o.status)).size).toBeGreaterThanOrEqual(2);
    const resident = await orders(DEMO_SECOND_COMPANY.residents[0]);
    expect(resident.items.every((o) => o.no.startsWith('ST'))).toBe(true);
  });

  it("every role of each company is refused the other's orders (404) and places", async () => {
    const a = await orders('admin');
    const b = await orders(DEMO_SECOND_COMPANY.admin);
    expect(a.items.some((o) => o.no.startsWith('ST'))).toBe(false);
    const pairs: Array<[string[], number]> = [
      [['admin', 'desk1', 'tech1', 'resident1'], b.items[0].id],
      [
        [
          DEMO_SECOND_COMPANY.admin,
          DEMO_SECOND_COMPANY.desk,
          ...DEMO_SECOND_COMPANY.technicians,
          DEMO_SECOND_COMPANY.residents[0],
        ],
        a.items[0].id,
      ],
    ];
    for (const [who, orderId] of pairs) {
      for (const w of who) {
        const res = await server.api.get(`/work-orders/${orderId}`, { token: token[w] });
        expect(`${w} ${res.status}`).toBe(`${w} 404`);
        const urge = await server.api.post(
          `/work-orders/${orderId}/transitions`,
          { action: 'urge' },
          { token: token[w] },
        );
        expect(`${w} ${urge.status}`).toBe(`${w} 404`);
      }
    }
    const stId = (await server.api.get('/communities', { token: token[DEMO_SECOND_COMPANY.admin] })).body[0].id;
    for (const w of ['admin', 'desk1', 'tech1']) {
      const res = await server.api.get(`/communities/${stId}/follow-up-policy`, { token: token[w] });
      expect([403, 404]).toContain(res.status);
      expect(
        (await server.api.get('/communities', { token: token[w] })).body.map((c: { id: number }) => c.id),
      ).not.toContain(stId);
    }
  });
});
