/**
 * Two real server processes (`node dist/main.js`) on one database race to fire the same
 * persisted timers. Proves the claim protocol of JobRunner/JobsRepository across processes:
 * every due SLA check fires exactly once (one escalation row and one outbox event per clock
 * and level), both processes take part, and a process killed with SIGKILL mid-batch loses
 * nothing and doubles nothing once it is restarted.
 *
 * Needs the built server (server/dist); `pnpm test` builds before testing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource, dropDatabase, ensureDatabaseExists } from '../../database/data-source.js';
import type { DatabaseConfig } from '../../config/config.js';
import { buildWorld, type World } from '../../testing/factories.js';
import { freshDatabase, TEST_APPID, TEST_DB, TEST_SECRET, type TestServer } from '../../testing/test-server.js';
import { FakeWechatServer } from '../../wechat/fake-wechat-server.js';
import { CLI_JS, dbUrl, freePort, MAIN_JS, migrate, ServerProcess, waitFor } from '../../testing/server-process.js';
import { TechnicianProfile, TechnicianSkill } from '../staff/staff.entities.js';

const JWT_SECRET = 'multiprocess-test-secret-0123456789abcdefghij';
const SLA_CHECK = 'sla_check';
const HOST = os.hostname();

interface Outcome {
  clocks: number;
  escalations: number;
  events: number;
  doneChecks: number;
  owners: Map<string, number>;
  retried: number;
}

describe(`persisted timers across two server processes (${TEST_DB})`, () => {
  let dir: string;
  let db: DatabaseConfig;
  let ds: DataSource;
  let fake: FakeWechatServer;
  let w: World;
  let a: ServerProcess;
  let b: ServerProcess;
  const tokens = new Map<ServerProcess, string[]>();
  const mysql = TEST_DB === 'mariadb';

  const q = <T = any>(sql: string, params: unknown[] = []): Promise<T[]> => ds.query(sql, params);
  const num = async (sql: string, params: unknown[] = []) => Number((await q<{ n: unknown }>(sql, params))[0].n);

  let round = 0;
  /** Create `perProcess` orders on each process, two requests in flight per process. */
  async function createOrders(perProcess: number): Promise<number[]> {
    const ids: number[] = [];
    round += 1; // distinct texts each round: an identical open order would be a duplicate report
    const houses = [w.houseA1.id, w.houseA1b.id];
    const run = async (p: ServerProcess) => {
      for (let i = 0; i < perProcess; i += 2) {
        const batch = [i, i + 1].filter((k) => k < perProcess);
        const results = await Promise.all(
          batch.map((k) =>
            p.api.post(
              '/work-orders',
              {
                category: 'plumbing',
                description: `多进程测试 ${round}-${p.name}${k}`,
                houseId: houses[k % 2],
                priority: 'P2',
              },
              { token: tokens.get(p)![k % 2] },
            ),
          ),
        );
        for (const res of results) {
          if (res.status !== 201)
            throw new Error(`create on ${p.name} answered ${res.status} ${JSON.stringify(res.body)}\n${p.output}`);
          ids.push(res.body.id);
        }
      }
    };
    await Promise.all([run(a), run(b)]);
    return ids.sort((x, y) => x - y);
  }

  /**
   * Simulate ten hours passing: every running clock starts (and is due) 10 h earlier, and every
   * pending SLA check is due now; one UPDATE each. Both worker loops then race for the checks.
   */
  async function moveTimeBack(): Promise<void> {
    if (mysql) {
      await q(
        "UPDATE sla_clock SET startedAt = startedAt - INTERVAL 10 HOUR, dueAt = dueAt - INTERVAL 10 HOUR WHERE status = 'running'",
      );
      await q(
        "UPDATE scheduled_job SET dueAt = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE kind = ? AND status = 'pending'",
        [SLA_CHECK],
      );
    } else {
      // TypeORM stores SQLite datetimes as UTC 'YYYY-MM-DD HH:MM:SS.SSS' text; keep that format.
      await q(
        "UPDATE sla_clock SET startedAt = strftime('%Y-%m-%d %H:%M:%f', startedAt, '-10 hours'), dueAt = strftime('%Y-%m-%d %H:%M:%f', dueAt, '-10 hours') WHERE status = 'running'",
      );
      await q(
        "UPDATE scheduled_job SET dueAt = strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 minutes') WHERE kind = ? AND status = 'pending'",
        [SLA_CHECK],
      );
    }
  }

  /**
   * Wait until no SLA check is pending at all (every moved clock reached level 3, which schedules
   * no further check) and no routing is pending (a route job that lost a deadlock is retried later).
   */
  const waitForChecks = (timeoutMs = 40_000) =>
    waitFor(
      'every SLA check and routing job to fire',
      async () =>
        (await num("SELECT COUNT(*) AS n FROM scheduled_job WHERE kind IN (?, 'route') AND status = 'pending'", [
          SLA_CHECK,
        ])) === 0,
      timeoutMs,
    );

  /** The exactly-once property over `clockIds` (all running, all moved 10 h back). */
  async function assertExactlyOnce(clockIds: number[], orderIds: number[]): Promise<Outcome> {
    const inList = clockIds.join(',');
    const rows = await q<{ clockId: unknown; level: unknown; n: unknown }>(
      `SELECT clockId, level, COUNT(*) AS n FROM sla_escalation WHERE clockId IN (${inList}) GROUP BY clockId, level`,
    );
    const byClock = new Map<number, number[]>();
    for (const r of rows) {
      expect(Number(r.n)).toBe(1);
      const list = byClock.get(Number(r.clockId)) ?? [];
      list.push(Number(r.level));
      byClock.set(Number(r.clockId), list);
    }
    const missing = clockIds.filter((id) => (byClock.get(id) ?? []).sort().join() !== '1,2,3');
    expect(missing).toEqual([]);
    const escalations = await num('SELECT COUNT(*) AS n FROM sla_escalation');
    expect(escalations).toBe(await num(`SELECT COUNT(*) AS n FROM sla_escalation WHERE clockId IN (${inList})`));
    expect(escalations).toBe(clockIds.length * 3);

    // The outbox carries each escalation once: same count, no (clock, level) twice.
    const events = await q<{ payload: string }>("SELECT payload FROM outbox_event WHERE type = 'sla.escalation'");
    expect(events.length).toBe(escalations);
    const keys = events.map((e) => {
      const p = JSON.parse(e.payload) as { clockId: number; level: number };
      return `${p.clockId}:${p.level}`;
    });
    expect(new Set(keys).size).toBe(keys.length);

    // One check per clock did all the work (it found level 3 reached and scheduled nothing more).
    const checks = await q<{ refId: unknown; doneBy: string | null }>(
      `SELECT refId, doneBy FROM scheduled_job WHERE kind = ? AND status = 'done' AND refId IN (${inList})`,
      [SLA_CHECK],
    );
    const perClock = new Map<number, number>();
    for (const c of checks) perClock.set(Number(c.refId), (perClock.get(Number(c.refId)) ?? 0) + 1);
    expect([...perClock.values()].filter((n) => n !== 1)).toEqual([]);
    expect(perClock.size).toBe(clockIds.length);

    // No job of any kind failed for good; every order was routed once (one decision each).
    expect(await num("SELECT COUNT(*) AS n FROM scheduled_job WHERE status = 'failed'")).toBe(0);
    const decisions = await q<{ workOrderId: unknown; n: unknown }>(
      `SELECT workOrderId, COUNT(*) AS n FROM routing_decision WHERE workOrderId IN (${orderIds.join(',')}) GROUP BY workOrderId`,
    );
    expect(decisions.length).toBe(orderIds.length);
    expect(decisions.filter((d) => Number(d.n) !== 1)).toEqual([]);

    // The outbox dispatchers of both processes turn each event into notifications once.
    await waitFor(
      'the outbox to drain',
      async () => (await num("SELECT COUNT(*) AS n FROM outbox_event WHERE status = 'pending'")) === 0,
      30_000,
    );
    const doubled = await q(
      'SELECT eventId, userId, COUNT(*) AS n FROM notification GROUP BY eventId, userId HAVING COUNT(*) > 1',
    );
    expect(doubled).toEqual([]);
    expect(await num("SELECT COUNT(*) AS n FROM outbox_event WHERE status = 'failed'")).toBe(0);

    const owners = new Map<string, number>();
    for (const c of checks) owners.set(c.doneBy ?? '?', (owners.get(c.doneBy ?? '?') ?? 0) + 1);
    const retried = await num('SELECT COUNT(*) AS n FROM scheduled_job WHERE attempts > 0');
    return { clocks: clockIds.length, escalations, events: events.length, doneChecks: checks.length, owners, retried };
  }

  const runningClockIds = async () =>
    (await q<{ id: unknown }>("SELECT id FROM sla_clock WHERE status = 'running' ORDER BY id")).map((r) =>
      Number(r.id),
    );

  beforeAll(async () => {
    if (!existsSync(MAIN_JS) || !existsSync(CLI_JS)) {
      throw new Error(
        `${path.relative(process.cwd(), MAIN_JS)} is missing: this suite runs the built server. ` +
          'Build it first (cd server && npx tsc -p tsconfig.build.json); `pnpm test` builds before testing.',
      );
    }
    dir = mkdtempSync(path.join(os.tmpdir(), 'linli-multiproc-'));
    db = freshDatabase(dir);
    await ensureDatabaseExists(db);
    const url = dbUrl(db);
    await migrate(url);

    fake = new FakeWechatServer({ appid: TEST_APPID, secret: TEST_SECRET });
    const fakeUrl = (await fake.listen(0)).url;

    ds = createDataSource(db);
    await ds.initialize();
    w = await buildWorld({ ds, fake } as unknown as TestServer);
    await ds.getRepository(TechnicianSkill).save([
      { userId: w.staff.techA1.id, category: 'plumbing', level: 5 },
      { userId: w.staff.techA1b.id, category: 'plumbing', level: 4 },
    ]);
    // Room for every order of the test, so each one is assigned on creation.
    await ds.getRepository(TechnicianProfile).save([
      { userId: w.staff.techA1.id, capacity: 100, latitude: null, longitude: null, lastAssignedAt: null },
      { userId: w.staff.techA1b.id, capacity: 100, latitude: null, longitude: null, lastAssignedAt: null },
    ]);

    const env = (name: string): Record<string, string> => {
      const dataDir = path.join(dir, `data-${name}`);
      mkdirSync(dataDir, { recursive: true });
      return {
        LINLI_MODE: 'development',
        HOST: '127.0.0.1',
        LINLI_MIGRATE_ON_START: 'false',
        LINLI_DB_URL: url,
        LINLI_JWT_SECRET: JWT_SECRET,
        WECHAT_API_BASE: fakeUrl,
        WECHAT_APPID: TEST_APPID,
        WECHAT_SECRET: TEST_SECRET,
        LINLI_WORKER_INTERVAL_MS: '25',
        // Two checks per transaction: 48 checks take 24 commits, so the SIGKILL test's kill (sent
        // when the first checks are done) lands mid-batch. With the default 25 one process could
        // finish all 48 on SQLite before the kill arrived (seen once in CI).
        LINLI_WORKER_BATCH_SIZE: '2',
        LOG_LEVEL: 'warn',
        LINLI_DATA_DIR: dataDir,
        LINLI_SEED_DEMO: 'false',
      };
    };
    const [portA, portB] = [await freePort(), await freePort()];
    a = new ServerProcess('A', portA, env('a'));
    b = new ServerProcess('B', portB, env('b'));
    await Promise.all([a.start(), b.start()]);

    // Residents log in on each process (each process keeps its own rate-limit counters).
    for (const p of [a, b]) {
      const list: string[] = [];
      for (const code of ['code-res-a1', 'code-res-a1b']) {
        const res = await p.api.post('/auth/wechat', { code });
        if (res.status !== 200) throw new Error(`login on ${p.name}: ${res.status} ${JSON.stringify(res.body)}`);
        list.push(res.body.token);
      }
      tokens.set(p, list);
    }
  }, 90_000);

  afterAll(async () => {
    await Promise.all([a?.kill(), b?.kill()]);
    if (ds?.isInitialized) await ds.destroy();
    await fake?.close();
    if (db) await dropDatabase(db);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('fires each due SLA check exactly once while both processes race for it', async () => {
    // 40 orders (20 per process, under the 30/min create limit of each process).
    const orders = await createOrders(20);
    expect(orders).toHaveLength(40);
    const clockIds = await runningClockIds();
    expect(clockIds).toHaveLength(120); // accept, arrive, resolve per P2 order
    expect(
      await num("SELECT COUNT(*) AS n FROM scheduled_job WHERE kind = ? AND status = 'pending'", [SLA_CHECK]),
    ).toBe(120);

    const before = await q<{ startedAt: unknown }>('SELECT startedAt FROM sla_clock WHERE id = ?', [clockIds[0]]);
    await moveTimeBack();
    const after = await q<{ startedAt: unknown }>('SELECT startedAt FROM sla_clock WHERE id = ?', [clockIds[0]]);
    const asMs = (v: unknown) => (v instanceof Date ? v.getTime() : Date.parse(`${String(v).replace(' ', 'T')}Z`));
    expect(Math.round((asMs(before[0].startedAt) - asMs(after[0].startedAt)) / 1000)).toBe(10 * 3600);

    const tookMs = await waitForChecks();
    const outcome = await assertExactlyOnce(clockIds, orders);
    // Both processes fired checks. On MariaDB each claims with SELECT ... FOR UPDATE SKIP LOCKED,
    // so the two loops work through the batch side by side and both must show up. On SQLite a
    // write transaction locks the whole file: while one process holds it, the other's claim
    // fails with "database is locked" (a deferred transaction that has read cannot wait) and its
    // tick is retried, so one process may take the whole batch; there we only require that
    // every check was fired by one of the two.
    //
    // Both loops claim from the same job table: on MariaDB both processes must have fired jobs in
    // this test (routing and SLA checks together). The SLA checks alone may all go to one of them:
    // a tick fires due jobs and then runs its tick tasks, and a process busy dispatching the other's
    // 360 escalation events (outbox, notifications) can miss the whole ~1 s burst (seen in CI,
    // 120 to 0; 118 to 2 in local runs).
    const known = new Set([a.owner, b.owner]);
    expect([...outcome.owners.keys()].filter((o) => !known.has(o))).toEqual([]);
    expect(outcome.owners.size).toBeGreaterThanOrEqual(1);
    if (mysql) {
      const doneBy = await q<{ doneBy: string }>(
        "SELECT DISTINCT doneBy FROM scheduled_job WHERE status = 'done' AND doneBy IS NOT NULL",
      );
      expect(new Set(doneBy.map((r) => r.doneBy))).toEqual(known);
    }
    console.log(
      `[${TEST_DB}] race: ${outcome.clocks} clocks, ${outcome.escalations} escalations, ${outcome.events} events, ` +
        `fired in ${tookMs} ms by ${JSON.stringify(Object.fromEntries(outcome.owners))}, jobs retried after an error: ${outcome.retried}`,
    );
  }, 60_000);

  it('after a SIGKILL mid-batch and a restart, nothing is lost and nothing fired twice', async () => {
    // 8 more per process: B stays under its 30/min create limit (20 + 8).
    const orders = await createOrders(8);
    expect(orders).toHaveLength(16);
    const batch = (
      await q<{ id: unknown }>("SELECT id FROM scheduled_job WHERE kind = ? AND status = 'pending'", [SLA_CHECK])
    ).map((r) => Number(r.id));
    expect(batch).toHaveLength(48);
    const inBatch = batch.join(',');

    await moveTimeBack();
    // Kill a process that is working through the batch: as soon as the first checks of the
    // batch are done, SIGKILL the process that fired them (A when both did; on SQLite one
    // process usually takes the whole batch, and it need not be A). Its transaction in flight,
    // if any, dies with it; the rest of the batch is still pending.
    let firedBy: string[] = [];
    await waitFor(
      'the second batch to start firing',
      async () => {
        firedBy = (
          await q<{ doneBy: string }>(
            `SELECT DISTINCT doneBy FROM scheduled_job WHERE status = 'done' AND id IN (${inBatch})`,
          )
        ).map((r) => r.doneBy);
        return firedBy.length > 0;
      },
      10_000,
      2,
    );
    const victim = firedBy.includes(a.owner) || !firedBy.includes(b.owner) ? a : b;
    const killedOwner = victim.owner;
    await victim.kill('SIGKILL');
    const pendingAtKill = await num(
      `SELECT COUNT(*) AS n FROM scheduled_job WHERE status = 'pending' AND id IN (${inBatch})`,
    );
    expect(pendingAtKill).toBeGreaterThan(0); // killed mid-batch, not after it
    await victim.start();
    expect(victim.owner).not.toBe(killedOwner);

    const tookMs = await waitForChecks();
    const allOrders = (await q<{ id: unknown }>('SELECT id FROM work_order ORDER BY id')).map((r) => Number(r.id));
    const outcome = await assertExactlyOnce(await runningClockIds(), allOrders);
    expect(outcome.clocks).toBe(168);
    const known = new Set([...a.pids, ...b.pids].map((pid) => `${HOST}:${pid}`));
    expect([...outcome.owners.keys()].filter((o) => !known.has(o))).toEqual([]);
    const batchOwners = await q<{ doneBy: string; n: unknown }>(
      `SELECT doneBy, COUNT(*) AS n FROM scheduled_job WHERE id IN (${inBatch}) GROUP BY doneBy`,
    );
    console.log(
      `[${TEST_DB}] restart: ${victim.name} (${killedOwner}) killed with ${pendingAtKill} of 48 checks pending, restarted as ${victim.owner}; ` +
        `batch done ${tookMs} ms after the restart, by ${JSON.stringify(Object.fromEntries(batchOwners.map((r) => [r.doneBy, Number(r.n)])))}; ` +
        `jobs retried after an error: ${outcome.retried}\n` +
        `process warnings:\n${
          (a.output + b.output)
            .split('\n')
            .filter((l) => /warn|error|fail/i.test(l))
            .slice(0, 20)
            .join('\n') || '(none)'
        }`,
    );
  }, 60_000);
});
