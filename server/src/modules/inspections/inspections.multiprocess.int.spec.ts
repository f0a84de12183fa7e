/**
 * Two real server processes (`node dist/main.js`) on one database race to generate the rounds
 * of many plans, each with duplicate generation jobs for the same period (as after a plan was
 * resumed twice): every plan gets exactly one round for the period, each round its visits once,
 * and exactly one job for the next period.
 *
 * Needs the built server (server/dist).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chinaLocalTime, nextOccurrence } from '@linli/shared';
import type { DataSource } from 'typeorm';
import { createDataSource, dropDatabase, ensureDatabaseExists } from '../../database/data-source.js';
import type { DatabaseConfig } from '../../config/config.js';
import { buildWorld } from '../../testing/factories.js';
import { freshDatabase, TEST_APPID, TEST_DB, TEST_SECRET, type TestServer } from '../../testing/test-server.js';
import { FakeWechatServer } from '../../wechat/fake-wechat-server.js';
import { CLI_JS, dbUrl, freePort, MAIN_JS, migrate, ServerProcess, waitFor } from '../../testing/server-process.js';
import { ScheduledJob } from '../jobs/job.entity.js';
import { Team, TeamMember } from '../staff/staff.entities.js';
import { InspectionPlan, InspectionPoint, InspectionRound, InspectionVisit } from './inspection.entities.js';

const PLANS = 12;
const COPIES = 3;

describe(`inspection rounds generated across two server processes (${TEST_DB})`, () => {
  let dir: string;
  let db: DatabaseConfig;
  let ds: DataSource;
  let fake: FakeWechatServer;
  let a: ServerProcess;
  let b: ServerProcess;
  let today: string;

  beforeAll(async () => {
    if (!existsSync(MAIN_JS) || !existsSync(CLI_JS)) throw new Error('build the server first (server/dist)');
    dir = mkdtempSync(path.join(os.tmpdir(), 'linli-insp-multiproc-'));
    db = freshDatabase(dir);
    await ensureDatabaseExists(db);
    const url = dbUrl(db);
    await migrate(url);
    fake = new FakeWechatServer({ appid: TEST_APPID, secret: TEST_SECRET });
    const fakeUrl = (await fake.listen(0)).url;
    ds = createDataSource(db);
    await ds.initialize();
    const w = await buildWorld({ ds, fake } as unknown as TestServer);

    const team = await ds.getRepository(Team).save({ companyId: w.companyA.id, name: '巡检组', supervisorId: null });
    await ds.getRepository(TeamMember).save({ teamId: team.id, userId: w.staff.techA1.id });
    const points = await ds.getRepository(InspectionPoint).save(
      ['A', 'B'].map((k) => ({
        companyId: w.companyA.id,
        communityId: w.a1.id,
        buildingId: null,
        publicAreaId: w.areaA1.id,
        name: `点位${k}`,
        code: `MPTEST${k}23456`.slice(0, 12),
        checklist: [{ key: 'ok', label: '正常', photoRequired: false }],
        active: true,
      })),
    );
    // A window covering now (China time), so every plan's round is due at once.
    const now = new Date();
    today = chinaLocalTime(now).date;
    const minute = Math.floor(chinaLocalTime(now).minute);
    const schedule = {
      frequency: 'daily' as const,
      dayOf: null,
      windowStart: Math.max(0, minute - 30),
      windowEnd: Math.min(1440, minute + 60),
      startsOn: today,
    };
    for (let i = 0; i < PLANS; i++) {
      const plan = await ds.getRepository(InspectionPlan).save({
        companyId: w.companyA.id,
        communityId: w.a1.id,
        kind: 'inspection',
        name: `计划${i}`,
        ...schedule,
        teamId: team.id,
        pointIds: points.map((p) => p.id),
        publicAreaId: null,
        buildingId: null,
        category: null,
        description: null,
        active: true,
        createdById: w.staff.adminA.id,
      });
      const occ = nextOccurrence(schedule, now);
      expect(occ.periodKey).toBe(today);
      for (let c = 0; c < COPIES; c++) {
        await ds.getRepository(ScheduledJob).insert({
          kind: 'insp_generate',
          refId: plan.id,
          payload: { periodKey: today },
          dueAt: new Date(now.getTime() - 60_000),
          status: 'pending',
          attempts: 0,
        });
      }
    }

    const env = (name: string): Record<string, string> => {
      const dataDir = path.join(dir, `data-${name}`);
      mkdirSync(dataDir, { recursive: true });
      return {
        LINLI_MODE: 'development',
        HOST: '127.0.0.1',
        LINLI_MIGRATE_ON_START: 'false',
        LINLI_DB_URL: url,
        LINLI_JWT_SECRET: 'inspections-multiprocess-secret-0123456789abcdef',
        WECHAT_API_BASE: fakeUrl,
        WECHAT_APPID: TEST_APPID,
        WECHAT_SECRET: TEST_SECRET,
        LINLI_WORKER_INTERVAL_MS: '20',
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

  it('makes one round per plan and period, its visits once, and one job for the next period', async () => {
    const due = () =>
      ds
        .getRepository(ScheduledJob)
        .createQueryBuilder('j')
        .where("j.kind = 'insp_generate' AND j.status = 'pending' AND j.dueAt <= :now", { now: new Date() })
        .getCount();
    await waitFor('every generation job of today to fire', async () => (await due()) === 0, 40_000);
    const rounds = await ds.getRepository(InspectionRound).find();
    expect(rounds).toHaveLength(PLANS);
    expect(new Set(rounds.map((r) => r.planId)).size).toBe(PLANS);
    expect(rounds.every((r) => r.periodKey === today && r.status === 'pending')).toBe(true);
    expect(await ds.getRepository(InspectionVisit).count()).toBe(PLANS * 2);
    const pending = await ds.getRepository(ScheduledJob).findBy({ kind: 'insp_generate', status: 'pending' });
    expect(pending).toHaveLength(PLANS);
    expect(new Set(pending.map((j) => j.refId)).size).toBe(PLANS);
    expect(pending.every((j) => (j.payload as { periodKey: string }).periodKey > today)).toBe(true);
    const done = await ds.getRepository(ScheduledJob).findBy({ kind: 'insp_generate', status: 'done' });
    expect(done).toHaveLength(PLANS * COPIES);
    expect(await ds.getRepository(ScheduledJob).countBy({ status: 'failed' })).toBe(0);
    // Each round's escalation timer is queued once.
    expect(await ds.getRepository(ScheduledJob).countBy({ kind: 'insp_due' })).toBe(PLANS);
    const owners = new Set(done.map((j) => j.doneBy));
    console.log(`generation jobs fired by ${owners.size} process(es): ${[...owners].join(', ')}`);
  });
});
