/**
 * Two real server processes (`node dist/main.js`, worker loops every 25 ms) on one database race
 * for the periodic survey's timers (docs/surveys.md): the period opens once per community, the
 * residents hear of it once, the reminder goes out once and the close happens once.
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
import { buildWorld, STAFF_PASSWORD, type World } from '../../testing/factories.js';
import { freshDatabase, TEST_APPID, TEST_DB, TEST_SECRET, type TestServer } from '../../testing/test-server.js';
import { FakeWechatServer } from '../../wechat/fake-wechat-server.js';
import { CLI_JS, dbUrl, freePort, MAIN_JS, migrate, ServerProcess, waitFor } from '../../testing/server-process.js';

const JWT_SECRET = 'periodic-survey-multiprocess-secret-0123456789';

describe(`periodic survey timers across two server processes (${TEST_DB})`, () => {
  let dir: string;
  let db: DatabaseConfig;
  let ds: DataSource;
  let fake: FakeWechatServer;
  let w: World;
  let a: ServerProcess;
  let b: ServerProcess;
  const mysql = TEST_DB === 'mariadb';

  const q = <T = any>(sql: string, params: unknown[] = []): Promise<T[]> => ds.query(sql, params);
  const num = async (sql: string, params: unknown[] = []) => Number((await q<{ n: unknown }>(sql, params))[0].n);
  /** Make every pending job of a kind due a minute ago: both worker loops then race for it. */
  const dueNow = (kind: string) =>
    mysql
      ? q(
          "UPDATE scheduled_job SET dueAt = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE kind = ? AND status = 'pending'",
          [kind],
        )
      : q(
          "UPDATE scheduled_job SET dueAt = strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 minutes') WHERE kind = ? AND status = 'pending'",
          [kind],
        );
  const pendingDue = (kind: string) =>
    num(
      mysql
        ? "SELECT COUNT(*) AS n FROM scheduled_job WHERE kind = ? AND status = 'pending' AND dueAt <= UTC_TIMESTAMP()"
        : "SELECT COUNT(*) AS n FROM scheduled_job WHERE kind = ? AND status = 'pending' AND dueAt <= strftime('%Y-%m-%d %H:%M:%f', 'now')",
      [kind],
    );
  const fired = (kind: string) =>
    waitFor(`the ${kind} jobs to fire`, async () => (await pendingDue(kind)) === 0, 30_000);
  const notes = (type: string) =>
    q<{ userId: unknown; n: unknown }>(
      'SELECT userId, COUNT(*) AS n FROM notification WHERE type = ? GROUP BY userId ORDER BY userId',
      [type],
    ).then((rows) => rows.map((r) => [Number(r.userId), Number(r.n)]));

  beforeAll(async () => {
    if (!existsSync(MAIN_JS) || !existsSync(CLI_JS)) {
      throw new Error(`${path.relative(process.cwd(), MAIN_JS)} is missing: build the server first.`);
    }
    dir = mkdtempSync(path.join(os.tmpdir(), 'linli-survey-multiproc-'));
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
        WECHAT_API_BASE: fakeUrl,
        WECHAT_APPID: TEST_APPID,
        WECHAT_SECRET: TEST_SECRET,
        LINLI_WORKER_INTERVAL_MS: '25',
        LOG_LEVEL: 'warn',
        LINLI_DATA_DIR: dataDir,
        LINLI_SEED_DEMO: 'false',
      };
    };
    const [portA, portB] = [await freePort(), await freePort()];
    a = new ServerProcess('A', portA, env('a'));
    b = new ServerProcess('B', portB, env('b'));
    await Promise.all([a.start(), b.start()]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([a?.kill(), b?.kill()]);
    if (ds?.isInitialized) await ds.destroy();
    await fake?.close();
    if (db) await dropDatabase(db);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('opens, announces, reminds and closes each once', async () => {
    const login = await a.api.post('/auth/password', { username: w.staff.adminA.username, password: STAFF_PASSWORD });
    expect(login.status).toBe(200);
    const saved = await a.api.request('PUT', '/survey-schedules', {
      token: login.body.token,
      body: { communityId: null, cadence: 'quarter', openDays: 14, remindDaysBefore: 3, enabled: true },
    });
    expect(saved.status).toBe(200);

    // The next quarter's opening is due now: both processes race for it.
    await dueNow('survey_open');
    await fired('survey_open');
    const surveys = await q<{ communityId: unknown; periodKey: string; status: string }>(
      'SELECT communityId, periodKey, status FROM survey ORDER BY communityId',
    );
    expect(surveys.map((s) => [Number(s.communityId), s.status])).toEqual([
      [w.a1.id, 'open'],
      [w.a2.id, 'open'],
    ]);
    const residents = [w.residents.resA1.id, w.residents.resA1b.id, w.residents.resA2.id].sort((x, y) => x - y);
    expect(await notes('survey.open')).toEqual(residents.map((id) => [id, 1]));
    // The next period's opening is queued once, by the process that opened this one.
    expect(await num("SELECT COUNT(*) AS n FROM scheduled_job WHERE kind = 'survey_open' AND status = 'pending'")).toBe(
      1,
    );
    expect(await num("SELECT COUNT(*) AS n FROM scheduled_job WHERE kind = 'survey_open' AND status = 'done'")).toBe(1);

    await dueNow('survey_remind');
    await fired('survey_remind');
    expect(await notes('survey.remind')).toEqual(residents.map((id) => [id, 1]));

    await dueNow('survey_close');
    await fired('survey_close');
    expect(
      (await q<{ status: string }>('SELECT status FROM survey ORDER BY communityId')).map((s) => s.status),
    ).toEqual(['closed', 'closed']);
    expect(await num("SELECT COUNT(*) AS n FROM scheduled_job WHERE kind LIKE 'survey%' AND status = 'failed'")).toBe(
      0,
    );
  }, 90_000);
});
