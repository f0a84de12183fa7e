/**
 * Routing benchmark.
 *
 *   pnpm --filter @linli/server bench:routing        (builds bench/ into bench/dist, then runs)
 *
 *   (a) rankCandidates (from @linli/shared): 1,000 technicians of one community, one order;
 *       median and p99 over 1,000 runs after a warm-up.
 *   (a2) the same with the real quality and distance grades: CandidatePool.for (each candidate's
 *       quality for the order's category from a company's quality map, distance from their
 *       position to the order's building) then rankCandidates; 25 buildings of one city,
 *       positions for 85% of the technicians; median and p99 over 1,000 runs (orders rotate over
 *       the buildings and two categories) after 200 warm-up runs.
 *   (b) matchBacklog: 500 waiting orders over 200 technicians with 1-3 free slots each;
 *       median of 5 runs. With scores from a table (30% and 100% of the pairs eligible), and
 *       with the score callback RoutingService.rematch passes (a find() in each order's ranked list).
 *   (c) end to end on a database: RoutingService.rematch over 500 waiting orders and 200
 *       technicians, in one transaction as the rematch job runs it; median of 3 runs, the
 *       backlog reset between runs. Database: LINLI_DB_URL, default
 *       mysql://root@127.0.0.1:3306/linli_bench_routing (created, and dropped at the end; its name
 *       must contain "bench"). BENCH_SKIP_DB=1 runs (a) and (b) only.
 */
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  DEFAULT_ROUTING_WEIGHTS,
  matchBacklog,
  rankCandidates,
  type BacklogOrder,
  type Priority,
  type RoutingCandidate,
  type RoutingDecision,
  type RoutingOrder,
  type TechnicianSlots,
} from '@linli/shared';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module.js';
import { CandidatePool, type Point } from '../src/modules/staff/candidate-pool.js';
import { CompanyQuality } from '../src/modules/staff/quality-grades.js';
import type { TechnicianPosition } from '../src/modules/staff/technician-positions.js';
import { dropDatabase } from '../src/database/data-source.js';
import { RoutingService } from '../src/modules/routing/routing.service.js';
import { WorkOrderLifecycle } from '../src/modules/work-orders/work-order-lifecycle.js';
import { benchConfig, freshBenchDataSource } from './bench-config.js';
import { fmt, pct, table } from './report.js';
import { mulberry32 } from '../src/database/seed/prng.js';

const NOW = Date.parse('2026-06-03T10:00:00+08:00');
const HOUR = 3_600_000;
const PRIORITIES: Priority[] = ['P1', 'P2', 'P3', 'P4'];

/** The upper median (the middle element, no averaging), as the published routing numbers were taken. */
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const BENCH = benchConfig(process.env, process.argv, {
  dbUrl: 'mysql://root@127.0.0.1:3306/linli_bench_routing',
  // Its own data directory (nothing is written there unless the server needs it; removed at the end).
  dataDir: path.join(os.tmpdir(), `linli-bench-routing-${process.pid}`),
  app: true,
});

// ---- (a) rankCandidates ----------------------------------------------------------------------

/** 1,000 technicians of community 10: most qualify; some are on leave, off shift, full or lack the skill. */
function communityCandidates(n: number, seed: number): RoutingCandidate[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i): RoutingCandidate => {
    const capacity = 3 + Math.floor(rand() * 4);
    return {
      userId: i + 1,
      name: `师傅${i + 1}`,
      active: rand() > 0.02,
      skills: rand() < 0.85 ? { plumbing: 1 + Math.floor(rand() * 5), electrical: 2 } : { electrical: 3 },
      communityIds: [10],
      buildingIds: rand() < 0.7 ? null : [1, 2, 3, 4, 5].filter(() => rand() < 0.6),
      teamIds: [100 + (i % 5)],
      onShift: rand() > 0.15,
      onLeave: rand() < 0.05,
      openOrders: Math.floor(rand() * (capacity + 1)),
      capacity,
      quality: rand() < 0.2 ? null : rand(),
      lastAssignedAt: rand() < 0.1 ? null : NOW - Math.floor(rand() * 72 * HOUR),
      distanceKm: rand() < 0.3 ? null : rand() * 15,
    };
  });
}

