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
      results.push(await server.api.post('/auth/password', { username: `ghost-${i}`, password: 'x' }));
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

describe(`client address and X-Forwarded-For (${TEST_DB})`, () => {
  const spoofed = (i: number) => ({ 'x-forwarded-for': `203.0.113.${i + 1}` });
  const guess = (server: TestServer, i: number) =>
    server.api.post('/auth/password', { username: `nobody-${i}`, password: 'x' }, { headers: spoofed(i) });

  describe('LINLI_TRUSTED_PROXIES=none (the production default)', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ env: { LINLI_TRUSTED_PROXIES: 'none' } });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('ignores a forged X-Forwarded-For: 25 password guesses from one peer are limited', async () => {
      const codes = [];
      for (let i = 0; i < 25; i++) codes.push((await guess(server, i)).body.code);
      expect(codes.slice(0, 20).every((c) => c === 'INVALID_CREDENTIALS')).toBe(true);
      expect(codes.slice(20)).toEqual(Array(5).fill('RATE_LIMITED'));
    });

    it('the same for WeChat logins', async () => {
      const statuses = [];
      for (let i = 0; i < 22; i++) {
        statuses.push((await server.api.post('/auth/wechat', { code: `c-${i}` }, { headers: spoofed(i) })).status);
      }
      // The login bucket is shared with the password guesses above: every one of these is refused.
      expect(statuses).toEqual(Array(22).fill(429));
    });
  });

  describe('LINLI_TRUSTED_PROXIES=loopback (control: a trusted proxy names the client)', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ env: { LINLI_TRUSTED_PROXIES: 'loopback' } });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('counts each forwarded client on its own', async () => {
      const codes = [];
      for (let i = 0; i < 25; i++) codes.push((await guess(server, i)).body.code);
      expect(codes).toEqual(Array(25).fill('INVALID_CREDENTIALS'));
    });
  });
});

describe(`per-account password throttling (${TEST_DB})`, () => {
  // Forwarded client addresses (trusted from loopback here) stand for clients on other machines.
  let server: TestServer;
  let w: World;
  const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
  const login = (username: string, password: string, ip: string) =>
    server.api.post('/auth/password', { username, password }, from(ip));
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    server = await startTestServer({ env: { LINLI_TRUSTED_PROXIES: 'loopback' } });
    w = await buildWorld(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('after 5 wrong passwords, refuses the next attempts of that client with a growing delay, even the right one', async () => {
    const desk = w.staff.deskA1.username;
    const ip = '198.51.100.10';
    for (let i = 0; i < 5; i++) expect((await login(desk, `wrong-${i}`, ip)).body.code).toBe('INVALID_CREDENTIALS');
    // The right password now: refused without being checked, and it says how long to wait.
    const held = await login(desk, STAFF_PASSWORD, ip);
    expect(held.status).toBe(429);
    expect(held.body.code).toBe('LOGIN_THROTTLED');
    expect(held.body.details).toEqual({ retryAfterSeconds: 2 });
    expect(held.headers.get('retry-after')).toBe('2');
    await sleep(2100);
    // One more wrong password doubles the wait.
    expect((await login(desk, 'wrong-5', ip)).body.code).toBe('INVALID_CREDENTIALS');
    const longer = await login(desk, STAFF_PASSWORD, ip);
    expect(longer.body).toMatchObject({ code: 'LOGIN_THROTTLED', details: { retryAfterSeconds: 4 } });
    await sleep(4100);
    expect((await login(desk, STAFF_PASSWORD, ip)).status).toBe(200);
    // The success cleared this client's failures.
    expect((await login(desk, 'wrong-again', ip)).body.code).toBe('INVALID_CREDENTIALS');
  });

  it('the 59-guesses attack: one client guessing one account gets at most 5 answers a few seconds apart', async () => {
    const admin = w.staff.adminA.username;
    const ip = '198.51.100.20';
    const codes: string[] = [];
    for (let i = 0; i < 59; i++) codes.push((await login(admin, `guess-${i}`, ip)).body.code);
    codes.push((await login(admin, STAFF_PASSWORD, ip)).body.code);
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(5);
    expect(codes.slice(5).every((c) => c === 'LOGIN_THROTTLED' || c === 'RATE_LIMITED')).toBe(true);
    expect(codes.at(-1)).not.toBe('INVALID_CREDENTIALS');
  });

  it('parallel guesses from one client are checked one at a time: still at most 5 answered', async () => {
    const tech = w.staff.techA1b.username;
    const ip = '198.51.100.40';
    const codes: string[] = [];
    for (let burst = 0; burst < 8; burst++) {
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => login(tech, `parallel-${burst}-${i}`, ip)));
      codes.push(...answers.map((a) => a.body.code as string));
    }
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS').length).toBeLessThanOrEqual(5);
    expect(codes.every((c) => ['INVALID_CREDENTIALS', 'LOGIN_THROTTLED', 'RATE_LIMITED'].includes(c))).toBe(true);
    // Another client of the same account is not held by this one.
    expect((await login(tech, STAFF_PASSWORD, '192.0.2.78')).status).toBe(200);
  });

  it('cannot lock the real user out: their own client, which never failed, still logs in', async () => {
    const admin = w.staff.adminA.username;
    // The attacker of the test above is still held; the user on their own phone is not.
    expect(['LOGIN_THROTTLED', 'RATE_LIMITED']).toContain(
      (await login(admin, STAFF_PASSWORD, '198.51.100.20')).body.code,
    );
    const own = await login(admin, STAFF_PASSWORD, '192.0.2.77');
    expect(own.status).toBe(200);
  });

  it('a distributed guess hits the per-account ceiling; clients that never failed still get in', async () => {
    const sup = w.staff.supervisorA1.username;
    const codes: string[] = [];
    // 12 addresses x 5 guesses = 60 failures: past the ceiling of 50 for the account.
    for (let a = 0; a < 12; a++) {
      for (let i = 0; i < 5; i++) codes.push((await login(sup, `d-${a}-${i}`, `203.0.113.${a + 1}`)).body.code);
    }
    expect(codes.slice(0, 50).every((c) => c === 'INVALID_CREDENTIALS')).toBe(true);
    // Past the ceiling, a client that has failed for the account waits, whatever its own count.
    expect(codes.slice(51)).toContain('LOGIN_THROTTLED');
    const fresh = await login(sup, STAFF_PASSWORD, '192.0.2.99');
    expect(fresh.status).toBe(200);
  });

  it('treats unknown and existing usernames alike (no enumeration by the answers)', async () => {
    const answers = async (username: string, ip: string) => {
      const out: Array<[number, string, unknown]> = [];
      for (let i = 0; i < 7; i++) {
        const r = await login(username, `p-${i}`, ip);
        out.push([r.status, r.body.code, r.body.details]);
      }
      return out;
    };
    const real = await answers(w.staff.techA1.username, '198.51.100.30');
    const ghost = await answers('no-such-user-anywhere', '198.51.100.31');
    expect(ghost).toEqual(real);
    expect(real.map(([status]) => status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });
});
