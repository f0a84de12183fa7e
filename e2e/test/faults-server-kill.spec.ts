// Fault: the server process is SIGKILLed in the middle of a burst of order creates and
// transitions, on MariaDB, then restarted. Proves that
// - every request the client saw acknowledged (2xx) is in the database exactly once: the order
//   of each acknowledged Idempotency-Key, each acknowledged transition once in the timeline;
// - every order in the database is whole, acknowledged or not: its create event, outbox event,
//   idempotency record, SLA clocks and routing job all exist, its version counts its timeline,
//   and its status is where its last event left it (nothing half-written);
// - clients retrying the unacknowledged creates with the same key get exactly one order each;
// - the routing jobs the dead process left behind are finished by the restarted one, once.
//
// Runs on the shared MariaDB (127.0.0.1:3306 or LINLI_TEST_DB_HOST/PORT) in a database of its
// own, whatever LINLI_TEST_DB says: a SQLite file is for one process and is not the fault here.
// Needs the built server (server/dist).
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
  brokenOrders,
  type DataSource,
  dbUrl,
  faultHouse,
  freeStablePort,
  migrate,
  seedFaultWorld,
  ServerProcess,
  sharedMariadb,
  sleep,
  waitFor,
} from './support/processes.js';

const JWT_SECRET = 'faults-server-kill-secret-0123456789abcdef';
const CONCURRENCY = 6;
/** SIGKILL once this many creates were acknowledged. */
const KILL_AFTER_CREATES = 24;

interface Create {
  key: string;
  residentIdx: number;
  xff: string;
  body: object;
  status: number | 'error';
  orderId?: number;
}

interface Transition {
  orderId: number;
  action: string;
  status: number | 'error';
}