function benchRank() {
  const candidates = communityCandidates(1000, 1);
  const order: RoutingOrder = {
    category: 'plumbing',
    communityId: 10,
    buildingId: 3,
    priority: 'P2',
    excludedUserIds: [5, 17, 99],
    teamId: null,
  };
  let decision: RoutingDecision | null = null;
  for (let i = 0; i < 200; i++) decision = rankCandidates(order, candidates, DEFAULT_ROUTING_WEIGHTS, NOW);
  const times: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const t = performance.now();
    decision = rankCandidates(order, candidates, DEFAULT_ROUTING_WEIGHTS, NOW);
    times.push((performance.now() - t) * 1000);
  }
  return { times, ranked: decision!.ranked.length, excluded: decision!.excluded.length };
}

// ---- (a2) real quality and distance grades ---------------------------------------------------

/** Shanghai's centre; buildings and technicians within ~8 km of it. */
const CITY = { latitude: 31.2304, longitude: 121.4737 };
const near = (rand: () => number): Point => ({
  latitude: CITY.latitude + (rand() - 0.5) * 0.14,
  longitude: CITY.longitude + (rand() - 0.5) * 0.16,
});

/** A company's quality map as QualityGrades builds it: 5 teams, ratings for 70% of the technicians. */
function qualityMap(n: number, rand: () => number): CompanyQuality {
  const moments = (count: number, mean: number) => ({
    sumW: count,
    sumWX: count * mean,
    sumW2: count,
    sumWX2: count * mean * mean,
  });
  const teams = new Map(Array.from({ length: 5 }, (_, t) => [100 + t, 60 + rand() * 30]));
  const teamOf = new Map<number, number>();
  const technicians = new Map<number, ReturnType<typeof moments>>();
  const cells = new Map<string, ReturnType<typeof moments>>();
  for (let id = 1; id <= n; id++) {
    teamOf.set(id, 100 + (id % 5));
    if (rand() < 0.3) continue;
    const count = 1 + Math.floor(rand() * 40);
    technicians.set(id, moments(count, 40 + rand() * 60));
    for (const category of ['plumbing', 'electrical']) {
      if (rand() < 0.7) cells.set(`${id}|${category}`, moments(Math.ceil(count / 2), 30 + rand() * 70));
    }
  }
  return new CompanyQuality(72, teams, teamOf, technicians, cells, NOW);
}

