/**
 * Arrival-estimate benchmark: the ETA of a community's whole open backlog in one pass
 * (ArrivalService.arrivalsOfCommunity, docs/arrival.md). Target: 500 open orders in <= 50 ms.
 *
 *   pnpm --filter @linli/server bench:arrival                     (MariaDB, linli_bench_arrival)
 *   pnpm --filter @linli/server bench:arrival --db sqlite:///tmp/linli-bench-arrival.sqlite
 *
 * The benchmark creates its database (the name must contain "bench": it is dropped at the end),
 * migrates it and inserts one company with two communities (buildings with coordinates), 25
 * technicians with reported positions, BENCH_ORDERS (default 500) open repairs in the measured
 * community spread over the technicians in every open state (assigned, accepted, on the way,
 * on site, paused), 100 more open repairs of the same technicians in the other community (their
 * queues reach across), and 3,000 finished repairs of the last 90 days (the on-site history).
 * Then it boots the Nest application context (worker loop off) and times
 *   (a) the first call (on-site history and community rows not cached yet),
 *   (b) BENCH_RUNS (default 200) calls with the caches warm, as a server under load runs them
 *       (wall time, and the node process's CPU time: less sensitive to a shared machine),
 *   (c) the pure part alone: estimateQueue over the same queues (no database).
 */
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { estimateQueue, type QueueJob, type WorkOrderStatus } from '@linli/shared';
import type { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module.js';
import type { AppConfig } from '../src/config/config.js';
import { dropDatabase } from '../src/database/data-source.js';
import { ArrivalService } from '../src/modules/arrival/arrival.service.js';
import { benchConfig, freshBenchDataSource } from './bench-config.js';
import { fmt, median, pct, table } from './report.js';

const BENCH = benchConfig(process.env, process.argv, {
  dbUrl: 'mysql://root@127.0.0.1:3306/linli_bench_arrival',
  dataDir: path.join(os.tmpdir(), `linli-bench-arrival-${process.pid}`),
  app: true,
  orders: 500,
  runs: 200,
});
const ORDERS = BENCH.orders;
const RUNS = BENCH.runs;
const TECHS = 25;
const BUILDINGS = 40;
const OTHER_ORDERS = 100;
const HISTORY = 3000;
const CHUNK = 1000;
const MIN = 60_000;
const CATEGORIES = ['plumbing', 'electrical', 'door_window', 'lift', 'other'];
/** The open states and how often each occurs (per 10 orders). */
const STATES: WorkOrderStatus[] = [
  'assigned',
  'assigned',
  'accepted',
  'accepted',
  'accepted',
  'accepted',
  'on_the_way',
  'in_progress',
  'paused',
  'accepted',
];
const PRIORITIES = ['P1', 'P2', 'P3', 'P3', 'P3', 'P3', 'P4', 'P3', 'P2', 'P3'];

async function main() {
  const config: AppConfig = BENCH.app;
  const db = config.db;
  const mysql = db.type === 'mariadb';
  const ds = await freshBenchDataSource(db);
  let app: INestApplicationContext | null = null;
  try {
    await ds.runMigrations({ transaction: 'each' });
    const t = performance.now();
    await seed(ds, mysql);
    console.log(
      `seeded ${fmt(ORDERS)} open orders (+${OTHER_ORDERS} elsewhere), ${TECHS} technicians, ` +
        `${fmt(HISTORY)} finished in ${fmt(performance.now() - t)} ms`,
    );

    app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['fatal', 'error', 'warn'] });
    const arrival = app.get(ArrivalService);
    const now = new Date();

    let started = performance.now();
    const first = await arrival.arrivalsOfCommunity(1, 1, now);
    const coldMs = performance.now() - started;

    const warm: number[] = [];
    const cpu: number[] = [];
    let size = 0;
    for (let i = 0; i < RUNS; i++) {
      const cpu0 = process.cpuUsage();
      started = performance.now();
      size = (await arrival.arrivalsOfCommunity(1, 1, now)).size;
      warm.push(performance.now() - started);
      const used = process.cpuUsage(cpu0);
      cpu.push((used.user + used.system) / 1000);
    }
    if (size !== first.size) throw new Error(`estimates changed between runs: ${first.size} then ${size}`);

    // The pure part: the same queues (read once here), estimated again and again.
    const queues = await readQueues(ds);
    const pure: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      started = performance.now();
      for (const q of queues) estimateQueue(q, now.getTime(), null);
      pure.push(performance.now() - started);
    }

    table(
      `ETA of a community's open backlog: ${fmt(ORDERS)} open orders, ${fmt(first.size)} with a window (${ds.options.type})`,
      ['what', 'median ms', 'p95 ms', 'max ms'],
      [
        ['(a) first call: history and communities read', fmt(coldMs, 1), '-', '-'],
        [
          `(b) arrivalsOfCommunity, ${RUNS} runs`,
          fmt(median(warm), 1),
          fmt(pct(warm, 95), 1),
          fmt(Math.max(...warm), 1),
        ],
        ['    its node CPU time', fmt(median(cpu), 1), fmt(pct(cpu, 95), 1), fmt(Math.max(...cpu), 1)],
        [
          `(c) estimateQueue alone, ${RUNS} runs`,
          fmt(median(pure), 2),
          fmt(pct(pure, 95), 2),
          fmt(Math.max(...pure), 2),
        ],
      ],
    );
    console.log(`\ntarget: <= 50 ms for 500 orders: ${pct(warm, 95) <= 50 ? 'met' : 'NOT met'} (p95 of (b))`);
    console.log(`node ${process.version}, ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'})`);
  } finally {
    if (app) await app.close();
    if (ds.isInitialized) await ds.destroy();
    if (mysql) await dropDatabase(db);
    else for (const suffix of ['', '-wal', '-shm']) rmSync(db.file + suffix, { force: true });
    rmSync(BENCH.app.dataDir, { recursive: true, force: true });
  }
}

