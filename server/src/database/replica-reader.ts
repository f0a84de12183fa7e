/**
 * Reads that may come from a read replica: dashboards, score breakdowns, hotspots, drivers and
 * exports (docs/scaling.md "Read replicas"). Everything else (writes, reads inside a
 * transaction, the reads before a conditional write) uses the DataSource as always, which reads
 * from the primary: data-source.ts sets TypeORM's replication `defaultMode` to 'master', so only
 * this class asks for a replica (`createQueryRunner('slave')`).
 *
 * The lag rule: before each read, on the replica connection the read will use, `SHOW REPLICA
 * STATUS` (SHOW SLAVE STATUS) must show both replication threads running and `Seconds_Behind_Master` no more than
 * LINLI_DB_REPLICA_MAX_LAG_MS once rounded up (the column is whole seconds, truncated, so the
 * read is at most Seconds_Behind_Master + 1 s behind: that is the answer's `staleMs`).
 * Otherwise the primary answers and the answer says why (`fallback`).
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ReadFreshness } from '@linli/shared';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { Metrics } from '../modules/metrics/metrics.js';
import { REPLICA_RETRY_MS } from './data-source.js';

/** A connection (to a replica or the primary) held for a longer read, such as an export. */
export interface HeldRead {
  manager: EntityManager;
  freshness: ReadFreshness;
  release(): Promise<void>;
}

/** What SHOW REPLICA STATUS says about one replica. */
export interface ReplicaStatus {
  running: boolean;
  /** Seconds_Behind_Master (null while the SQL thread is stopped). */
  secondsBehind: number | null;
}

const PRIMARY: ReadFreshness = { readFrom: 'primary', staleMs: 0, fallback: null };

/** Getting a replica connection waits at most this long (a black-holed host), then the primary answers. */
const CONNECT_WAIT_MS = 2000;

/** Errors that mean the replica connection broke (rather than a bad query). */
const CONNECTION_ERRORS = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'POOL_NONEONLINE',
  'POOL_NOEXIST',
  'ER_SERVER_SHUTDOWN',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);

function isConnectionError(e: unknown): boolean {
  const err = e as { code?: string; driverError?: { code?: string }; fatal?: boolean } | null;
  const code = err?.code ?? err?.driverError?.code;
  return (code !== undefined && CONNECTION_ERRORS.has(code)) || err?.fatal === true;
}

/**
 * One row of `SHOW REPLICA STATUS`: MariaDB (10.5+) answers with the old column names
 * (Slave_IO_Running, Seconds_Behind_Master), MySQL 8.0.22+ with the new ones (Replica_IO_Running,
 * Seconds_Behind_Source). No row: the server is not a replica.
 */
export function replicaStatus(row: Record<string, unknown> | undefined): ReplicaStatus | null {
  if (!row) return null;
  const io = row.Slave_IO_Running ?? row.Replica_IO_Running;
  const sql = row.Slave_SQL_Running ?? row.Replica_SQL_Running;
  const behind = row.Seconds_Behind_Master ?? row.Seconds_Behind_Source;
  return {
    running: io === 'Yes' && sql === 'Yes',
    secondsBehind: behind === null || behind === undefined ? null : Number(behind),
  };
}

@Injectable()
export class ReplicaReader {
  private readonly logger = new Logger(ReplicaReader.name);
  private readonly replicas: number;
  private readonly maxLagMs: number;
  /** After a failed connect, replicas are skipped until then (ms since the epoch). */
  private downUntil = 0;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {
    this.replicas = config.db.type === 'mariadb' ? (config.db.replicas?.length ?? 0) : 0;
    this.maxLagMs = config.db.replicaMaxLagMs ?? 5000;
  }

  /** Whether replicas are configured at all. */
  get enabled(): boolean {
    return this.replicas > 0;
  }