function benchRealGrades() {
  const rand = mulberry32(3);
  const base = communityCandidates(1000, 1).map((c) => ({ ...c, quality: null, distanceKm: null }));
  const sources = ['reported', 'current_job', 'last_job'] as const;
  const positions = new Map<number, TechnicianPosition | null>(
    base.map((c) => [c.userId, rand() < 0.85 ? { ...near(rand), source: sources[Math.floor(rand() * 3)] } : null]),
  );
  const buildings = new Map(Array.from({ length: 25 }, (_, b): [number, Point] => [b + 1, near(rand)]));
  const pool = new CandidatePool(base, positions, qualityMap(base.length, rand), buildings, new Map([[10, CITY]]));
  const orderAt = (i: number): RoutingOrder => ({
    category: i % 3 === 0 ? 'electrical' : 'plumbing',
    communityId: 10,
    buildingId: 1 + (i % 25),
    priority: 'P2',
    excludedUserIds: [5, 17, 99],
    teamId: null,
  });
  const run = (i: number) => {
    const order = orderAt(i);
    return rankCandidates(order, pool.for(order), DEFAULT_ROUTING_WEIGHTS, NOW);
  };
  // The first order of a category grades every technician's quality once (memoized after).
  const t0 = performance.now();
  let decision = run(0);
  const firstUs = (performance.now() - t0) * 1000;
  for (let i = 1; i < 200; i++) decision = run(i);
  const times: number[] = [];
  const forTimes: number[] = [];
  // CPU time of the process per run (user + system, µs): what the work costs, without the time
  // the thread waited for a core on a loaded machine (the wall clock includes that).
  const cpuTimes: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const cpu = process.cpuUsage();
    const t = performance.now();
    const order = orderAt(i);
    const candidates = pool.for(order);
    const mid = performance.now();
    decision = rankCandidates(order, candidates, DEFAULT_ROUTING_WEIGHTS, NOW);
    const end = performance.now();
    const used = process.cpuUsage(cpu);
    times.push((end - t) * 1000);
    forTimes.push((mid - t) * 1000);
    cpuTimes.push(used.user + used.system);
  }
  const top = decision.ranked[0];
  return {
    times,
    forTimes,
    cpuTimes,
    firstUs,
    ranked: decision.ranked.length,
    excluded: decision.excluded.length,
    topGrades: `quality ${top.grades.quality.grade.toFixed(2)}, distance ${top.grades.distance.grade.toFixed(2)}`,
  };
}

// ---- (b) matchBacklog ------------------------------------------------------------------------

function backlog(nOrders: number, nTechs: number, eligibleRate: number, seed: number) {
  const rand = mulberry32(seed);
  const orders: BacklogOrder[] = Array.from({ length: nOrders }, (_, i) => ({
    id: i + 1,
    priority: PRIORITIES[Math.floor(rand() * 4)],
    createdAt: NOW - Math.floor(rand() * 96 * HOUR),
  }));
  const slots: TechnicianSlots[] = Array.from({ length: nTechs }, (_, i) => ({
    technicianId: 1000 + i,
    free: 1 + Math.floor(rand() * 3),
  }));
  const table = new Map<number, number>();
  // As rematch builds it: per order, the ranked technicians (best first) with their scores.
  const rankedOf = new Map<number, Array<{ userId: number; score: number }>>();
  for (const o of orders) {
    const ranked: Array<{ userId: number; score: number }> = [];
    for (const s of slots) {
      if (rand() < eligibleRate) {
        const score = rand();
        table.set(o.id * 100_000 + s.technicianId, score);
        ranked.push({ userId: s.technicianId, score });
      }
    }
    rankedOf.set(
      o.id,
      ranked.sort((x, y) => y.score - x.score),
    );
  }
  const fromTable = (o: BacklogOrder, t: number) => table.get(o.id * 100_000 + t) ?? null;
  const asRematch = (o: BacklogOrder, t: number) => rankedOf.get(o.id)?.find((r) => r.userId === t)?.score ?? null;
  return { orders, slots, fromTable, asRematch, freeSlots: slots.reduce((n, s) => n + s.free, 0) };
}

function benchMatch() {
  const rows: Array<Array<string | number>> = [];
  for (const [rate, via] of [
    [0.3, 'table'],
    [1, 'table'],
    [1, 'rematch'],
  ] as const) {
    const b = backlog(500, 200, rate, 7);
    const score = via === 'table' ? b.fromTable : b.asRematch;
    matchBacklog(b.orders, b.slots, score, NOW); // warm-up
    const times: number[] = [];
    let matched = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      matched = matchBacklog(b.orders, b.slots, score, NOW).length;
      times.push(performance.now() - t);
    }
    rows.push([
      `${rate * 100}% eligible, score ${via === 'table' ? 'from a Map' : 'as rematch: ranked.find()'}`,
      `${b.freeSlots}`,
      matched,
      times.map((t) => t.toFixed(0)).join(' / '),
      median(times).toFixed(1),
    ]);
  }
  return rows;
}

// ---- (c) RoutingService.rematch on a database ------------------------------------------------

