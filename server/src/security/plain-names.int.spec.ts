import { buildWorld, loginResident, loginStaff, type World } from '../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../testing/test-server.js';

/**
 * Names typed into the API are plain text (shared/src/names.ts): markup or control characters
 * answer 400 VALIDATION_FAILED naming the field, before anything is written. The price list and
 * the master-data import have their own tests (price-list.int.spec, imports.int.spec).
 */
describe(`names with markup are refused (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let admin: string;
  let resident: string;

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    admin = await loginStaff(server, w.staff.adminA);
    resident = await loginResident(server, 'code-res-a1');
  });
  afterAll(async () => {
    await server?.close();
  });

  const XSS = '<img src=x onerror=alert(1)>';
  const cases = (): Array<[string, string, () => string, object, string]> => [
    ['POST', '/teams', () => admin, { name: XSS, supervisorId: null, memberIds: [] }, 'name'],
    [
      'POST',
      '/surveys',
      () => admin,
      {
        communityId: w.a1.id,
        title: `<b>x</b>`,
        startsAt: '2026-10-01T00:00:00.000Z',
        endsAt: '2026-10-31T00:00:00.000Z',
      },
      'title',
    ],
    [
      'POST',
      '/me/houses',
      () => resident,
      { houseId: w.houseA2.id, relation: 'owner', name: XSS, phone: '13800001234' },
      'name',
    ],
    [
      'POST',
      '/work-orders/1/transitions',
      () => admin,
      { action: 'quote', quoteItems: [{ kind: 'labour', name: XSS, quantity: 1, unitPriceFen: 100 }] },
      'quoteItems.0.name',
    ],
  ];

  it.each([0, 1, 2, 3])('case %i: 400 VALIDATION_FAILED naming the field', async (i) => {
    const [method, path, token, body, field] = cases()[i];
    const res = await server.api.request(method, path, { token: token(), body });
    expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 400, code: 'VALIDATION_FAILED' });
    expect(res.body.details).toContainEqual({ field, problems: [expect.stringContaining('不能包含 < > 或控制字符')] });
  });

  it('nothing was written', async () => {
    for (const table of ['team', 'survey']) {
      expect(Number((await server.ds.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n)).toBe(0);
    }
  });
});
