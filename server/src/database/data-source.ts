import type { DataSourceOptions } from 'typeorm';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config/config.js';
import { ENTITIES } from './entities.js';
import { MYSQL_MIGRATIONS } from './migrations/mysql/index.js';
import { SQLITE_MIGRATIONS } from './migrations/sqlite/index.js';

/** How long a replica that failed to connect is left alone before it is tried again. */
export const REPLICA_RETRY_MS = 5000;

/**
 * The one data-source definition: the app, the migration CLI and the tests all build
 * their DataSource here. Migrations are generated per dialect (see docs/database.md);
 * `synchronize` is never on.
 */
export function dataSourceOptions(db: DatabaseConfig): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each' as const,
  };
  if (db.type === 'sqlite') {
    return {
      ...common,
      type: 'better-sqlite3',
      database: db.file,
      migrations: SQLITE_MIGRATIONS,
      enableWAL: db.file !== ':memory:',
      // SQLite serves one server process (see docs/decisions.md). The busy timeout covers short
      // overlaps with a CLI command; TypeORM's deferred BEGIN still fails fast (SQLITE_BUSY) when
      // two processes write at once, and jobs then retry on the next tick.
      prepareDatabase: (conn: { pragma(source: string): unknown }) => {
        conn.pragma('busy_timeout = 5000');
      },
    };
  }
  const replicas = db.replicas ?? [];
  const connection = {
    host: db.host,
    port: db.port,
    username: db.username,
    password: db.password,
    database: db.database,
  };
  return {
    ...common,
    type: 'mariadb',
    ...(replicas.length
      ? {
          // TypeORM's replication (a mysql2 pool cluster: MASTER plus SLAVE0..n). defaultMode
          // 'master': a find or query builder outside a transaction would otherwise read from a
          // replica too (the version check before a conditional write, idempotency replays).
          // Only ReplicaReader asks for a replica (createQueryRunner('slave')); docs/scaling.md.
          replication: {
            master: connection,
            slaves: replicas,
            defaultMode: 'master' as const,
            // A replica that fails to connect is offline for 5 s (then tried again), not removed
            // for good (mysql2's default after 5 errors); the other replicas take its reads.
            removeNodeErrorCount: 1,
            restoreNodeTimeout: REPLICA_RETRY_MS,
            canRetry: true,
            selector: 'RR' as const,
          },
        }
      : connection),
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    migrations: MYSQL_MIGRATIONS,
    // trace: false: mysql2 otherwise captures a stack trace for every query (5.5% of a create's
    // CPU in the load profile); TypeORM's QueryFailedError carries the SQL either way.
    extra: { connectionLimit: 20, trace: false },
  };
}

export function createDataSource(db: DatabaseConfig): DataSource {
  return new DataSource(dataSourceOptions(db));
}

/** Run `sql` on the MariaDB server without selecting a database (create or drop one). */
async function adminQuery(db: DatabaseConfig, sql: string): Promise<void> {
  const admin = new DataSource({
    type: 'mariadb',
    host: db.host,
    port: db.port,
    username: db.username,
    password: db.password,
  });
  await admin.initialize();
  try {
    await admin.query(sql);
  } finally {
    await admin.destroy();
  }
}

const quoted = (name: string) => `\`${name.replace(/`/g, '')}\``;

/** Create the MariaDB database when it does not exist (the server's own, or a test's). */
export async function ensureDatabaseExists(db: DatabaseConfig): Promise<void> {
  if (db.type !== 'mariadb') return;
  await adminQuery(
    db,
    `CREATE DATABASE IF NOT EXISTS ${quoted(db.database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  );
}

export async function dropDatabase(db: DatabaseConfig): Promise<void> {
  if (db.type !== 'mariadb') return;
  await adminQuery(db, `DROP DATABASE IF EXISTS ${quoted(db.database)}`);
}