/** A datetime literal as TypeORM stores it: UTC, seconds on MariaDB, milliseconds on SQLite. */
function dt(mysql: boolean, ms: number): string {
  const iso = new Date(ms).toISOString().replace('T', ' ');
  return `'${mysql ? iso.slice(0, 19) : iso.slice(0, 23)}'`;
}

async function insertRows(ds: DataSource, tableName: string, columns: string[], rows: Iterable<string[]>) {
  const q = ds.driver.escape.bind(ds.driver);
  const head = `INSERT INTO ${q(tableName)} (${columns.map(q).join(', ')}) VALUES `;
  let batch: string[] = [];
  for (const r of rows) {
    batch.push(`(${r.join(', ')})`);
    if (batch.length === CHUNK) {
      await ds.query(head + batch.join(', '));
      batch = [];
    }
  }
  if (batch.length) await ds.query(head + batch.join(', '));
}

async function seed(ds: DataSource, mysql: boolean): Promise<void> {
  const now = Date.now();
  const s = (v: string) => `'${v.replace(/'/g, "''")}'`;
  let state = 7;
  const rand = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  await insertRows(ds, 'company', ['id', 'name'], [['1', s('基准物业')]]);
  await insertRows(
    ds,
    'community',
    ['id', 'companyId', 'name', 'code', 'latitude', 'longitude'],
    [
      ['1', '1', s('基准小区'), s('BENCH'), '22.54', '114.05'],
      ['2', '1', s('隔壁小区'), s('BENCH2'), '22.56', '114.07'],
    ],
  );
  await insertRows(
    ds,
    'category',
    ['companyId', 'code', 'name', 'sortOrder'],
    CATEGORIES.map((c, i) => ['1', s(c), s(c), String(i)]),
  );
  // Buildings of both communities with coordinates a few hundred metres apart; one house each.
  const buildings: string[][] = [];
  const houses: string[][] = [];
  for (let b = 1; b <= BUILDINGS * 2; b++) {
    const community = b <= BUILDINGS ? 1 : 2;
    const lat = 22.54 + (community - 1) * 0.02 + (b % 8) * 0.001;
    const lng = 114.05 + (community - 1) * 0.02 + Math.floor(b / 8) * 0.001;
    buildings.push([String(b), String(community), s(`${b}栋`), String(lat), String(lng)]);
    houses.push([String(b), String(community), String(b), s('101'), s(`${b}栋101`)]);
  }
  await insertRows(ds, 'building', ['id', 'communityId', 'name', 'latitude', 'longitude'], buildings);
  await insertRows(ds, 'house', ['id', 'communityId', 'buildingId', 'roomNo', 'label'], houses);
  const users: string[][] = [['1', s('resident'), 'NULL', s('住户'), s('13900000000'), 'NULL']];
  const profiles: string[][] = [];
  for (let k = 0; k < TECHS; k++) {
    users.push([
      String(2 + k),
      s('technician'),
      '1',
      s(`师傅${k + 1}`),
      s(`137${String(k).padStart(8, '0')}`),
      s(`bt${k}`),
    ]);
    // Every other technician's phone reported a position at 出发/到达 ten minutes ago.
    const reported = k % 2 === 0;
    profiles.push([
      String(2 + k),
      '6',
      reported ? String(22.54 + k * 0.0005) : 'NULL',
      reported ? '114.05' : 'NULL',
      reported ? dt(mysql, now - 10 * MIN) : 'NULL',
    ]);
  }
  await insertRows(ds, 'user', ['id', 'role', 'companyId', 'name', 'phone', 'username'], users);
  await insertRows(ds, 'technician_profile', ['userId', 'capacity', 'latitude', 'longitude', 'positionAt'], profiles);

  const columns = [
    'id',
    'no',
    'companyId',
    'communityId',
    'houseId',
    'kind',
    'channel',
    'category',
    'priority',
    'status',
    'description',
    'reporterId',
    'createdById',
    'assigneeId',
    'photoIds',
    'routingState',
    'slaDueAt',
    'arrivedAt',
    'firstCompletedAt',
    'completedAt',
    'createdAt',
  ];
  function* orders() {
    let id = 0;
    const row = (community: number, status: string, created: number, extra: { arrived?: number; done?: number }) => {
      id += 1;
      const house = community === 1 ? 1 + (id % BUILDINGS) : BUILDINGS + 1 + (id % BUILDINGS);
      const priority = PRIORITIES[id % PRIORITIES.length];
      return [
        String(id),
        s(`BENCH${String(id).padStart(8, '0')}`),
        '1',
        String(community),
        String(house),
        s('repair'),
        s('miniprogram'),
        s(CATEGORIES[id % CATEGORIES.length]),
        s(priority),
        s(status),
        s('基准工单'),
        '1',
        '1',
        status === 'closed' ? 'NULL' : String(2 + (id % TECHS)),
        s('[]'),
        s('assigned'),
        status === 'closed' ? 'NULL' : dt(mysql, created + (30 + Math.floor(rand() * 600)) * MIN),
        extra.arrived === undefined ? 'NULL' : dt(mysql, extra.arrived),
        extra.done === undefined ? 'NULL' : dt(mysql, extra.done),
        extra.done === undefined ? 'NULL' : dt(mysql, extra.done),
        dt(mysql, created),
      ];
    };
    for (let i = 0; i < ORDERS; i++) {
      const status = STATES[i % STATES.length];
      const created = now - Math.floor(rand() * 240) * MIN;
      yield row(1, status, created, status === 'in_progress' ? { arrived: now - Math.floor(rand() * 60) * MIN } : {});
    }
    for (let i = 0; i < OTHER_ORDERS; i++) yield row(2, STATES[i % STATES.length], now - 60 * MIN, {});
    for (let i = 0; i < HISTORY; i++) {
      const done = now - Math.floor(rand() * 89 * 1440) * MIN;
      yield row(1 + (i % 2), 'closed', done - 300 * MIN, {
        arrived: done - (15 + Math.floor(rand() * 120)) * MIN,
        done,
      });
    }
  }
  await insertRows(ds, 'work_order', columns, orders());
}

/** The technicians' queues as ArrivalService builds them, read once (community coordinates only). */
async function readQueues(ds: DataSource): Promise<Array<{ position: null; jobs: QueueJob[] }>> {
  const rows: Array<Record<string, unknown>> = await ds.query(
    "SELECT id, priority, status, category, slaDueAt, arrivedAt, assigneeId FROM work_order WHERE status <> 'closed'",
  );
  const byTech = new Map<number, QueueJob[]>();
  for (const r of rows) {
    const ms = (v: unknown) => (v === null ? null : new Date(v as string).getTime());
    const job: QueueJob = {
      id: Number(r.id),
      priority: r.priority as QueueJob['priority'],
      status: r.status as WorkOrderStatus,
      category: r.category as string,
      dueAt: ms(r.slaDueAt),
      arrivedAt: ms(r.arrivedAt),
      place: { latitude: 22.54, longitude: 114.05 },
    };
    const tech = Number(r.assigneeId);
    byTech.set(tech, [...(byTech.get(tech) ?? []), job]);
  }
  return [...byTech.values()].map((jobs) => ({ position: null, jobs }));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
