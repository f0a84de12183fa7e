// Fault: the WeChat API is down (nothing listening), hangs up, or answers too slowly. Proves that
// - a WeChat login then fails fast with 503 WECHAT_UNAVAILABLE: at once when the connection is
//   refused or dropped, and within the configured WECHAT_TIMEOUT_MS when WeChat is slow;
// - a subscribe message due while WeChat is down is not lost and not doubled: the delivery goes
//   back to pending (the user's send given back), and the worker delivers it exactly once after
//   WeChat returns, on its own schedule (5 s x 2^attempts backoff).
//
// The fake WeChat server runs in this test process on its own port; "down" is the real thing:
// the fake stops listening and later listens again on the same port. The server is the built
// `node server/dist/main.js` with its worker loop on, on a database of its own on the shared
// MariaDB.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../../server/src/config/config.js';
import { createDataSource, dropDatabase, ensureDatabaseExists } from '../../server/src/database/data-source.js';
import { STAFF_PASSWORD, type World } from '../../server/src/testing/factories.js';
import { TEST_APPID, TEST_SECRET } from '../../server/src/testing/test-server.js';
import { FakeWechatServer } from '../../server/src/wechat/fake-wechat-server.js';
import {
  assertServerBuilt,
  type DataSource,
  dbUrl,
  faultHouse,
  freePort,
  migrate,
  seedFaultWorld,
  ServerProcess,
  sharedMariadb,
  waitFor,
} from './support/processes.js';

const TIMEOUT_MS = 1000;
const TEMPLATE = 'linli-order-status';
const RESIDENT = 'fault-wechat-res-0';

