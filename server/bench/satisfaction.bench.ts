/**
 * Satisfaction scores: rollups against raw rows, on the database satisfaction-seed.ts made.
 *
 *   pnpm --filter @linli/server bench:satisfaction-seed --orders 1000000
 *   pnpm --filter @linli/server bench:satisfaction
 *
 * In one run, each case from the daily rollups and from raw rows (the same ScoresService code
 * with source 'rollup' or 'raw'), runs interleaved, median of 3 (--runs N):
 *   - the company summary over the last 12 months, and over the whole 3 years;
 *   - the technician breakdown over the last 12 months (200 technicians, fair comparison, ranks);
 *   - the counters alone (no duration percentiles, which read raw order rows in both paths).
 * It checks that both sources give the same numbers (integers exactly, scores to 1e-9), and
 * times the rollup job's unit of work (one community-day partition recomputed from raw rows).
 * Database: --db URL (or LINLI_DB_URL), default mysql://root@127.0.0.1:3306/linli_bench_sat.
 *
 * Options for what-if runs (say which in any report):
 *   --buffer-pool-mib N   set MariaDB's innodb_buffer_pool_size for the run (restored after);
 *                         the default 128 MiB holds none of a 1M-order data set;
 *   --rebuild             migrate, then rebuild every rollup layer from raw rows (timed);
 *   --migrate             run pending migrations first (a new layer fills itself);
 *   --proposed-indexes    add to the bench database (not to the schema) indexes on
 *                         work_order.firstCompletedAt, rating.createdAt and sla_clock.stoppedAt,
 *                         the timestamps a partition recompute selects on (docs/scores.md).
 */
import 'reflect-metadata';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { addDays, chinaDay } from '@linli/shared';
import type { DataSource } from 'typeorm';
import type { Actor } from '../src/common/auth/actor.js';
import { createDataSource } from '../src/database/data-source.js';
import type { SliceFilter } from '../src/modules/satisfaction/rollup-sql.js';
import { RollupService } from '../src/modules/satisfaction/rollup.service.js';
import { ScoresService, type Source } from '../src/modules/satisfaction/scores.service.js';
import { benchConfig, flag } from './bench-config.js';
import { fmt, median } from './report.js';
import { BENCH_COMPANY_ID } from './satisfaction-seed.js';

const arg = (name: string, fallback?: string) => flag(process.argv, name, fallback);
const iso = (day: string) => `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}`;

/** The largest relative error of an estimated percentile against the exact one, over all runs. */
let worstDurationError = 0;
let durationsCompared = 0;

/**
 * First difference between two results (numbers within 1e-9 relative), or null. Durations marked
 * as estimates (`relativeError`) must be within that bound of the exact ones instead.
 */