describe('SIGKILL of the server during a burst of creates and transitions (mariadb)', () => {
  let dir: string;
  let db: DatabaseConfig;
  let ds: DataSource;
  let fake: FakeWechatServer;
  let w: World;
  let server: ServerProcess;
  const residentTokens: string[] = [];
  const techTokens = new Map<number, string>();
  let deskToken: string;
  const creates: Create[] = [];
  const transitions: Transition[] = [];
  let killedAt = 0;

  const q = <T = any>(sql: string, params: unknown[] = []): Promise<T[]> => ds.query(sql, params);
  const num = async (sql: string, params: unknown[] = []) => Number((await q<{ n: unknown }>(sql, params))[0].n);

  beforeAll(async () => {
    assertServerBuilt();
    dir = mkdtempSync(path.join(os.tmpdir(), 'linli-fault-kill-'));
    db = sharedMariadb(`linli_fault_kill_${process.pid}`);
    await ensureDatabaseExists(db);
    await migrate(dbUrl(db));
    fake = new FakeWechatServer({ appid: TEST_APPID, secret: TEST_SECRET });
    const fakeUrl = (await fake.listen(0)).url;
    ds = createDataSource(db);
    await ds.initialize();
    w = await seedFaultWorld(
      ds,
      fake,
      Array.from({ length: CONCURRENCY }, (_, i) => `fault-kill-res-${i}`),
    );

    server = new ServerProcess('server', await freeStablePort(), {
      LINLI_MODE: 'development',
      // Requests name their client in X-Forwarded-For, as a load balancer would.
      LINLI_TRUSTED_PROXIES: 'loopback',
      HOST: '127.0.0.1',
      LINLI_MIGRATE_ON_START: 'false',
      LINLI_DB_URL: dbUrl(db),
      LINLI_JWT_SECRET: JWT_SECRET,
      WECHAT_API_BASE: fakeUrl,
      WECHAT_APPID: TEST_APPID,
      WECHAT_SECRET: TEST_SECRET,
      LINLI_WORKER_INTERVAL_MS: '100',
      LOG_LEVEL: 'warn',
      LINLI_DATA_DIR: path.join(dir, 'data'),
      LINLI_SEED_DEMO: 'false',
    });
    await server.start();
    for (let i = 0; i < CONCURRENCY; i++) {
      const res = await server.api.post('/auth/wechat', { code: `fault-kill-res-${i}` });
      expect(res.status).toBe(200);
      residentTokens.push(res.body.token);
    }
    for (const t of [w.staff.techA1, w.staff.techA1b]) {
      const res = await server.api.post('/auth/password', { username: t.username, password: STAFF_PASSWORD });
      expect(res.status).toBe(200);
      techTokens.set(t.id, res.body.token);
    }
    const desk = await server.api.post('/auth/password', {
      username: w.staff.deskA1.username,
      password: STAFF_PASSWORD,
    });
    deskToken = desk.body.token;
  }, 90_000);

  afterAll(async () => {
    await server?.kill();
    if (ds?.isInitialized) await ds.destroy();
    await fake?.close();
    if (db) await dropDatabase(db).catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  /** One client: create an order, then move it on (accept and depart, or assign), until the server dies. */
  async function client(worker: number, next: () => number): Promise<void> {
    for (;;) {
      const i = next();
      const c: Create = {
        key: `fault-kill-${worker}-${i}`,
        residentIdx: i % CONCURRENCY,
        // A distinct client address per request: the per-IP create limit is not under test.
        xff: `10.9.${i >> 8}.${i & 255}`,
        body: {
          category: 'plumbing',
          description: `进程被杀测试 ${i}`,
          houseId: faultHouse(w, i % CONCURRENCY),
          priority: 'P2',
        },
        status: 'error',
      };
      creates.push(c);
      let res;
      try {
        res = await server.api.post('/work-orders', c.body, {
          token: residentTokens[c.residentIdx],
          headers: { 'idempotency-key': c.key, 'x-forwarded-for': c.xff },
        });
      } catch {
        return; // the server is gone: this create is unacknowledged
      }
      c.status = res.status;
      if (res.status !== 201) throw new Error(`create answered ${res.status} ${JSON.stringify(res.body)}`);
      c.orderId = res.body.id;
      const steps: Array<{ action: string; token: string; extra?: object }> = [];
      const assignee: number | undefined = res.body.assignee?.id;
      if (assignee && techTokens.has(assignee)) {
        steps.push(
          { action: 'accept', token: techTokens.get(assignee)! },
          { action: 'depart', token: techTokens.get(assignee)! },
        );
      } else {
        steps.push({ action: 'assign', token: deskToken, extra: { assigneeId: w.staff.techA1.id } });
      }
      for (const s of steps) {
        const t: Transition = { orderId: c.orderId!, action: s.action, status: 'error' };
        transitions.push(t);
        try {
          const r = await server.api.post(
            `/work-orders/${c.orderId}/transitions`,
            { action: s.action, ...s.extra },
            { token: s.token },
          );
          t.status = r.status;
          // The desk's assign can race the order's routing job (when the create answered before
          // routing got to it): a 409 VERSION_CONFLICT is a correct refusal that changed nothing.
          // So is a 503 SERVICE_UNAVAILABLE: a deadlock victim whose retries were used up.
          if (r.status === 409 && r.body?.code === 'VERSION_CONFLICT') break;
          if (r.status === 503 && r.body?.code === 'SERVICE_UNAVAILABLE') break;
          if (r.status !== 200) {
            const log = server.output.slice(-3000);
            throw new Error(`${s.action} answered ${r.status} ${JSON.stringify(r.body)}\nserver log:\n${log}`);
          }
        } catch (e) {
          if (t.status === 'error') return;
          throw e;
        }
      }
    }
  }

  /** Every order in the database is whole, whatever the client heard. */
  async function assertEveryOrderWhole(): Promise<number> {
    const { orders, broken } = await brokenOrders(q);
    expect(broken).toEqual([]);
    return orders;
  }

  it('keeps every acknowledged request exactly once and every order whole', async () => {
    let counter = 0;
    const next = () => counter++;
    const acked = () => creates.filter((c) => c.status === 201).length;
    const killer = (async () => {
      try {
        await waitFor('enough acknowledged creates', async () => acked() >= KILL_AFTER_CREATES, 60_000, 5);
      } catch (e) {
        const seen = creates.map((c) => c.status).join(',');
        throw new Error(`${String(e)}; creates so far: ${seen}\nserver log:\n${server.output.slice(-4000)}`, {
          cause: e,
        });
      }
      killedAt = Date.now();
      await server.kill('SIGKILL');
    })();
    await Promise.all([...Array.from({ length: CONCURRENCY }, (_, k) => client(k, next)), killer]);

    const ackedCreates = creates.filter((c) => c.status === 201);
    const lostCreates = creates.filter((c) => c.status === 'error');
    const ackedTransitions = transitions.filter((t) => t.status === 200);
    const lostTransitions = transitions.filter((t) => t.status === 'error');
    const refused = transitions.filter((t) => t.status === 409 || t.status === 503);
    // A refused transition left no trace: its order moved on by the routing job's own event only
    // (the desk assigns; the technician accepts and departs).
    for (const t of refused) {
      expect(
        await num('SELECT COUNT(*) AS n FROM work_order_event WHERE workOrderId = ? AND action = ? AND actorRole = ?', [
          t.orderId,
          t.action,
          t.action === 'assign' ? 'desk' : 'technician',
        ]),
      ).toBe(0);
    }
    expect(ackedCreates.length).toBeGreaterThanOrEqual(KILL_AFTER_CREATES);
    // The kill did land mid-burst: some requests were in flight or refused.
    expect(lostCreates.length + lostTransitions.length).toBeGreaterThan(0);

    // While the process is down, look at what the database holds (nobody is writing now).
    const ordersAtKill = await assertEveryOrderWhole();
    for (const c of ackedCreates) {
      const rows = await q<{ workOrderId: unknown }>('SELECT workOrderId FROM idempotency_record WHERE `key` = ?', [
        c.key,
      ]);
      expect(rows.map((r) => Number(r.workOrderId))).toEqual([c.orderId]);
    }
    for (const t of ackedTransitions) {
      expect(
        await num('SELECT COUNT(*) AS n FROM work_order_event WHERE workOrderId = ? AND action = ?', [
          t.orderId,
          t.action,
        ]),
      ).toBe(1);
    }
    // An unacknowledged create either committed whole (checked above) or left nothing.
    const lostCommitted = await num(
      `SELECT COUNT(*) AS n FROM idempotency_record WHERE \`key\` IN (${lostCreates.map(() => '?').join(',') || "''"})`,
      lostCreates.map((c) => c.key),
    );
    expect(ordersAtKill).toBe(ackedCreates.length + lostCommitted);

    // Restart; the routing jobs left pending by the dead process get done by the new one.
    await server.start();
    await waitFor(
      'pending routing jobs to finish',
      async () =>
        (await num("SELECT COUNT(*) AS n FROM scheduled_job WHERE kind = 'route' AND status <> 'done'")) === 0,
      30_000,
      100,
    );
    expect(await num("SELECT COUNT(*) AS n FROM scheduled_job WHERE status = 'failed'")).toBe(0);
    // Routed once: one decision per order, except orders the desk assigned by hand before their
    // routing job ran (the job then finds nothing to do); none is left unassigned.
    const decisions = await q<{ n: unknown }>('SELECT COUNT(*) AS n FROM routing_decision GROUP BY workOrderId');
    expect(decisions.filter((d) => Number(d.n) !== 1)).toEqual([]);
    const undecided = await q<{ id: unknown; actions: string }>(
      'SELECT o.id, GROUP_CONCAT(CONCAT(e.action, "/", e.actorRole) ORDER BY e.id) AS actions FROM work_order o ' +
        'JOIN work_order_event e ON e.workOrderId = o.id WHERE NOT EXISTS (SELECT 1 FROM routing_decision d WHERE d.workOrderId = o.id) GROUP BY o.id',
    );
    expect(undecided.filter((u) => !u.actions.includes('assign/desk'))).toEqual([]);
    expect(decisions.length + undecided.length).toBe(ordersAtKill);
    expect(await num('SELECT COUNT(*) AS n FROM work_order WHERE assigneeId IS NULL')).toBe(0);

    // Clients retry every unacknowledged create with its key: one order per key, never two.
    for (const c of lostCreates) {
      const res = await server.api.post('/work-orders', c.body, {
        token: residentTokens[c.residentIdx],
        headers: { 'idempotency-key': c.key, 'x-forwarded-for': c.xff },
      });
      expect([200, 201]).toContain(res.status);
      c.orderId = res.body.id;
    }
    // The acknowledged ones replay the same order.
    for (const c of ackedCreates.slice(0, 5)) {
      const res = await server.api.post('/work-orders', c.body, {
        token: residentTokens[c.residentIdx],
        headers: { 'idempotency-key': c.key, 'x-forwarded-for': c.xff },
      });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(c.orderId);
    }
    const total = await num('SELECT COUNT(*) AS n FROM work_order');
    expect(total).toBe(creates.length);
    expect(new Set(creates.map((c) => c.orderId)).size).toBe(creates.length);
    await sleep(300);
    await assertEveryOrderWhole();

    console.log(
      `[fault: server SIGKILL] ${creates.length} creates (${ackedCreates.length} acknowledged, ${lostCreates.length} not, ` +
        `${lostCommitted} of those committed), ${transitions.length} transitions (${ackedTransitions.length} acknowledged, ` +
        `${lostTransitions.length} not, ${refused.length} refused with 409 or 503); after the restart (${Date.now() - killedAt} ms after the kill) ` +
        `${total} orders, one per key, all whole`,
    );
  }, 120_000);
});