describe('WeChat down, hanging up or slow (mariadb)', () => {
  let dir: string;
  let db: DatabaseConfig;
  let ds: DataSource;
  let fake: FakeWechatServer;
  let fakePort: number;
  let w: World;
  let server: ServerProcess;
  let resident: string;

  const q = <T = any>(sql: string, params: unknown[] = []): Promise<T[]> => ds.query(sql, params);

  const login = async (code: string) => {
    const started = Date.now();
    const res = await server.api.post('/auth/wechat', { code });
    return { status: res.status, code: res.body?.code as string | undefined, ms: Date.now() - started, body: res.body };
  };

  beforeAll(async () => {
    assertServerBuilt();
    dir = mkdtempSync(path.join(os.tmpdir(), 'linli-fault-wechat-'));
    db = sharedMariadb(`linli_fault_wechat_${process.pid}`);
    await ensureDatabaseExists(db);
    await migrate(dbUrl(db));
    fake = new FakeWechatServer({ appid: TEST_APPID, secret: TEST_SECRET });
    const listening = await fake.listen(0);
    fakePort = listening.port;
    ds = createDataSource(db);
    await ds.initialize();
    w = await seedFaultWorld(ds, fake, [RESIDENT]);
    server = new ServerProcess('server', await freePort(), {
      LINLI_MODE: 'development',
      HOST: '127.0.0.1',
      LINLI_MIGRATE_ON_START: 'false',
      LINLI_DB_URL: dbUrl(db),
      LINLI_JWT_SECRET: 'faults-wechat-secret-0123456789abcdefghij',
      WECHAT_API_BASE: listening.url,
      WECHAT_APPID: TEST_APPID,
      WECHAT_SECRET: TEST_SECRET,
      WECHAT_TIMEOUT_MS: String(TIMEOUT_MS),
      WECHAT_TEMPLATE_ORDER: TEMPLATE,
      LINLI_WORKER_INTERVAL_MS: '200',
      LOG_LEVEL: 'warn',
      LINLI_DATA_DIR: path.join(dir, 'data'),
      LINLI_SEED_DEMO: 'false',
    });
    await server.start();
    const res = await login(RESIDENT);
    expect(res.status).toBe(200);
    resident = res.body.token;
  }, 90_000);

  afterAll(async () => {
    await server?.kill();
    if (ds?.isInitialized) await ds.destroy();
    await fake?.close();
    if (db) await dropDatabase(db).catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('fails a login at once with WECHAT_UNAVAILABLE while WeChat is down, and works when it is back', async () => {
    await fake.close();
    try {
      const down = await login('fault-wechat-new-1');
      expect(down).toMatchObject({ status: 503, code: 'WECHAT_UNAVAILABLE' });
      expect(down.ms).toBeLessThan(TIMEOUT_MS);
    } finally {
      await fake.listen(fakePort);
    }
    expect((await login('fault-wechat-new-1')).status).toBe(200);
  });

  it('fails a login at once when WeChat drops the connection or answers 502', async () => {
    fake.failNext('jscode2session', 'hang_up');
    const dropped = await login('fault-wechat-new-2');
    expect(dropped).toMatchObject({ status: 503, code: 'WECHAT_UNAVAILABLE' });
    expect(dropped.ms).toBeLessThan(TIMEOUT_MS);
    fake.failNext('jscode2session', 'bad_gateway');
    const gateway = await login('fault-wechat-new-2');
    expect(gateway).toMatchObject({ status: 503, code: 'WECHAT_UNAVAILABLE' });
  });

  it('gives up on a slow WeChat within WECHAT_TIMEOUT_MS', async () => {
    fake.setDelay(TIMEOUT_MS * 5, 'jscode2session');
    try {
      const slow = await login('fault-wechat-new-3');
      expect(slow).toMatchObject({ status: 503, code: 'WECHAT_UNAVAILABLE' });
      expect(slow.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(slow.ms).toBeLessThan(TIMEOUT_MS + 1000);
      // Other requests are not held up meanwhile.
      const started = Date.now();
      const [again, health] = await Promise.all([login('fault-wechat-new-4'), server.api.get('/health')]);
      expect(health.status).toBe(200);
      expect(again.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1000);
    } finally {
      fake.setDelay(0);
    }
  });

  it('retries a subscribe message due while WeChat is down and delivers it once when WeChat is back', async () => {
    const openid = fake.openidFor(RESIDENT);
    // The resident accepted two order updates in the mini-program.
    fake.grantSubscription(openid, TEMPLATE, 2);
    const sub = await server.api.post('/me/subscriptions', { results: { [TEMPLATE]: 'accept' } }, { token: resident });
    expect(sub.status).toBeLessThan(300);
    await server.api.post('/me/subscriptions', { results: { [TEMPLATE]: 'accept' } }, { token: resident });
    const remaining = async () =>
      (await server.api.get('/me/subscriptions', { token: resident })).body.remaining[TEMPLATE];
    expect(await remaining()).toBe(2);

    const created = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '微信故障测试', houseId: faultHouse(w, 0) },
      { token: resident, headers: { 'idempotency-key': 'fault-wechat-order-1' } },
    );
    expect(created.status).toBe(201);
    let order = created.body as { id: number; no: string; assignee: { id: number } | null };
    // Routed in a background batch: the answer has the technician unless the worker's own tick
    // claimed the route job first (then it says 派单中 and the order page shows them shortly).
    await waitFor(
      'the order to be routed',
      async () => {
        order = (await server.api.get(`/work-orders/${order.id}`, { token: resident })).body as typeof order;
        return order.assignee !== null;
      },
      10_000,
      100,
    );
    const tech = [w.staff.techA1, w.staff.techA1b].find((t) => t.id === order.assignee!.id)!;
    const techLogin = await server.api.post('/auth/password', { username: tech.username, password: STAFF_PASSWORD });

    // WeChat goes down; the technician accepts, which tells the resident (师傅已接单).
    await fake.close();
    const sentBefore = fake.sentMessages().length;
    let deliveryId = 0;
    try {
      const accepted = await server.api.post(
        `/work-orders/${order.id}/transitions`,
        { action: 'accept' },
        { token: techLogin.body.token },
      );
      expect(accepted.status).toBe(200);
      // The worker tries, fails (connection refused), gives the send back and schedules a retry.
      const failed = await waitFor(
        'a failed first attempt',
        async () => {
          const rows = await q<{ id: unknown; status: string; attempts: unknown; lastError: string | null }>(
            `SELECT d.id, d.status, d.attempts, d.lastError FROM notification_delivery d
               JOIN notification n ON n.id = d.notificationId
              WHERE n.workOrderId = ? AND n.type = 'order.accept' AND d.channel = 'wechat'`,
            [order.id],
          );
          if (rows.length !== 1 || Number(rows[0].attempts) < 1) return false;
          expect(rows[0].status).toBe('pending');
          expect(rows[0].lastError).toMatch(/^unavailable/);
          deliveryId = Number(rows[0].id);
          return true;
        },
        15_000,
        100,
      );
      expect(failed).toBeGreaterThanOrEqual(0);
      expect(await remaining()).toBe(2); // given back
    } finally {
      await fake.listen(fakePort);
    }

    // Back up: the retry (10 s after the first failure) sends it, once.
    const tookMs = await waitFor(
      'the retried delivery to be sent',
      async () =>
        (await q<{ status: string }>('SELECT status FROM notification_delivery WHERE id = ?', [deliveryId]))[0]
          .status === 'sent',
      30_000,
      200,
    );
    const row = (
      await q<{ attempts: unknown; externalId: string | null }>(
        'SELECT attempts, externalId FROM notification_delivery WHERE id = ?',
        [deliveryId],
      )
    )[0];
    expect(Number(row.attempts)).toBe(1);
    const sent = fake.sentMessages().filter((m) => m.touser === openid && m.data.character_string1?.value === order.no);
    expect(sent).toHaveLength(1);
    expect(sent[0].msgid).toBe(row.externalId);
    expect(fake.sentMessages().length).toBe(sentBefore + 1);
    expect(await remaining()).toBe(1);
    expect(fake.subscriptionsLeft(openid, TEMPLATE)).toBe(1);
    console.log(
      `[fault: WeChat down] first attempt failed (connection refused), delivery ${deliveryId} sent once ` +
        `${tookMs} ms after WeChat came back (backoff 10 s)`,
    );
  }, 60_000);
});