const TECHS = 200;
const ORDERS = 500;
const BUILDINGS = 25;

async function seedRouting(ds: DataSource, mysql: boolean) {
  const q = (name: string) => ds.driver.escape(name);
  const s = (v: string) => `'${v.replace(/'/g, "''")}'`;
  const dt = (ms: number) => {
    const iso = new Date(ms).toISOString().replace('T', ' ');
    return `'${mysql ? iso.slice(0, 19) : iso.slice(0, 23)}'`;
  };
  const insert = async (tableName: string, columns: string[], rows: string[][]) => {
    for (let i = 0; i < rows.length; i += 1000) {
      const part = rows.slice(i, i + 1000);
      await ds.query(
        `INSERT INTO ${q(tableName)} (${columns.map(q).join(', ')}) VALUES ${part.map((r) => `(${r.join(', ')})`).join(', ')}`,
      );
    }
  };
  const rand = mulberry32(11);
  const now = Date.now();
  await insert('company', ['id', 'name'], [['1', s('基准物业')]]);
  await insert('community', ['id', 'companyId', 'name', 'code'], [['1', '1', s('基准小区'), s('BENCH')]]);
  await insert(
    'category',
    ['companyId', 'code', 'name', 'sortOrder'],
    [
      ['1', s('plumbing'), s('水管漏水'), '0'],
      ['1', s('electrical'), s('电路'), '1'],
    ],
  );
  // Coordinates from a PRNG of their own, so the facts drawn below stay those of earlier runs.
  const geo = mulberry32(23);
  await insert(
    'building',
    ['id', 'communityId', 'name', 'latitude', 'longitude'],
    Array.from({ length: BUILDINGS }, (_, b) => {
      const p = near(geo);
      return [String(b + 1), '1', s(`${b + 1}栋`), String(p.latitude), String(p.longitude)];
    }),
  );
  await insert(
    'unit',
    ['id', 'buildingId', 'name'],
    Array.from({ length: BUILDINGS }, (_, b) => [String(b + 1), String(b + 1), s('1单元')]),
  );
  const perBuilding = ORDERS / BUILDINGS;
  await insert(
    'house',
    ['id', 'communityId', 'buildingId', 'unitId', 'roomNo', 'label'],
    Array.from({ length: ORDERS }, (_, h) => {
      const b = Math.floor(h / perBuilding) + 1;
      const room = `${101 + (h % perBuilding)}`;
      return [String(h + 1), '1', String(b), String(b), s(room), s(`${b}栋1单元${room}`)];
    }),
  );
  const users: string[][] = [['1', s('resident'), 'NULL', s('住户'), s('bench-resident')]];
  for (let t = 0; t < TECHS; t++) users.push([String(t + 2), s('technician'), '1', s(`师傅${t + 1}`), 'NULL']);
  await insert('user', ['id', 'role', 'companyId', 'name', 'wechatOpenid'], users);
  const techIds = Array.from({ length: TECHS }, (_, t) => t + 2);
  await insert(
    'staff_community',
    ['userId', 'communityId'],
    techIds.map((id) => [String(id), '1']),
  );
  const buildingsOf: string[][] = [];
  for (const id of techIds) {
    if (rand() < 0.2) for (let b = 1; b <= BUILDINGS; b++) if (rand() < 0.3) buildingsOf.push([String(id), String(b)]);
  }
  await insert('staff_building', ['userId', 'buildingId'], buildingsOf);
  const skills: string[][] = [];
  for (const id of techIds) {
    if (rand() < 0.8) skills.push([String(id), s('plumbing'), String(1 + Math.floor(rand() * 5))]);
    if (rand() < 0.5) skills.push([String(id), s('electrical'), String(1 + Math.floor(rand() * 5))]);
  }
  await insert('technician_skill', ['userId', 'category', 'level'], skills);
  // Capacity 1-3 and no open orders: 1-3 free slots each.
  // 60% reported their position (出发/到达) within the last hour.
  const reported = techIds.map(() => (geo() < 0.6 ? near(geo) : null));
  await insert(
    'technician_profile',
    ['userId', 'capacity', 'lastAssignedAt', 'latitude', 'longitude', 'positionAt'],
    techIds.map((id, i) => [
      String(id),
      String(1 + Math.floor(rand() * 3)),
      rand() < 0.2 ? 'NULL' : dt(now - Math.floor(rand() * 48 * HOUR)),
      reported[i] ? String(reported[i].latitude) : 'NULL',
      reported[i] ? String(reported[i].longitude) : 'NULL',
      reported[i] ? dt(now - Math.floor(geo() * HOUR)) : 'NULL',
    ]),
  );
  await insert(
    'work_order',
    [
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
      'photoIds',
      'routingState',
      'createdAt',
    ],
    Array.from({ length: ORDERS }, (_, i) => [
      String(i + 1),
      s(`BENCHR${String(i + 1).padStart(6, '0')}`),
      '1',
      '1',
      String(i + 1),
      s('repair'),
      s('miniprogram'),
      s(rand() < 0.7 ? 'plumbing' : 'electrical'),
      s(PRIORITIES[Math.floor(rand() * 4)]),
      s('submitted'),
      s('等待派单'),
      '1',
      '1',
      s('[]'),
      s('waiting'),
      dt(now - Math.floor(rand() * 48 * HOUR)),
    ]),
  );
  const [slots] = await ds.query<Array<{ n: number | string }>>('SELECT SUM(capacity) AS n FROM technician_profile');
  return { freeSlots: Number(slots?.n ?? 0) };
}