function difference(a: unknown, b: unknown, at = '$'): string | null {
  if (a && b && typeof a === 'object' && typeof b === 'object' && 'relativeError' in a && 'medianMinutes' in b) {
    const est = a as { n: number; medianMinutes: number | null; p90Minutes: number | null; relativeError: number };
    const exact = b as { n: number; medianMinutes: number | null; p90Minutes: number | null };
    if (est.n !== exact.n) return `${at}.n: ${est.n} != ${exact.n}`;
    for (const k of ['medianMinutes', 'p90Minutes'] as const) {
      const x = est[k];
      const y = exact[k];
      if (x === null || y === null) {
        if (x !== y) return `${at}.${k}: ${x} !== ${y}`;
        continue;
      }
      const err = y === 0 ? Math.abs(x) : Math.abs(x - y) / Math.abs(y);
      worstDurationError = Math.max(worstDurationError, err);
      durationsCompared++;
      if (err > est.relativeError * (1 + 1e-9)) return `${at}.${k}: ${x} not within ${est.relativeError} of ${y}`;
    }
    return null;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)) ? null : `${at}: ${a} != ${b}`;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = difference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${at}: ${JSON.stringify(a)} !== ${JSON.stringify(b)}`;
}

interface Case {
  name: string;
  run: (source: Source) => Promise<unknown>;
}

async function tableSizes(ds: DataSource) {
  const rows: Array<{ t: string; n: unknown; mb: unknown }> = await ds.query(
    `SELECT table_name AS t, table_rows AS n, ROUND((data_length + index_length) / 1048576) AS mb
       FROM information_schema.tables WHERE table_schema = DATABASE()
        AND table_name IN ('work_order', 'rating', 'sla_clock', 'follow_up', 'work_order_event', 'satisfaction_daily',
                           'satisfaction_cube', 'satisfaction_hotspot', 'satisfaction_sketch')
      ORDER BY table_name`,
  );
  return rows.map((r) => `${r.t} ~${fmt(Number(r.n))} rows / ${fmt(Number(r.mb))} MB`).join(', ');
}

async function main() {
  const runs = Number(arg('runs', '3'));
  const config = benchConfig(process.env, process.argv, {
    dbUrl: 'mysql://root@127.0.0.1:3306/linli_bench_sat',
    dataDir: path.join(os.tmpdir(), 'linli-bench-sat'),
  }).app;
  const ds = createDataSource(config.db);
  await ds.initialize();
  const [{ bp: originalPool }] = await ds.query<Array<{ bp: unknown }>>('SELECT @@innodb_buffer_pool_size AS bp');
  const poolMib = arg('buffer-pool-mib');
  try {
    if (poolMib) await resizePool(ds, Number(poolMib) * 2 ** 20);
    if (process.argv.includes('--proposed-indexes')) {
      const t = performance.now();
      for (const [table, column] of PROPOSED_INDEXES) {
        await ds.query(`CREATE INDEX IF NOT EXISTS bench_${table}_${column} ON \`${table}\` (\`${column}\`)`);
      }
      console.log(
        `proposed indexes added in ${fmt((performance.now() - t) / 1000, 1)} s: ${PROPOSED_INDEXES.map((x) => x.join('.')).join(', ')}`,
      );
    }
    if (process.argv.includes('--migrate') && !process.argv.includes('--rebuild')) {
      // Pending migrations (new rollup layers fill themselves from the existing day rows).
      const t = performance.now();
      const ran = await ds.runMigrations({ transaction: 'each' });
      console.log(
        `ran ${ran.map((m) => m.name).join(', ') || 'no migrations'} in ${fmt((performance.now() - t) / 1000, 1)} s`,
      );
    }
    if (process.argv.includes('--rebuild')) {
      // Migrate (new rollup tables), then rebuild every rollup layer from the raw rows.
      await ds.runMigrations({ transaction: 'each' });
      const [{ last: l, first: f }] = await ds.query<Array<{ last: Date; first: Date }>>(
        'SELECT MAX(createdAt) AS last, MIN(createdAt) AS first FROM work_order',
      );
      await ds.query('DELETE FROM rollup_dirty');
      const t = performance.now();
      const rebuilt = await new RollupService().rebuild(
        ds.manager,
        BENCH_COMPANY_ID,
        chinaDay(new Date(f)),
        chinaDay(new Date(l)),
        92,
      );
      console.log(
        `rebuilt the rollups in ${fmt((performance.now() - t) / 1000, 1)} s: ${fmt(rebuilt.rows)} satisfaction_daily rows, ` +
          `${fmt(rebuilt.cubeRows)} satisfaction_cube rows`,
      );
    }
    const [{ orders, last, first }] = await ds.query<Array<{ orders: unknown; last: Date; first: Date }>>(
      'SELECT COUNT(*) AS orders, MAX(createdAt) AS last, MIN(createdAt) AS first FROM work_order',
    );
    const [{ daily }] = await ds.query<
      Array<{
        daily: unknown;
      }>
    >('SELECT COUNT(*) AS daily FROM satisfaction_daily');
    if (!Number(orders) || !Number(daily))
      throw new Error('no data: run the satisfaction seed first (pnpm --filter @linli/server bench:satisfaction-seed)');
    const lastDay = chinaDay(new Date(last));
    const firstDay = chinaDay(new Date(first));
    const from12 = addDays(lastDay, -364);
    const [{ bp, v }] = await ds.query<
      Array<{
        bp: unknown;
        v: string;
      }>
    >('SELECT @@innodb_buffer_pool_size AS bp, VERSION() AS v');
    console.log(
      `data: ${fmt(Number(orders))} orders ${iso(firstDay)}..${iso(lastDay)}; ${await tableSizes(ds)}\n` +
        `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ` +
        `node ${process.version}, MariaDB ${v} (innodb_buffer_pool_size ${fmt(Number(bp) / 2 ** 20)} MiB)`,
    );

    const rollups = new RollupService();
    const scores = new ScoresService(ds, rollups);
    const admin: Actor = { userId: 1, role: 'admin', name: 'bench', companyId: BENCH_COMPANY_ID, communityIds: [] };
    const year = { from: iso(from12), to: iso(lastDay) };
    const all = { from: iso(firstDay), to: iso(lastDay) };
    const [{ c: bigCommunity }] = await ds.query<Array<{ c: unknown }>>(
      'SELECT id AS c FROM community WHERE companyId = ? ORDER BY households DESC, id LIMIT 1',
      [BENCH_COMPANY_ID],
    );
    const community = { communityId: Number(bigCommunity) };
    const yearFilter: SliceFilter = { companyId: BENCH_COMPANY_ID, fromDay: from12, toDay: lastDay };
    const counters = (keys: Parameters<RollupService['fromRollups']>[2]) => (source: Source) =>
      source === 'rollup'
        ? rollups.fromRollups(ds.manager, yearFilter, keys)
        : rollups.computeFromRaw(ds.manager, yearFilter, keys);
    const cases: Case[] = [
      { name: 'company summary, 12 months', run: (source) => scores.summary(admin, year, source) },
      { name: 'company summary, 3 years', run: (source) => scores.summary(admin, all, source) },
      {
        name: 'community summary, 12 months',
        run: (source) => scores.summary(admin, { ...year, ...community }, source),
      },
      {
        name: 'community summary, 3 years',
        run: (source) => scores.summary(admin, { ...all, ...community }, source),
      },
      {
        name: 'technician breakdown, 12 months',
        run: (source) => scores.breakdown(admin, { ...year, by: 'technician' }, source),
      },
      { name: 'hotspots, 12 months', run: (source) => scores.hotspots(admin, year, source) },
      { name: 'counters only: company, 12 months', run: counters([]) },
      { name: 'counters only: per technician, 12 months', run: counters(['technicianId']) },
    ];

    const results: Array<{ name: string; rollup: number[]; warm: number[]; raw: number[]; same: string }> = [];
    for (const c of cases) {
      const times: Record<Source, number[]> = { rollup: [], raw: [] };
      const last: Partial<Record<Source, unknown>> = {};
      for (let i = 0; i < runs; i++) {
        for (const source of ['rollup', 'raw'] as const) {
          const t = performance.now();
          last[source] = await c.run(source);
          times[source].push(performance.now() - t);
        }
      }
      const diff = difference(last.rollup, last.raw);
      // Warm: the rollup path again, back to back (the raw runs above evict its pages).
      const warm: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        await c.run('rollup');
        warm.push(performance.now() - t);
      }
      results.push({ name: c.name, rollup: times.rollup, warm, raw: times.raw, same: diff ?? 'identical' });
      console.log(
        `  ${c.name}: rollup ${times.rollup.map((x) => fmt(x)).join(' / ')} ms, warm ${warm.map((x) => fmt(x)).join(' / ')} ms, ` +
          `raw ${times.raw.map((x) => fmt(x)).join(' / ')} ms; ${diff ?? 'identical results'}`,
      );
    }

    // The rollup job's unit of work: one community-day partition, rebuilt from raw rows.
    const partitions: Array<{ communityId: unknown; day: string }> = await ds.query(
      'SELECT communityId, `day` FROM satisfaction_daily WHERE `day` >= ? GROUP BY communityId, `day` ORDER BY `day` DESC, communityId LIMIT 5',
      [addDays(lastDay, -7)],
    );
    const recompute: number[] = [];
    for (const p of partitions) {
      const t = performance.now();
      await ds.transaction('READ COMMITTED', (em) => rollups.recompute(em, Number(p.communityId), String(p.day)));
      recompute.push(performance.now() - t);
    }

    const head = ['case', 'rollups (ms)', 'warm (ms)', 'raw rows (ms)', 'raw / rollups', 'raw / warm', 'same numbers'];
    const rows = results.map((r) => {
      const a = median(r.rollup);
      const w = median(r.warm);
      const b = median(r.raw);
      return [r.name, fmt(a), fmt(w), fmt(b), `${fmt(b / a, 1)}x`, `${fmt(b / w, 1)}x`, r.same];
    });
    const cells = [head, ...rows];
    const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
    const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    console.log(
      `\nmedian of ${runs} runs each, interleaved; warm = median of 5 rollup runs back to back\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`,
    );
    for (const r of rows) console.log(line(r));
    console.log(
      `\nestimated durations: ${durationsCompared} percentiles compared with the exact ones, ` +
        `largest relative error ${(worstDurationError * 100).toFixed(3)}% (bound 1%)`,
    );
    console.log(
      `\nrollup job unit of work (recompute one community-day partition from raw rows): ` +
        `median ${fmt(median(recompute))} ms (${recompute.map((x) => fmt(x)).join(' / ')} ms over ${recompute.length} recent partitions)`,
    );
  } finally {
    if (poolMib) await resizePool(ds, Number(originalPool));
    await ds.destroy();
  }
}

const PROPOSED_INDEXES = [
  ['work_order', 'firstCompletedAt'],
  ['rating', 'createdAt'],
  ['sla_clock', 'stoppedAt'],
] as const;

/** Resize the buffer pool online and wait until MariaDB says it is done. */
async function resizePool(ds: DataSource, bytes: number) {
  await ds.query(`SET GLOBAL innodb_buffer_pool_size = ${Math.round(bytes)}`);
  for (let i = 0; i < 600; i++) {
    const [row] = await ds.query<Array<{ Value: string }>>("SHOW STATUS LIKE 'Innodb_buffer_pool_resize_status'");
    if (!row?.Value || /completed|^$/i.test(row.Value)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const [{ bp }] = await ds.query<Array<{ bp: unknown }>>('SELECT @@innodb_buffer_pool_size AS bp');
  console.log(`innodb_buffer_pool_size is now ${fmt(Number(bp) / 2 ** 20)} MiB`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
