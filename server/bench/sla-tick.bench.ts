/**
 * SLA timer benchmark: how fast the job runner fires due SLA checks with a large backlog of
 * open orders, and what the due-job lookup costs.
 *
 *   pnpm --filter @linli/server bench:sla-tick       (builds bench/ into bench/dist, then runs)
 *
 * Database: LINLI_DB_URL, default mysql://root@127.0.0.1:3306/linli_bench_sla. The benchmark
 * creates that database (its name must contain "bench": it is dropped at the end), migrates
 * it, bulk-inserts 100,000 open P2 orders with their 3 SLA clocks and one pending `sla_check`
 * job per clock (300,000 jobs), 1% of them due. Each due check finds its clock at 60% of the
 * target, so firing it writes one escalation (level 1), one outbox event and the next (75%)
 * check: the common case. Then it boots the server's Nest application context on that
 * database with the worker loop off and measures
 *   (a) the due-job lookup query alone (plus EXPLAIN: does it use the (status, dueAt) index?),
 *   (b) JobRunner.tick(5000) until every due job has fired (jobs/s), median of 3 runs, the due
 *       set re-armed between runs; the same jobs fired by JobRunner.drain (the batched claims
 *       alone, LINLI_WORKER_BATCH_SIZE per transaction); and for comparison by runOne() alone
 *       (tick() also runs its tick tasks: the outbox dispatcher and the delivery worker).
 * Optional: BENCH_ORDERS (default 100000), BENCH_RUNS (default 3).
 */
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module.js';
import type { AppConfig } from '../src/config/config.js';
import { dropDatabase } from '../src/database/data-source.js';
import { ScheduledJob } from '../src/modules/jobs/job.entity.js';
import { JobRunner } from '../src/modules/jobs/job-runner.service.js';
import { OutboxDispatcher } from '../src/modules/notifications/outbox-dispatcher.service.js';
import { benchConfig, freshBenchDataSource } from './bench-config.js';
import { fmt, median, pct, table } from './report.js';

const BENCH = benchConfig(process.env, process.argv, {
  dbUrl: 'mysql://root@127.0.0.1:3306/linli_bench_sla',
  // Its own data directory (nothing is written there unless the server needs it; removed at the end).
  dataDir: path.join(os.tmpdir(), `linli-bench-sla-${process.pid}`),
  app: true,
  orders: 100_000,
  runs: 3,
});
const ORDERS = BENCH.orders;
const RUNS = BENCH.runs;
const CHUNK = 1_000;
/** Every DUE_EVERY-th order has its three checks due: 1% of the jobs. */
const DUE_EVERY = 100;
const TECHS = 20;
const MIN = 60_000;
/** The bench community's P2 policy (minutes). Long enough that no other check comes due while the bench runs. */
const TARGETS = { accept: 240, arrive: 480, resolve: 1440 } as const;
const STAGES = ['accept', 'arrive', 'resolve'] as const;