/** Put the backlog back: every order waiting again, nothing the last run wrote. */
async function resetRouting(ds: DataSource) {
  await ds.query(
    "UPDATE work_order SET status = 'submitted', routingState = 'waiting', assigneeId = NULL, offerExpiresAt = NULL, version = 1",
  );
  for (const t of ['routing_decision', 'work_order_event', 'outbox_event', 'scheduled_job'])
    await ds.query(`DELETE FROM ${ds.driver.escape(t)}`);
  await ds.query('UPDATE technician_profile SET lastAssignedAt = NULL WHERE userId % 5 = 0');
}

async function questions(ds: DataSource, mysql: boolean): Promise<number | null> {
  if (!mysql) return null;
  const rows: Array<{ Value: string }> = await ds.query("SHOW GLOBAL STATUS LIKE 'Questions'");
  return Number(rows[0]?.Value ?? 0);
}

async function benchRematch() {
  const config = BENCH.app;
  const dataDir = config.dataDir;
  const db = config.db;
  const mysql = db.type === 'mariadb';
  const ds = await freshBenchDataSource(db);
  let app: INestApplicationContext | null = null;
  try {
    await ds.runMigrations({ transaction: 'each' });
    const { freeSlots } = await seedRouting(ds, mysql);
    app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['fatal', 'error', 'warn'] });
    const routing = app.get(RoutingService);
    const lifecycle = app.get(WorkOrderLifecycle);
    const appDs = app.get(DataSource);
    const runs: Array<{ ms: number; assigned: number; cpuMs: number; statements: number | null }> = [];
    let jsonBytes = 0;
    for (let run = 0; run < 4; run++) {
      await resetRouting(ds);
      const q0 = await questions(ds, mysql);
      const cpu0 = process.cpuUsage();
      const t = performance.now();
      const assigned = await appDs.transaction((em) => routing.rematch(lifecycle.context(em, new Date()), 1));
      const ms = performance.now() - t;
      const cpu = process.cpuUsage(cpu0);
      const q1 = await questions(ds, mysql);
      const [{ n: decisions, bytes }] = await ds.query<[{ n: number | string; bytes: number | string | null }]>(
        'SELECT COUNT(*) AS n, SUM(COALESCE(LENGTH(summary), 0) + COALESCE(LENGTH(ranked), 0) + COALESCE(LENGTH(excluded), 0)) AS bytes FROM routing_decision',
      );
      jsonBytes = Number(bytes ?? 0);
      if (Number(decisions) !== assigned) throw new Error(`${assigned} assigned but ${decisions} decisions recorded`);
      // The first run warms up (JIT, statement caches) and is not counted.
      if (run > 0)
        runs.push({
          ms,
          assigned,
          cpuMs: (cpu.user + cpu.system) / 1000,
          statements: q0 === null || q1 === null ? null : q1 - q0 - 1,
        });
      console.log(`  rematch run ${run}${run === 0 ? ' (warm-up)' : ''}: ${assigned} assigned in ${fmt(ms)} ms`);
    }
    const mid = [...runs].sort((a, b) => a.ms - b.ms)[1];
    return {
      type: ds.options.type,
      freeSlots,
      row: [
        `${ORDERS} waiting x ${TECHS} technicians`,
        freeSlots,
        mid.assigned,
        runs.map((r) => fmt(r.ms)).join(' / '),
        fmt(mid.ms),
        `${fmt((mid.cpuMs / mid.ms) * 100)}%`,
        mid.statements === null ? '-' : fmt(mid.statements),
        `${(jsonBytes / 1e6).toFixed(1)} MB`,
      ],
    };
  } finally {
    if (app) await app.close();
    if (ds.isInitialized) await ds.destroy();
    if (mysql) await dropDatabase(db);
    else for (const suffix of ['', '-wal', '-shm']) rmSync(db.file + suffix, { force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const rank = benchRank();
  table(
    `(a) rankCandidates: 1,000 technicians of one community (${rank.ranked} ranked, ${rank.excluded} excluded), 1,000 runs after 200 warm-up`,
    ['', 'median µs', 'p99 µs', 'max µs'],
    [['rankCandidates', fmt(median(rank.times)), fmt(pct(rank.times, 99)), fmt(Math.max(...rank.times))]],
  );
  const real = benchRealGrades();
  table(
    `(a2) CandidatePool.for + rankCandidates, real quality and distance grades: 1,000 technicians (${real.ranked} ranked, ${real.excluded} excluded), 1,000 runs after 200 warm-up`,
    ['', 'median µs', 'p99 µs', 'max µs'],
    [
      ['for + rankCandidates', fmt(median(real.times)), fmt(pct(real.times, 99)), fmt(Math.max(...real.times))],
      [
        'of which CandidatePool.for',
        fmt(median(real.forTimes)),
        fmt(pct(real.forTimes, 99)),
        fmt(Math.max(...real.forTimes)),
      ],
      [
        'for + rankCandidates, process CPU µs',
        fmt(median(real.cpuTimes)),
        fmt(pct(real.cpuTimes, 99)),
        fmt(Math.max(...real.cpuTimes)),
      ],
      ['first order (quality map cold)', fmt(real.firstUs), '', ''],
    ],
  );
  console.log(`  top candidate of the last run: ${real.topGrades}`);
  table(
    '(b) matchBacklog: 500 waiting orders x 200 technicians (1-3 free slots each), 5 runs after a warm-up',
    ['scores', 'free slots', 'matched', 'runs ms', 'median ms'],
    benchMatch(),
  );
  if (BENCH.skipDb) {
    console.log('\n(c) RoutingService.rematch: skipped (BENCH_SKIP_DB=1)');
  } else {
    const c = await benchRematch();
    table(
      `(c) RoutingService.rematch on ${c.type}, one transaction, median of 3 after a warm-up run`,
      ['backlog', 'free slots', 'assigned', 'runs ms', 'median ms', 'node CPU', 'statements', 'decision JSON'],
      [c.row],
    );
  }
  console.log(`\nnode ${process.version}, ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'})`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
