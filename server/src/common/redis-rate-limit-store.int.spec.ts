import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { startTestServer, TEST_DB, type HttpResult, type TestServer } from '../testing/test-server.js';

// Redis runs on 127.0.0.1:6379 locally and in CI; these tests own db 15.
const REDIS_URL = 'redis://127.0.0.1:6379/15';
const LOGIN_LIMIT = 20;

/** Password logins alternating between the servers, all from the same client IP (127.0.0.1). */
async function alternateLogins(servers: TestServer[], total: number): Promise<HttpResult[]> {
  const results: HttpResult[] = [];
  for (let i = 0; i < total; i++) {
    // A username each: the per-account throttle (login-throttle.ts) is not what is measured here.
    const body = { username: `ghost-${i}`, password: 'x' };
    results.push(await servers[i % servers.length].api.post('/auth/password', body));
  }
  return results;
}

describe(`shared rate limits in Redis (${TEST_DB})`, () => {
  let redis: Redis;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    await redis.flushdb();
    a = await startTestServer({ env: { LINLI_REDIS_URL: REDIS_URL } });
    b = await startTestServer({ env: { LINLI_REDIS_URL: REDIS_URL } });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.flushdb();
    await redis?.quit();
  });

  it('shares the per-account throttle: 5 failures across two processes hold the sixth on either', async () => {
    const fromIp = { headers: { 'x-forwarded-for': '198.51.100.99' } };
    const user = { username: 'shared-ghost', password: 'x' };
    for (let i = 0; i < 5; i++) {
      expect((await [a, b][i % 2].api.post('/auth/password', user, fromIp)).body.code).toBe('INVALID_CREDENTIALS');
    }
    for (const s of [a, b]) {
      const held = await s.api.post('/auth/password', user, fromIp);
      expect(held.body).toMatchObject({ code: 'LOGIN_THROTTLED', details: { retryAfterSeconds: 2 } });
    }
    const keys = await redis.keys('linli:rl:login-*');
    expect(keys.length).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await b.api.post('/auth/password', user, fromIp)).body.code).toBe('INVALID_CREDENTIALS');
    await redis.flushdb();
  });

  it('reaches the login limit after 20 requests in total across two processes', async () => {
    const results = await alternateLogins([a, b], LOGIN_LIMIT + 1);
    const allowed = results.slice(0, LOGIN_LIMIT);
    expect(allowed.map((r) => r.status)).toEqual(Array(LOGIN_LIMIT).fill(401));
    const limited = results[LOGIN_LIMIT];
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Both processes refuse now: the counter is shared.
    expect((await a.api.post('/auth/password', { username: 'ghost', password: 'x' })).status).toBe(429);
    expect((await b.api.post('/auth/password', { username: 'ghost', password: 'x' })).status).toBe(429);

    const keys = await redis.keys('linli:rl:login:ip:*');
    expect(keys).toHaveLength(1);
    const ttl = await redis.pttl(keys[0]);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});

describe(`per-process rate limits in memory (${TEST_DB})`, () => {
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    a = await startTestServer();
    b = await startTestServer();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('allows more than 20 logins in total when each process counts on its own', async () => {
    const results = await alternateLogins([a, b], 2 * LOGIN_LIMIT);
    expect(results.filter((r) => r.status === 429)).toHaveLength(0);
    const more = await alternateLogins([a, b], 2);
    expect(more.map((r) => r.status)).toEqual([429, 429]);
  });
});

describe(`rate limits with Redis down (${TEST_DB})`, () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ env: { LINLI_REDIS_URL: 'redis://127.0.0.1:1/0' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('fails open: the limiter refuses nothing and the server answers normally', async () => {
    const started = Date.now();
    const results = await alternateLogins([server], LOGIN_LIMIT + 5);
    expect(results.map((r) => r.status)).toEqual(Array(LOGIN_LIMIT + 5).fill(401));
    expect(results[0].body.code).toBe('INVALID_CREDENTIALS');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
