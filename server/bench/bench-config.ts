/**
 * Configuration for the benchmark scripts. Like the server (src/main.ts), a script passes
 * process.env and process.argv to one function at start-up and reads no variable itself; the
 * server part goes through the server's own loadConfig, so the database URL is parsed and
 * checked exactly as the server does it.
 *
 * - the database: the script's --db URL, else LINLI_DB_URL, else the script's own bench database;
 * - fixed for every script: development mode, a data directory of its own, LOG_LEVEL=warn; the
 *   scripts that boot the Nest application also turn the worker loop off (they tick by hand);
 * - the knobs that are not server configuration (BENCH_ORDERS, BENCH_RUNS, BENCH_SKIP_DB) are
 *   parsed here with the same rules and errors (ConfigError names the variable).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { ConfigError, loadConfig, type AppConfig, type DatabaseConfig } from '../src/config/config.js';
import { createDataSource, dropDatabase, ensureDatabaseExists } from '../src/database/data-source.js';

type Env = Record<string, string | undefined>;

export interface BenchConfig {
  app: AppConfig;
  /** BENCH_ORDERS, or the script's default. */
  orders: number;
  /** BENCH_RUNS, or the script's default. */
  runs: number;
  /** BENCH_SKIP_DB=1: only the parts that need no database. */
  skipDb: boolean;
}

export interface BenchDefaults {
  /** The database when neither --db nor LINLI_DB_URL names one; its name contains "bench". */
  dbUrl: string;
  dataDir: string;
  /** The script boots the Nest application context: no worker loop, no migrations at start, a JWT secret. */
  app?: boolean;
  orders?: number;
  runs?: number;
}

/** The value after `--name` in argv, or the fallback. */
export function flag(argv: readonly string[], name: string, fallback?: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
}

function count(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9]\d*$/.test(raw)) throw new ConfigError(name, `must be a positive integer, got "${raw}"`);
  return Number(raw);
}

export function benchConfig(env: Env, argv: readonly string[], defaults: BenchDefaults): BenchConfig {
  const app = loadConfig({
    LINLI_MODE: 'development',
    LINLI_DB_URL: flag(argv, 'db') ?? (env.LINLI_DB_URL || defaults.dbUrl),
    LINLI_DATA_DIR: defaults.dataDir,
    LOG_LEVEL: 'warn',
    ...(defaults.app
      ? {
          LINLI_JWT_SECRET: randomBytes(24).toString('hex'),
          LINLI_WORKER_INTERVAL_MS: '0',
          LINLI_MIGRATE_ON_START: 'false',
        }
      : {}),
  });
  return {
    app,
    orders: count(env, 'BENCH_ORDERS', defaults.orders ?? 0),
    runs: count(env, 'BENCH_RUNS', defaults.runs ?? 0),
    skipDb: env.BENCH_SKIP_DB === '1',
  };
}

/** The scripts drop their database at the end (or at the start): refuse one whose name lacks "bench". */
export function assertBenchDatabase(db: DatabaseConfig, what = 'the benchmark drops its database at the end'): void {
  const name = db.type === 'mariadb' ? db.database : db.file;
  if (!/bench/i.test(path.basename(name))) {
    throw new Error(`refusing to use "${name}": ${what}, so its name must contain "bench"`);
  }
}

/** A new, empty benchmark database (its name checked first), connected; migrations not run yet. */
export async function freshBenchDataSource(db: DatabaseConfig, what?: string): Promise<DataSource> {
  assertBenchDatabase(db, what);
  if (db.type === 'mariadb') await dropDatabase(db);
  else if (existsSync(db.file)) rmSync(db.file);
  await ensureDatabaseExists(db);
  const ds = createDataSource(db);
  await ds.initialize();
  return ds;
}