  /**
   * Run `work` on a replica within the lag rule, else on the primary. A replica connection that
   * breaks during the read is reported and the read runs again on the primary (reads only).
   */
  async read<T>(work: (em: EntityManager) => Promise<T>): Promise<{ value: T; freshness: ReadFreshness }> {
    const held = await this.hold();
    let freshness = held.freshness;
    try {
      return { value: await work(held.manager), freshness };
    } catch (e) {
      if (held.freshness.readFrom !== 'replica' || !isConnectionError(e)) throw e;
      this.markDown(e);
      freshness = { ...PRIMARY, fallback: 'replica_down' };
      return { value: await work(this.ds.manager), freshness };
    } finally {
      await held.release();
      this.metrics.dashboardRead(freshness.readFrom, freshness.fallback);
    }
  }

  /** `read`, with the freshness added to the answer. */
  async view<T extends object>(work: (em: EntityManager) => Promise<T>): Promise<T & { freshness: ReadFreshness }> {
    const { value, freshness } = await this.read(work);
    return { ...value, freshness };
  }

  /** Count a held read (an export) in the metrics, as `read` counts its own. */
  counted(held: HeldRead): void {
    this.metrics.dashboardRead(held.freshness.readFrom, held.freshness.fallback);
  }

  /**
   * A connection for a read that outlives one call (an export streamed page by page): a healthy
   * replica's, else the primary's. The caller must release it.
   */
  async hold(): Promise<HeldRead> {
    const primary = (fallback: ReadFreshness['fallback']): HeldRead => ({
      manager: this.ds.manager,
      freshness: { ...PRIMARY, fallback },
      release: async () => {},
    });
    if (!this.enabled) return primary(null);
    if (Date.now() < this.downUntil) return primary('replica_down');
    // One try per replica: the pool cluster hands them out in turn (round robin).
    let fallback: ReadFreshness['fallback'] = 'replica_down';
    for (let attempt = 0; attempt < this.replicas; attempt++) {
      let qr: QueryRunner;
      try {
        qr = await this.connectReplica();
      } catch (e) {
        this.markDown(e);
        return primary('replica_down');
      }
      try {
        const rows = (await qr.query('SHOW REPLICA STATUS')) as Array<Record<string, unknown>>;
        const status = replicaStatus(rows[0]);
        this.metrics.replicaLagSeen(status?.running ? status.secondsBehind : null);
        if (!status || !status.running || status.secondsBehind === null) {
          fallback = 'replica_stopped';
        } else {
          const staleMs = (status.secondsBehind + 1) * 1000;
          if (staleMs <= this.maxLagMs) {
            return {
              manager: qr.manager,
              freshness: { readFrom: 'replica', staleMs, fallback: null },
              release: () => qr.release(),
            };
          }
          fallback = fallback === 'replica_stopped' ? fallback : 'replica_lagging';
        }
      } catch (e) {
        if (isConnectionError(e)) this.markDown(e);
        else this.logger.warn(`replica status check failed: ${(e as Error).message}`);
        fallback = 'replica_down';
      }
      await qr.release();
    }
    return primary(fallback);
  }

  /** A replica connection, or a rejection within CONNECT_WAIT_MS. */
  private async connectReplica(): Promise<QueryRunner> {
    const qr = this.ds.createQueryRunner('slave');
    let timer: NodeJS.Timeout | undefined;
    let late = false;
    const connecting = qr.connect().then(
      () => {
        // Connected after we gave up: hand the connection back.
        if (late) void qr.release();
      },
      (e: unknown) => {
        if (!late) throw e;
      },
    );
    try {
      await Promise.race([
        connecting,
        new Promise((_, reject) => {
          timer = setTimeout(() => {
            late = true;
            reject(Object.assign(new Error('replica connect timed out'), { code: 'ETIMEDOUT' }));
          }, CONNECT_WAIT_MS);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
    return qr;
  }

  private markDown(e: unknown): void {
    if (Date.now() >= this.downUntil) {
      this.logger.warn(`no read replica answers (${(e as Error).message}); the primary serves dashboards for now`);
    }
    this.downUntil = Date.now() + REPLICA_RETRY_MS;
  }
}
