import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';

// Redis runs on 127.0.0.1:6379 locally and in CI (see redis-rate-limit-store.int.spec.ts).
const REDIS_URL = 'redis://127.0.0.1:6379/14';

describe(`liveness and readiness (${TEST_DB})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('live answers 200 without asking anything', async () => {
    const res = await server.api.get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', uptimeSeconds: expect.any(Number) });
  });

  it('ready answers 200 with the database up and every migration applied (no Redis configured)', async () => {
    const res = await server.api.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      checks: {
        database: { status: 'up', latencyMs: expect.any(Number) },
        migrations: { status: 'up', applied: server.ds.migrations.length },
      },
    });
  });

  it('ready answers 503 naming the migration while one is pending, 200 again once it is applied', async () => {
    const last = server.ds.migrations[server.ds.migrations.length - 1];
    await server.ds.undoLastMigration({ transaction: 'each' });
    try {
      const res = await server.api.get('/health/ready');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        status: 'unavailable',
        failed: ['migrations'],
        checks: { database: { status: 'up' }, migrations: { status: 'pending', pending: [last.name] } },
      });
      // Liveness and the old health check do not look at migrations.
      expect((await server.api.get('/health/live')).status).toBe(200);
      expect((await server.api.get('/health')).status).toBe(200);
    } finally {
      await server.ds.runMigrations({ transaction: 'each' });
    }
    expect((await server.api.get('/health/ready')).status).toBe(200);
  });

  it('ready answers 503 for the database once it is closed; live still 200', async () => {
    const other = await startTestServer();
    try {
      await other.ds.destroy();
      const res = await other.api.get('/health/ready');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        status: 'unavailable',
        failed: ['database', 'migrations'],
        checks: { database: { status: 'down' }, migrations: { status: 'unknown' } },
      });
      expect((await other.api.get('/health/live')).status).toBe(200);
      expect((await other.api.get('/health')).status).toBe(503);
    } finally {
      if (!other.ds.isInitialized) await other.ds.initialize();
      await other.close();
    }
  });

  it('with LINLI_REDIS_URL, ready checks Redis: 200 when it answers, 503 naming redis when it does not', async () => {
    const up = await startTestServer({ env: { LINLI_REDIS_URL: REDIS_URL } });
    const down = await startTestServer({ env: { LINLI_REDIS_URL: 'redis://127.0.0.1:1/0' } });
    try {
      // The connection is made in the background: give it a moment.
      let res = await up.api.get('/health/ready');
      for (let i = 0; i < 20 && res.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        res = await up.api.get('/health/ready');
      }
      expect(res.status).toBe(200);
      expect(res.body.checks.redis).toEqual({ status: 'up' });
      const refused = await down.api.get('/health/ready');
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ failed: ['redis'], checks: { redis: { status: 'down' } } });
    } finally {
      await up.close();
      await down.close();
    }
  });
});
