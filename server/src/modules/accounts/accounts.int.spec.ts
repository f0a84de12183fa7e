import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { buildWorld, loginOperator, loginStaff, STAFF_PASSWORD, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { createOperator } from './company-setup.js';

/**
 * Accounts over real HTTP (docs/security.md "Accounts and tokens"): the platform operator and
 * its companies, first-login password changes, admin resets, and tokens that stop working on
 * the next request after a reset, a password change or a company's deactivation.
 */
describe(`accounts (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let operator: string;
  let adminA: string;

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    operator = await loginOperator(server);
    adminA = await loginStaff(server, w.staff.adminA);
  });
  afterAll(() => server?.close());

  const login = (username: string, password: string) => server.api.post('/auth/password', { username, password });

  it('a new account must set its own password first: every API but the change answers PASSWORD_CHANGE_REQUIRED', async () => {
    await server.ds.transaction((em) =>
      createOperator(em, { username: 'op.first', name: '新运营', password: 'first-temp-1' }),
    );
    const first = await login('op.first', 'first-temp-1');
    expect(first.status).toBe(200);
    expect(first.body.user).toMatchObject({ role: 'operator', companyId: null, mustChangePassword: true });
    const token = first.body.token as string;
    for (const path of ['/me', '/platform/companies']) {
      const res = await server.api.get(path, { token });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'PASSWORD_CHANGE_REQUIRED' });
    }
    // The policy, with the stable problem code per case.
    for (const [newPassword, problem] of [
      ['short1', 'too_short'],
      ['12345678', 'all_digits'],
      ['Op.First', 'is_username'], // 8 characters, but the username in other case
      ['first-temp-1', 'same_as_old'],
    ] as const) {
      const res = await server.api.post('/me/password', { oldPassword: 'first-temp-1', newPassword }, { token });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ field: 'newPassword', problems: [problem] }],
      });
    }
    const wrongOld = await server.api.post(
      '/me/password',
      { oldPassword: 'nope', newPassword: 'good-pass-22' },
      { token },
    );
    expect(wrongOld.status).toBe(401);
    expect(wrongOld.body).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const missing = await server.api.post('/me/password', { newPassword: 'good-pass-22' }, { token });
    expect(missing.status).toBe(400);

    const changed = await server.api.post(
      '/me/password',
      { oldPassword: 'first-temp-1', newPassword: 'good-pass-22' },
      { token },
    );
    expect(changed.status).toBe(200);
    expect(changed.body.user.mustChangePassword).toBeUndefined();
    // The old token ended with the change; the answer's token works.
    expect((await server.api.get('/me', { token })).status).toBe(401);
    expect((await server.api.get('/platform/companies', { token: changed.body.token })).status).toBe(200);
    expect((await login('op.first', 'first-temp-1')).status).toBe(401);
    const again = await login('op.first', 'good-pass-22');
    expect(again.status).toBe(200);
    expect(again.body.user.mustChangePassword).toBeUndefined();
  });

  it('the operator reaches only the platform routes, and no company role reaches those', async () => {
    for (const path of ['/work-orders', '/communities', '/categories', '/me/notifications', '/staff', '/audit-log']) {
      const res = await server.api.get(path, { token: operator });
      expect(`${path} ${res.status}`).toBe(`${path} 403`);
    }
    expect((await server.api.get('/me', { token: operator })).status).toBe(403);
    expect((await server.api.get('/platform/companies', { token: adminA })).status).toBe(403);
    const list = await server.api.get('/platform/companies', { token: operator });
    expect(list.status).toBe(200);
    expect(list.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: w.companyA.id, name: '甲物业', active: true, communities: 2 }),
        expect.objectContaining({ id: w.companyB.id, active: true, communities: 1, staff: 3 }),
      ]),
    );
  });

  it('creates a company with its first admin, who sets a password and starts from an empty company', async () => {
    const bad = await server.api.post(
      '/platform/companies',
      { name: '安居物业', adminUsername: 'a b' },
      { token: operator },
    );
    expect(bad.status).toBe(400);
    const taken = await server.api.post(
      '/platform/companies',
      { name: '安居物业', adminUsername: w.staff.adminA.username, adminName: '陈经理' },
      { token: operator },
    );
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'USERNAME_TAKEN' });
    const before = (await server.api.get('/platform/companies', { token: operator })).body.length;
    expect(before).toBe(2); // the refused creation wrote nothing

    const res = await server.api.post(
      '/platform/companies',
      { name: '安居物业服务有限公司', adminUsername: 'anju.admin', adminName: '陈经理' },
      { token: operator },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      company: { name: '安居物业服务有限公司', active: true, staff: 1, communities: 0 },
      adminUsername: 'anju.admin',
    });
    const temp = res.body.temporaryPassword as string;
    expect(temp).toMatch(/^[A-Za-z0-9]{12}$/);
    const first = await login('anju.admin', temp);
    expect(first.body.user).toMatchObject({ role: 'admin', companyId: res.body.company.id, mustChangePassword: true });
    const changed = await server.api.post(
      '/me/password',
      { oldPassword: temp, newPassword: 'anju-admin-2026' },
      { token: first.body.token },
    );
    expect(changed.status).toBe(200);
    const admin = changed.body.token as string;
    const categories = await server.api.get('/categories', { token: admin });
    expect(categories.body.map((c: { code: string }) => c.code)).toEqual(
      expect.arrayContaining(['plumbing', 'electrical']),
    );
    expect((await server.api.get('/work-orders', { token: admin })).body.items).toEqual([]);
    expect((await server.api.get('/staff', { token: admin })).body.map((s: { id: number }) => s.id)).toEqual([
      res.body.adminUserId,
    ]);
    const audit = await server.api.get('/audit-log?entityType=company', { token: admin });
    expect(audit.body.items[0]).toMatchObject({
      action: 'create',
      entityType: 'company',
      entityId: res.body.company.id,
      after: { name: '安居物业服务有限公司', adminUsername: 'anju.admin' },
    });
    expect(JSON.stringify(audit.body)).not.toContain(temp);
  });

  it("deactivating a company refuses its users' tokens on the next request and their sign-ins", async () => {
    const tech = await loginStaff(server, w.staff.techB1);
    expect((await server.api.get('/me', { token: tech })).status).toBe(200);
    const off = await server.api.post(`/platform/companies/${w.companyB.id}/deactivate`, {}, { token: operator });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ id: w.companyB.id, active: false });
    expect((await server.api.get('/me', { token: tech })).status).toBe(401);
    expect((await login(w.staff.techB1.username, STAFF_PASSWORD)).status).toBe(401);
    expect((await server.api.post('/platform/companies/999999/deactivate', {}, { token: operator })).status).toBe(404);
    const on = await server.api.post(`/platform/companies/${w.companyB.id}/activate`, {}, { token: operator });
    expect(on.body.active).toBe(true);
    expect((await server.api.get('/me', { token: tech })).status).toBe(200);
  });

  it("an admin resets a staff member's password: shown once, old sessions end, must change at login, audited", async () => {
    const tech = await loginStaff(server, w.staff.techA1b);
    const adminB = await loginStaff(server, w.staff.adminB);
    const desk = await loginStaff(server, w.staff.deskA1);
    expect((await server.api.post(`/staff/${w.staff.techA1b.id}/password-reset`, {}, { token: adminB })).status).toBe(
      404,
    );
    expect((await server.api.post(`/staff/${w.staff.techA1b.id}/password-reset`, {}, { token: desk })).status).toBe(
      403,
    );
    expect((await server.api.post(`/staff/${w.residents.resA1.id}/password-reset`, {}, { token: adminA })).status).toBe(
      404,
    );

    const reset = await server.api.post(`/staff/${w.staff.techA1b.id}/password-reset`, {}, { token: adminA });
    expect(reset.status).toBe(200);
    expect(reset.body.userId).toBe(w.staff.techA1b.id);
    const temp = reset.body.temporaryPassword as string;
    expect((await server.api.get('/me', { token: tech })).status).toBe(401);
    expect((await login(w.staff.techA1b.username, STAFF_PASSWORD)).status).toBe(401);
    const first = await login(w.staff.techA1b.username, temp);
    expect(first.body.user.mustChangePassword).toBe(true);
    expect((await server.api.get('/work-orders', { token: first.body.token })).body).toMatchObject({
      code: 'PASSWORD_CHANGE_REQUIRED',
    });
    const audit = await server.api.get('/audit-log?entityType=staff_account', { token: adminA });
    const entry = audit.body.items.find((e: { entityId: number }) => e.entityId === w.staff.techA1b.id);
    expect(entry).toMatchObject({ action: 'update', after: { mustChangePassword: true, passwordReset: true } });
    expect(JSON.stringify(audit.body)).not.toContain(temp);
    // Back to the shared password for the tests after this one.
    const back = await server.api.post(
      '/me/password',
      { oldPassword: temp, newPassword: STAFF_PASSWORD },
      { token: first.body.token },
    );
    expect(back.status).toBe(200);
  });
});

describe(`the signed-in user cache (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;

  beforeAll(async () => {
    // Cached for a minute: only the app's own writes can make a change visible this fast.
    server = await startTestServer({ env: { LINLI_ACTOR_CACHE_MS: '60000' } });
    w = await buildWorld(server);
  });
  afterAll(() => server?.close());

  /** SQL statements the app sends while `work` runs. */
  async function statements(work: () => Promise<unknown>): Promise<number> {
    const runner = server.ds.createQueryRunner();
    const proto = Object.getPrototypeOf(runner) as { query: (...a: unknown[]) => Promise<unknown> };
    await runner.release();
    const spy = jest.spyOn(proto, 'query');
    try {
      await work();
      return spy.mock.calls.length;
    } finally {
      spy.mockRestore();
    }
  }

  it('loads a user once: later requests with their token send no statement to authenticate', async () => {
    const tech = await loginStaff(server, w.staff.techA1);
    // GET /api/teams is admin-only: the guard refuses a technician after authenticating, so the
    // request's statements are exactly the authentication's.
    const first = await statements(() => server.api.get('/teams', { token: tech }));
    const second = await statements(() => server.api.get('/teams', { token: tech }));
    expect(first).toBeGreaterThan(0);
    expect(second).toBe(0);
  });

  it("a reset or a company's deactivation through the app ends the cached sessions at once", async () => {
    const tech = await loginStaff(server, w.staff.techA1b);
    const admin = await loginStaff(server, w.staff.adminA);
    const techB = await loginStaff(server, w.staff.techB1);
    expect((await server.api.get('/me', { token: tech })).status).toBe(200);
    expect((await server.api.get('/me', { token: techB })).status).toBe(200);
    expect((await server.api.post(`/staff/${w.staff.techA1b.id}/password-reset`, {}, { token: admin })).status).toBe(
      200,
    );
    expect((await server.api.get('/me', { token: tech })).status).toBe(401);

    const operator = await loginOperator(server);
    await server.api.post(`/platform/companies/${w.companyB.id}/deactivate`, {}, { token: operator });
    expect((await server.api.get('/me', { token: techB })).status).toBe(401);
  });
});
