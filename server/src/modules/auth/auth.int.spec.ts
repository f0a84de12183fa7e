import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { User } from '../users/user.entities.js';
import { buildWorld, Factory, STAFF_PASSWORD, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';

describe(`auth (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('logs a resident in through WeChat code2Session and returns token and user', async () => {
    const res = await server.api.post('/auth/wechat', { code: 'code-res-a1' });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: w.residents.resA1.id, role: 'resident', companyId: null });
    expect(res.body.token.split('.')).toHaveLength(3);
    expect(JSON.stringify(res.body)).not.toContain('session_key');
    const me = await server.api.get('/me', { token: res.body.token });
    expect(me.body).toMatchObject({ id: w.residents.resA1.id, role: 'resident' });
  });

  it('creates a resident on the first login of an unknown WeChat user, once', async () => {
    const [a, b] = await Promise.all([
      server.api.post('/auth/wechat', { code: 'brand-new-user' }),
      server.api.post('/auth/wechat', { code: 'brand-new-user' }),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.user.id).toBe(b.body.user.id);
    const rows = await server.ds.getRepository(User).countBy({ wechatOpenid: server.fake.openidFor('brand-new-user') });
    expect(rows).toBe(1);
  });

  it.each([
    [40029, 401, 'WECHAT_CODE_INVALID'],
    [45011, 429, 'WECHAT_RATE_LIMITED'],
    [40226, 403, 'WECHAT_USER_BLOCKED'],
    [-1, 503, 'WECHAT_UNAVAILABLE'],
  ])('maps WeChat errcode %d to HTTP %d %s', async (errcode, status, code) => {
    server.fake.failNext('jscode2session', errcode);
    const res = await server.api.post('/auth/wechat', { code: 'code-res-a1' });
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
  });

  it('fails fast with WECHAT_UNAVAILABLE when WeChat does not answer in time', async () => {
    server.fake.setDelay(5000);
    const started = Date.now();
    const res = await server.api.post('/auth/wechat', { code: 'code-res-a1' });
    server.fake.setDelay(0);
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('WECHAT_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(4500);
  });

  it('logs staff in with username and password', async () => {
    const ok = await server.api.post('/auth/password', { username: w.staff.deskA1.username, password: STAFF_PASSWORD });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toMatchObject({ role: 'desk', companyId: w.companyA.id, communityIds: [w.a1.id] });
    const wrong = await server.api.post('/auth/password', { username: w.staff.deskA1.username, password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    const unknown = await server.api.post('/auth/password', { username: 'ghost', password: 'nope' });
    expect(unknown.body.code).toBe('INVALID_CREDENTIALS');
    const invalid = await server.api.post('/auth/password', { username: '', password: 5 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['password', 'username']);
  });

  it('refuses a disabled staff account', async () => {
    const f = new Factory(server.ds);
    const gone = await f.staff('desk', w.companyA.id, [w.a1.id], { active: false });
    const res = await server.api.post('/auth/password', { username: gone.username, password: STAFF_PASSWORD });
    expect(res.status).toBe(401);
  });

  it('rate-limits password logins per client', async () => {
    const results = [];
    for (let i = 0; i < 25; i++) {
      results.push(await server.api.post('/auth/password', { username: 'ghost', password: 'x' }));
    }
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0].body.code).toBe('RATE_LIMITED');
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe(`demo accounts in production mode (${TEST_DB})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      env: {
        LINLI_MODE: 'production',
        LINLI_JWT_SECRET: 'p'.repeat(40),
        WECHAT_API_BASE: 'https://api.weixin.example',
      },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a demo staff login with DEMO_LOGIN_DISABLED', async () => {
    const f = new Factory(server.ds);
    const company = await f.company();
    const demo = await f.staff('admin', company.id, [], { isDemo: true });
    const real = await f.staff('admin', company.id, []);
    const refused = await server.api.post('/auth/password', { username: demo.username, password: STAFF_PASSWORD });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('DEMO_LOGIN_DISABLED');
    const ok = await server.api.post('/auth/password', { username: real.username, password: STAFF_PASSWORD });
    expect(ok.status).toBe(200);
  });
});
