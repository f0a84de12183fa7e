/**
 * Live notices across two real server processes (`node dist/main.js`) on one database and one
 * Redis (LINLI_REDIS_URL): a change committed through process A reaches a socket held by
 * process B, scoped as on one process; and when B's link to Redis drops and comes back, its
 * sockets are told to resync. Needs the built server (server/dist) and Redis on 127.0.0.1:6379
 * (LINLI_TEST_REDIS_URL to use another).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { createDataSource, dropDatabase, ensureDatabaseExists } from '../../database/data-source.js';
import type { DatabaseConfig } from '../../config/config.js';
import { buildWorld, STAFF_PASSWORD, type World } from '../../testing/factories.js';
import { LiveTestClient } from '../../testing/live-client.js';
import { CLI_JS, dbUrl, freePort, MAIN_JS, migrate, ServerProcess, waitFor } from '../../testing/server-process.js';
import { freshDatabase, TEST_APPID, TEST_DB, TEST_SECRET, type TestServer } from '../../testing/test-server.js';
import { FakeWechatServer } from '../../wechat/fake-wechat-server.js';

// A database of its own: the processes share rate-limit counters there (emptied first). Notices
// go over a channel named after the test's database, so other suites on this Redis never mix in.
const REDIS_URL = process.env.LINLI_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/13';
const JWT_SECRET = 'live-multiprocess-secret-0123456789abcdefghij';

describe(`live notices across two server processes through Redis (${TEST_DB})`, () => {
  let dir: string;
  let db: DatabaseConfig;
  let ds: DataSource;
  let fake: FakeWechatServer;
  let w: World;
  let a: ServerProcess;
  let b: ServerProcess;
  const open: LiveTestClient[] = [];

  const login = async (p: ServerProcess, body: object, path = '/auth/password'): Promise<string> => {
    const res = await p.api.post(path, body);
    if (res.status !== 200) throw new Error(`login on ${p.name}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token as string;
  };
  const staffToken = (p: ServerProcess, u: { username: string | null }) =>
    login(p, { username: u.username, password: STAFF_PASSWORD });
  const socket = async (p: ServerProcess, token: string) => {
    const c = await LiveTestClient.signedIn(`http://127.0.0.1:${p.port}`, token);
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    if (!existsSync(MAIN_JS) || !existsSync(CLI_JS)) {
      throw new Error('server/dist is missing: build the server first (cd server && npx tsc -p tsconfig.build.json)');
    }
    const redis = new Redis(REDIS_URL);
    try {
      await redis.flushdb();
    } finally {
      redis.disconnect();
    }
    dir = mkdtempSync(path.join(os.tmpdir(), 'linli-live-multi-'));
    db = freshDatabase(dir);
    await ensureDatabaseExists(db);
    const url = dbUrl(db);
    await migrate(url);
    fake = new FakeWechatServer({ appid: TEST_APPID, secret: TEST_SECRET });
    const fakeUrl = (await fake.listen(0)).url;
    ds = createDataSource(db);
    await ds.initialize();
    w = await buildWorld({ ds, fake } as unknown as TestServer);

    const env = (name: string): Record<string, string> => {
      const dataDir = path.join(dir, `data-${name}`);
      mkdirSync(dataDir, { recursive: true });
      return {
        LINLI_MODE: 'development',
        HOST: '127.0.0.1',
        LINLI_MIGRATE_ON_START: 'false',
        LINLI_DB_URL: url,
        LINLI_JWT_SECRET: JWT_SECRET,
        LINLI_REDIS_URL: REDIS_URL,
        WECHAT_API_BASE: fakeUrl,
        WECHAT_APPID: TEST_APPID,
        WECHAT_SECRET: TEST_SECRET,
        LOG_LEVEL: 'warn',
        // A long user cache: a revoked token refused at once on the other process proves the
        // broadcast, not the cache expiring.
        LINLI_ACTOR_CACHE_MS: '60000',
        LINLI_DATA_DIR: dataDir,
        LINLI_SEED_DEMO: 'false',
      };
    };
    a = new ServerProcess('A', await freePort(), env('a'));
    b = new ServerProcess('B', await freePort(), env('b'));
    await Promise.all([a.start(), b.start()]);
  }, 90_000);

  afterAll(async () => {
    for (const c of open) c.close();
    await Promise.all([a?.kill('SIGTERM'), b?.kill('SIGTERM')]);
    if (ds?.isInitialized) await ds.destroy();
    await fake?.close();
    if (db) await dropDatabase(db);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('a change made through process A reaches the sockets of process B, scoped', async () => {
    const resident = await login(b, { code: 'code-res-a1' }, '/auth/wechat');
    const other = await login(b, { code: 'code-res-a1b' }, '/auth/wechat');
    const deskOnA = await staffToken(a, w.staff.deskA1);
    const techOnA = await staffToken(a, w.staff.techA1);
    const onB = await socket(b, resident);
    const otherOnB = await socket(b, other);
    const techB1OnB = await socket(b, await staffToken(b, w.staff.techB1));

    const created = await a.api.post(
      '/work-orders',
      { category: 'plumbing', description: '跨进程实时', houseId: w.houseA1.id },
      { token: resident },
    );
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    await onB.next((m) => m.type === 'order.changed' && m.orderId === id);
    const assigned = await a.api.post(
      `/work-orders/${id}/transitions`,
      { action: 'assign', assigneeId: w.staff.techA1.id },
      { token: deskOnA },
    );
    expect([assigned.status, a.output]).toEqual([200, a.output]);
    const accepted = await a.api.post(`/work-orders/${id}/transitions`, { action: 'accept' }, { token: techOnA });
    expect(accepted.status).toBe(200);
    expect(await onB.next((m) => m.type === 'order.changed' && m.orderId === id && m.status === 'accepted')).toEqual({
      type: 'order.changed',
      orderId: id,
      status: 'accepted',
      version: accepted.body.version,
    });

    // Sentinels on process A for the two who must not have heard the order.
    const sentinel = await a.api.post(
      '/work-orders',
      { category: 'plumbing', description: '跨进程哨兵', houseId: w.houseA1b.id },
      { token: other },
    );
    expect(sentinel.status).toBe(201);
    const techB1 = await staffToken(a, w.staff.techB1);
    const filedByB1 = await a.api.post(
      '/work-orders',
      { category: 'plumbing', description: '乙公司哨兵', houseId: w.houseB1.id },
      { token: techB1 },
    );
    expect(filedByB1.status).toBe(201);
    await otherOnB.next((m) => m.type === 'order.changed' && m.orderId === sentinel.body.id);
    await techB1OnB.next((m) => m.type === 'order.changed' && m.orderId === filedByB1.body.id);
    expect(otherOnB.about(id)).toEqual([]);
    expect(techB1OnB.about(id)).toEqual([]);
  });

  it('tells the sockets of a process to resync when its Redis link drops and comes back', async () => {
    const deskOnB = await socket(b, await staffToken(b, w.staff.deskA1));
    const admin = new Redis(REDIS_URL);
    try {
      // Drop every pub/sub connection (both processes' subscribers); ioredis reconnects them.
      await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    } finally {
      admin.disconnect();
    }
    await deskOnB.next((m) => m.type === 'resync');
    // And notices flow again once the subscriber is back: a change on A reaches B.
    const resident = await login(a, { code: 'code-res-a1' }, '/auth/wechat');
    await waitFor(
      'a notice from A on B after the reconnect',
      async () => {
        const res = await a.api.post(
          '/work-orders',
          { category: 'other', description: `重连后 ${Date.now()}`, houseId: w.houseA1.id },
          { token: resident },
        );
        if (res.status !== 201) throw new Error(`create: ${res.status}`);
        try {
          await deskOnB.next((m) => m.type === 'order.changed' && m.orderId === res.body.id, { timeoutMs: 1000 });
          return true;
        } catch {
          return false;
        }
      },
      20_000,
      100,
    );
  });

  it('a password reset through process A refuses the old token on process B at once (the user cache is told over Redis)', async () => {
    const tech = w.staff.techA2;
    const oldToken = await staffToken(b, tech);
    // Cached on B now (LINLI_ACTOR_CACHE_MS is a minute here).
    expect((await b.api.get('/me', { token: oldToken })).status).toBe(200);
    const admin = await staffToken(a, w.staff.adminA);
    // On SQLite the two processes share one file: a write can meet the other's write lock and
    // answer 503 (lock contention, retry later), as the API documents; try again then.
    let reset = await a.api.post(`/staff/${tech.id}/password-reset`, {}, { token: admin });
    for (let i = 0; i < 20 && reset.status === 503; i++) {
      await new Promise((r) => setTimeout(r, 100));
      reset = await a.api.post(`/staff/${tech.id}/password-reset`, {}, { token: admin });
    }
    expect([reset.status, a.output]).toEqual([200, a.output]);
    const refusedAfter = await waitFor(
      'process B to refuse the revoked token',
      async () => (await b.api.get('/me', { token: oldToken })).status === 401,
      2000,
      20,
    );
    expect(refusedAfter).toBeLessThan(2000);
  });
});
