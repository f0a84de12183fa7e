/**
 * What authentication costs per request, before and after the signed-in user cache
 * (docs/security.md "Accounts, passwords and token versions"): the whole server (createApp,
 * loopback HTTP) on a fresh benchmark database, run twice, with LINLI_ACTOR_CACHE_MS=0 (every
 * request reads the user, as before the cache: the user row, then a staff member's communities)
 * and with the default (3000 ms). Each run sends BENCH_RUNS (default 300) requests per endpoint
 * with one token each and counts the SQL statements the process sends (every statement goes
 * through TypeORM's QueryRunner.query), so other users of the database server do not count.
 *
 *   pnpm --filter @linli/server bench:actor-cache                     (MariaDB, linli_bench_actor_cache)
 *   pnpm --filter @linli/server bench:actor-cache --db sqlite:///tmp/linli-bench-actor-cache.sqlite
 *
 * Endpoints: GET /api/work-orders?pageSize=20 as a technician and as a desk clerk (the order
 * list: the endpoint's own statements plus authentication), and GET /api/teams as a technician
 * (admin-only: refused by the guard after authentication, so its statements are only the
 * authentication's).
 */
import 'reflect-metadata';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { JwtService } from '@nestjs/jwt';
import { DataSource, type QueryRunner } from 'typeorm';
import { createApp } from '../src/app.js';
import { dropDatabase } from '../src/database/data-source.js';
import { Factory } from '../src/testing/factories.js';
import { TestClient } from '../src/testing/test-server.js';
import { benchConfig, freshBenchDataSource } from './bench-config.js';
import { fmt, median, table } from './report.js';

const BENCH = benchConfig(process.env, process.argv, {
  dbUrl: 'mysql://root@127.0.0.1:3306/linli_bench_actor_cache',
  dataDir: path.join(os.tmpdir(), `linli-bench-actor-cache-${process.pid}`),
  app: true,
  runs: 300,
});

interface Result {
  endpoint: string;
  sqlPerRequest: number;
  p50: number;
}

/** Count every statement any QueryRunner of the data source sends while `work` runs. */
async function counted(ds: DataSource, work: () => Promise<void>): Promise<number> {
  const probe = ds.createQueryRunner();
  const proto = Object.getPrototypeOf(probe) as QueryRunner;
  await probe.release();
  // Unbound on purpose: the wrapper below calls it with each runner as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const original = proto.query;
  let n = 0;
  proto.query = function (this: QueryRunner, ...args: Parameters<QueryRunner['query']>) {
    n++;
    return original.apply(this, args);
  } as QueryRunner['query'];
  try {
    await work();
  } finally {
    proto.query = original;
  }
  return n;
}

async function run(actorCacheMs: number): Promise<Result[]> {
  const config = { ...BENCH.app, migrateOnStart: true, actorCacheMs };
  const db = config.db;
  const prep = await freshBenchDataSource(db);
  await prep.destroy();
  const { app } = await createApp(config, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const api = new TestClient(`${url}/api`);
  const ds = app.get(DataSource);
  const jwt = app.get(JwtService);
  const token = (u: { id: number; role: string }) => jwt.sign({ sub: u.id, role: u.role, ver: 0 });
  try {
    const f = new Factory(ds);
    const company = await f.company('基准物业');
    const community = await f.community(company.id, 'ACT');
    const tech = await f.staff('technician', company.id, [community.id]);
    const desk = await f.staff('desk', company.id, [community.id]);
    const results: Result[] = [];
    for (const [endpoint, path, who, expected] of [
      ['GET /work-orders (technician)', '/work-orders?pageSize=20', token(tech), 200],
      ['GET /work-orders (desk)', '/work-orders?pageSize=20', token(desk), 200],
      ['GET /teams refused (technician): authentication only', '/teams', token(tech), 403],
    ] as const) {
      // One warm-up request (a cold cache reads the user once, like any first request).
      await api.get(path, { token: who });
      const times: number[] = [];
      const statements = await counted(ds, async () => {
        for (let i = 0; i < BENCH.runs; i++) {
          const t0 = performance.now();
          const res = await api.get(path, { token: who });
          times.push(performance.now() - t0);
          if (res.status !== expected) throw new Error(`${endpoint}: ${res.status} ${JSON.stringify(res.body)}`);
        }
      });
      results.push({ endpoint, sqlPerRequest: statements / BENCH.runs, p50: median(times) });
    }
    return results;
  } finally {
    await app.close();
    if (db.type === 'mariadb') await dropDatabase(db);
  }
}

async function main() {
  const before = await run(0);
  const after = await run(3000);
  console.log(
    `\nactor-cache.bench: ${BENCH.runs} requests per endpoint, one token each, ${BENCH.app.db.type}, ` +
      `${os.cpus().length} cores (load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
  );
  table(
    'SQL statements per request and p50 ms: LINLI_ACTOR_CACHE_MS=0 (no cache, as before) vs 3000 (default)',
    ['endpoint', 'no cache: SQL/request', 'p50 ms', 'cached: SQL/request', 'p50 ms'],
    before.map((b, i) => [
      b.endpoint,
      fmt(b.sqlPerRequest, 2),
      fmt(b.p50, 1),
      fmt(after[i].sqlPerRequest, 2),
      fmt(after[i].p50, 1),
    ]),
  );
}

await main();