async function main() {
  const dataDir = BENCH.app.dataDir;
  const config: AppConfig = BENCH.app;
  const db = config.db;
  const mysql = db.type === 'mariadb';
  const ds = await freshBenchDataSource(db);
  let app: INestApplicationContext | null = null;
  try {
    let t = performance.now();
    await ds.runMigrations({ transaction: 'each' });
    const migrateMs = performance.now() - t;
    t = performance.now();
    const seeded = await seed(ds, mysql);
    const seedMs = performance.now() - t;
    console.log(
      `seeded ${fmt(ORDERS)} orders, ${fmt(ORDERS * 3)} clocks, ${fmt(ORDERS * 3)} pending sla_check jobs ` +
        `(${fmt(seeded.dueJobs)} due) in ${(seedMs / 1000).toFixed(1)} s (migrations ${(migrateMs / 1000).toFixed(1)} s)`,
    );

    app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['fatal', 'error', 'warn'] });
    const runner = app.get(JobRunner);

    // (a) The due-job lookup, as JobsRepository.claimDue issues it.
    await rearm(ds, mysql);
    const lookup = lookupQuery(ds, mysql, false);
    const plan = await explain(ds, mysql, lookup);
    const armed = await timeLookups(ds, mysql);

    // (b) Fire the due set: tick(5000) until none is due. Then, for the split, the same jobs
    //     by runOne() alone, and the events they wrote by the outbox dispatcher alone (tick()
    //     runs its tick tasks, the dispatcher and the delivery worker, after the jobs).
    type Run = { ms: number; n: number; cpuMs: number; statements: number | null };
    const tickRuns: Run[] = [];
    const oneRuns: Run[] = [];
    const batchRuns: Run[] = [];
    const dispatchRuns: Run[] = [];
    const dispatcher = app.get(OutboxDispatcher);
    /** Time `fire` until it returns 0 or `upTo` items; with this process's CPU time and (MariaDB) the statements the server received. */
    const measure = async (runs: Run[], upTo: number, fire: () => Promise<number>) => {
      const q0 = await questions(ds, mysql);
      const cpu0 = process.cpuUsage();
      const started = performance.now();
      let n = 0;
      for (let k = -1; k !== 0 && n < upTo; n += k) k = await fire();
      const ms = performance.now() - started;
      const cpu = process.cpuUsage(cpu0);
      const q1 = await questions(ds, mysql);
      const run = {
        ms,
        n,
        cpuMs: (cpu.user + cpu.system) / 1000,
        statements: q0 === null || q1 === null ? null : q1 - q0 - 1,
      };
      runs.push(run);
      return run;
    };
    const armedRun = async (label: string, runs: Run[], fire: () => Promise<number>) => {
      const due = await rearm(ds, mysql);
      if (due !== seeded.dueJobs) throw new Error(`re-armed ${due} due jobs, expected ${seeded.dueJobs}`);
      const { ms, n } = await measure(runs, due, fire);
      await verify(ds, seeded.dueJobs);
      console.log(`  ${label} run ${runs.length}: ${fmt(n)} jobs in ${fmt(ms)} ms (${fmt((n / ms) * 1000)} jobs/s)`);
    };
    for (let run = 0; run < RUNS; run++) await armedRun('tick(5000)', tickRuns, () => runner.tick(5000));
    // The batched claims alone: JobRunner.drain fires one batch (LINLI_WORKER_BATCH_SIZE) a call.
    for (let run = 0; run < RUNS; run++) {
      await armedRun('drain(sla_check) loop', batchRuns, () => runner.drain('sla_check'));
      await dispatcher.dispatch(new Date(), 5000);
    }
    for (let run = 0; run < RUNS; run++) {
      await armedRun('runOne loop', oneRuns, async () => {
        let n = 0;
        while (n < 5000 && (await runner.runOne())) n++;
        return n;
      });
      const { ms, n } = await measure(dispatchRuns, Infinity, () => dispatcher.dispatch(new Date(), 5000));
      console.log(`  dispatch run ${run + 1}: ${fmt(n)} events in ${fmt(ms)} ms`);
    }
    const baseline = await commitBaseline(ds);

    // The idle poll: nothing due (every worker process runs this each interval).
    const idle = await timeLookups(ds, mysql);

    const env = await environment(ds, mysql);
    table(
      `(a) due-job lookup on ${fmt(ORDERS * 3)} pending jobs (${ds.options.type}), 500 runs each`,
      ['query', 'median µs', 'p99 µs'],
      [
        [
          `SELECT id ... LIMIT 1, ${fmt(seeded.dueJobs)} due`,
          fmt(median(armed.plain) * 1000),
          fmt(pct(armed.plain, 99) * 1000),
        ],
        ...(mysql
          ? [
              [
                `  + FOR UPDATE SKIP LOCKED in a transaction`,
                fmt(median(armed.locked) * 1000),
                fmt(pct(armed.locked, 99) * 1000),
              ],
            ]
          : []),
        [
          'SELECT id ... LIMIT 1, none due (idle poll)',
          fmt(median(idle.plain) * 1000),
          fmt(pct(idle.plain, 99) * 1000),
        ],
        ...(mysql
          ? [
              [
                `  + FOR UPDATE SKIP LOCKED in a transaction`,
                fmt(median(idle.locked) * 1000),
                fmt(pct(idle.locked, 99) * 1000),
              ],
            ]
          : []),
      ],
    );
    console.log(`plan: ${plan.summary}\nuses the (status, dueAt) index: ${plan.usesIndex ? 'yes' : 'NO'}`);
    const row = (label: string, runs: Run[]) => {
      const mid = [...runs].sort((x, y) => x.ms - y.ms)[Math.floor(runs.length / 2)];
      const n = mid.n;
      return [
        label,
        fmt(n),
        runs.map((r) => fmt(r.ms)).join(' / '),
        fmt(mid.ms),
        fmt((n / mid.ms) * 1000),
        fmt((mid.ms / n) * 1000),
        `${fmt((mid.cpuMs / mid.ms) * 100)}%`,
        mid.statements === null ? '-' : (mid.statements / n).toFixed(1),
      ];
    };
    table(
      `(b) firing the due set: ${fmt(seeded.dueJobs)} checks, each writing 1 escalation, 1 outbox event and the next check; median of ${RUNS}`,
      ['what', 'items', 'runs ms', 'median ms', 'per s', 'µs each', 'node CPU', 'stmts each'],
      [
        row('JobRunner.tick(5000), jobs + tick tasks', tickRuns),
        row('drain() loop: the batched jobs alone', batchRuns),
        row('runOne() loop: one job per transaction', oneRuns),
        row('OutboxDispatcher.dispatch: their events', dispatchRuns),
      ],
    );
    console.log(
      `baseline on one connection: BEGIN + 1-row UPDATE + COMMIT median ${baseline.commit.toFixed(2)} ms, ` +
        `SELECT 1 round trip median ${baseline.roundTrip.toFixed(3)} ms`,
    );
    console.log(`\n${env}`);
  } finally {
    if (app) await app.close();
    if (ds.isInitialized) await ds.destroy();
    if (mysql) await dropDatabase(db);
    else rmSync(db.file, { force: true });
    for (const suffix of ['-wal', '-shm']) if (!mysql) rmSync(db.file + suffix, { force: true });
    rmSync(dataDir, { recursive: true, force: true });
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

/** Company, community, a resident and technicians, then orders, clocks and jobs with explicit ids. */
async function seed(ds: DataSource, mysql: boolean): Promise<{ dueJobs: number }> {
  const now = Date.now();
  const s = (v: string) => `'${v.replace(/'/g, "''")}'`;
  await insertRows(ds, 'company', ['id', 'name'], [['1', s('基准物业')]]);
  await insertRows(ds, 'community', ['id', 'companyId', 'name', 'code'], [['1', '1', s('基准小区'), s('BENCH')]]);
  await insertRows(
    ds,
    'category',
    ['companyId', 'code', 'name', 'sortOrder'],
    [['1', s('plumbing'), s('水管漏水'), '0']],
  );
  await insertRows(
    ds,
    'sla_policy',
    [
      'companyId',
      'communityId',
      'category',
      'priority',
      'acceptMinutes',
      'arriveMinutes',
      'resolveMinutes',
      'calendar',
      'enabled',
    ],
    [['1', '1', 'NULL', s('P2'), String(TARGETS.accept), String(TARGETS.arrive), String(TARGETS.resolve), 'NULL', '1']],
  );
  const users: string[][] = [
    ['1', s('resident'), 'NULL', s('住户'), s('13900000000'), 'NULL', s('bench-resident-openid')],
  ];
  for (let k = 0; k < TECHS; k++) {
    users.push([
      String(2 + k),
      s('technician'),
      '1',
      s(`师傅${k + 1}`),
      s(`137${String(k).padStart(8, '0')}`),
      s(`bench-tech${k + 1}`),
      'NULL',
    ]);
  }
  await insertRows(ds, 'user', ['id', 'role', 'companyId', 'name', 'phone', 'username', 'wechatOpenid'], users);

  // Pseudo-random but repeatable spread of start times.
  let seedState = 42;
  const rand = () => {
    seedState = (seedState * 1_103_515_245 + 12_345) % 2 ** 31;
    return seedState / 2 ** 31;
  };
  const startOf = new Map<number, number>();
  function* orders() {
    for (let i = 1; i <= ORDERS; i++) {
      const due = i % DUE_EVERY === 0;
      // Not due: created within the last 20% of the shortest target, so every first check
      // (at 50%) is in the future. Due orders are positioned by `rearm`.
      const started = due ? now : now - Math.floor(rand() * 0.2 * TARGETS.accept * MIN);
      startOf.set(i, started);
      yield [
        String(i),
        s(`BENCH${String(i).padStart(8, '0')}`),
        '1',
        '1',
        s('repair'),
        s('miniprogram'),
        s('plumbing'),
        s('P2'),
        s('assigned'),
        s('水管漏水'),
        '1',
        '1',
        String(2 + (i % TECHS)),
        s('[]'),
        s('assigned'),
        dt(mysql, started + TARGETS.accept * MIN),
        dt(mysql, started),
      ];
    }
  }
  await insertRows(
    ds,
    'work_order',
    [
      'id',
      'no',
      'companyId',
      'communityId',
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
      'createdAt',
    ],
    orders(),
  );
  function* clocks() {
    for (let i = 1; i <= ORDERS; i++) {
      const started = startOf.get(i)!;
      for (const [k, stage] of STAGES.entries()) {
        const target = TARGETS[stage];
        yield [
          String((i - 1) * 3 + k + 1),
          String(i),
          '0',
          s(stage),
          dt(mysql, started),
          String(target),
          '0',
          dt(mysql, started + target * MIN),
          s('running'),
          '0',
        ];
      }
    }
  }
  await insertRows(
    ds,
    'sla_clock',
    ['id', 'workOrderId', 'cycle', 'stage', 'startedAt', 'targetMinutes', 'pausedSeconds', 'dueAt', 'status', 'level'],
    clocks(),
  );
  let dueJobs = 0;
  function* jobs() {
    for (let i = 1; i <= ORDERS; i++) {
      const started = startOf.get(i)!;
      if (i % DUE_EVERY === 0) dueJobs += 3;
      for (const [k, stage] of STAGES.entries()) {
        const id = String((i - 1) * 3 + k + 1);
        yield [id, s('sla_check'), String(i), id, dt(mysql, started + 0.5 * TARGETS[stage] * MIN), s('pending'), '0'];
      }
    }
  }
  await insertRows(ds, 'scheduled_job', ['id', 'kind', 'workOrderId', 'refId', 'dueAt', 'status', 'attempts'], jobs());
  startOf.clear();
  if (mysql) await ds.query('ANALYZE TABLE scheduled_job, sla_clock, work_order');
  else await ds.query('ANALYZE');
  return { dueJobs };
}

/**
 * Make the due set due again, as if its orders were created 60% of each target ago: clocks
 * back to level 0, their first checks pending and due (at the 50% mark), follow-up jobs and
 * everything the last run wrote removed. Returns the number of due jobs.
 */
async function rearm(ds: DataSource, mysql: boolean): Promise<number> {
  const now = Date.now();
  const jobs = ORDERS * 3;
  await ds.query('DELETE FROM scheduled_job WHERE id > ?', [jobs]);
  for (const table of ['sla_escalation', 'notification_delivery', 'notification', 'outbox_event'])
    await ds.query(`DELETE FROM ${ds.driver.escape(table)}`);
  for (const [k, stage] of STAGES.entries()) {
    const target = TARGETS[stage] * MIN;
    const started = now - 0.6 * target;
    await ds.query(
      `UPDATE sla_clock SET level = 0, breachedAt = NULL, startedAt = ${dt(mysql, started)}, dueAt = ${dt(mysql, started + target)} WHERE stage = ? AND workOrderId % ${DUE_EVERY} = 0`,
      [stage],
    );
    await ds.query(
      `UPDATE scheduled_job SET status = 'pending', attempts = 0, lastError = NULL, doneBy = NULL, doneAt = NULL, dueAt = ${dt(mysql, started + 0.5 * target)} ` +
        `WHERE id <= ? AND workOrderId % ${DUE_EVERY} = 0 AND (refId - 1) % 3 = ${k}`, // seeded job k of an order checks clock k
      [jobs],
    );
  }
  return count(
    ds,
    `SELECT COUNT(*) AS n FROM scheduled_job WHERE status = 'pending' AND dueAt <= ${dt(mysql, Date.now())}`,
  );
}

async function verify(ds: DataSource, due: number) {
  const left = await count(
    ds,
    `SELECT COUNT(*) AS n FROM scheduled_job WHERE status = 'pending' AND dueAt <= ${dt(ds.options.type === 'mariadb', Date.now())}`,
  );
  const esc = await count(ds, 'SELECT COUNT(*) AS n FROM sla_escalation');
  const failed = await count(ds, "SELECT COUNT(*) AS n FROM scheduled_job WHERE attempts > 0 OR status = 'failed'");
  if (left !== 0 || esc !== due || failed !== 0) {
    throw new Error(`after a run: ${left} still due, ${esc} escalations (expected ${due}), ${failed} jobs with errors`);
  }
}

/** The SQL of JobsRepository.claimDue's lookup (with its lock on MariaDB when `locked`). */
function lookupQuery(ds: DataSource, mysql: boolean, locked: boolean): { sql: string; params: unknown[] } {
  const qb = ds
    .createQueryBuilder(ScheduledJob, 'j')
    .select('j.id', 'id')
    .where('j.status = :pending', { pending: 'pending' })
    .andWhere('j.dueAt <= :now', { now: new Date() })
    .orderBy('j.dueAt', 'ASC')
    .addOrderBy('j.id', 'ASC')
    .limit(1);
  if (locked && mysql) qb.setLock('pessimistic_write').setOnLocked('skip_locked');
  const [sql, params] = qb.getQueryAndParameters();
  return { sql, params };
}

async function timeLookups(ds: DataSource, mysql: boolean, runs = 500): Promise<{ plain: number[]; locked: number[] }> {
  const plain: number[] = [];
  const locked: number[] = [];
  for (let i = 0; i < runs + 50; i++) {
    const { sql, params } = lookupQuery(ds, mysql, false);
    const t = performance.now();
    await ds.query(sql, params);
    if (i >= 50) plain.push(performance.now() - t);
  }
  if (mysql) {
    const qr = ds.createQueryRunner();
    try {
      for (let i = 0; i < runs + 50; i++) {
        const { sql, params } = lookupQuery(ds, mysql, true);
        await qr.startTransaction();
        const t = performance.now();
        await qr.query(sql, params);
        const ms = performance.now() - t;
        await qr.rollbackTransaction();
        if (i >= 50) locked.push(ms);
      }
    } finally {
      await qr.release();
    }
  }
  return { plain, locked };
}

async function explain(ds: DataSource, mysql: boolean, q: { sql: string; params: unknown[] }) {
  if (mysql) {
    const idx: Array<{ Key_name: string; Seq_in_index: number; Column_name: string }> = await ds.query(
      'SHOW INDEX FROM scheduled_job',
    );
    const statusDue = [...new Set(idx.map((r) => r.Key_name))].find((k) => {
      const cols = idx
        .filter((r) => r.Key_name === k)
        .sort((a, b) => Number(a.Seq_in_index) - Number(b.Seq_in_index))
        .map((r) => r.Column_name);
      return cols.join() === 'status,dueAt';
    });
    const rows: Array<Record<string, unknown>> = await ds.query(`EXPLAIN ${q.sql}`, q.params);
    const r = rows[0];
    return {
      usesIndex: r.key === statusDue,
      summary: `type=${String(r.type)} key=${String(r.key)} (status, dueAt index: ${statusDue}) rows≈${String(r.rows)} Extra="${String(r.Extra)}"`,
    };
  }
  const rows: Array<{ detail: string }> = await ds.query(`EXPLAIN QUERY PLAN ${q.sql}`, q.params);
  const detail = rows.map((r) => r.detail).join('; ');
  const idx: Array<{ name: string }> = await ds.query(
    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'scheduled_job'",
  );
  const statusDue = [];
  for (const { name } of idx) {
    const cols: Array<{ name: string }> = await ds.query(`PRAGMA index_info(${ds.driver.escape(name)})`);
    if (cols.map((c) => c.name).join() === 'status,dueAt') statusDue.push(name);
  }
  return { usesIndex: statusDue.some((n) => detail.includes(n)), summary: detail };
}

/** The first row's `n` of a COUNT/SUM query. */
async function count(ds: DataSource, sql: string, params: unknown[] = []): Promise<number> {
  const rows: Array<{ n: number | string | null }> = await ds.query(sql, params);
  return Number(rows[0]?.n ?? 0);
}

/** MariaDB's global count of statements received (other clients of the server count too). */
async function questions(ds: DataSource, mysql: boolean): Promise<number | null> {
  if (!mysql) return null;
  const rows: Array<{ Value: string }> = await ds.query("SHOW GLOBAL STATUS LIKE 'Questions'");
  return Number(rows[0]?.Value ?? 0);
}

/** What one small write transaction and one round trip cost here: the floor under each job. */
async function commitBaseline(ds: DataSource): Promise<{ commit: number; roundTrip: number }> {
  const commit: number[] = [];
  const trip: number[] = [];
  for (let i = 0; i < 220; i++) {
    let t = performance.now();
    await ds.transaction((em) => em.query('UPDATE company SET name = ? WHERE id = 1', [`基准物业${i % 2}`]));
    if (i >= 20) commit.push(performance.now() - t);
    t = performance.now();
    await ds.query('SELECT 1');
    if (i >= 20) trip.push(performance.now() - t);
  }
  return { commit: median(commit), roundTrip: median(trip) };
}

async function environment(ds: DataSource, mysql: boolean): Promise<string> {
  const lines = [`node ${process.version}, ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'})`];
  if (mysql) {
    const [v] = await ds.query<Array<{ v: string }>>('SELECT VERSION() AS v');
    const vars: Array<{ Variable_name: string; Value: string }> = await ds.query(
      "SHOW VARIABLES WHERE Variable_name IN ('innodb_flush_log_at_trx_commit', 'innodb_buffer_pool_size', 'log_bin', 'tx_isolation', 'transaction_isolation')",
    );
    lines.push(`MariaDB ${v.v}: ${vars.map((r) => `${r.Variable_name}=${r.Value}`).join(', ')}`);
  } else {
    const [v] = await ds.query<Array<{ v: string }>>('SELECT sqlite_version() AS v');
    lines.push(`SQLite ${v.v} (WAL)`);
  }
  return lines.join('\n');
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
