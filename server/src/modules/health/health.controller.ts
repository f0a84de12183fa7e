import { Controller, Get, HttpStatus, Inject, Logger, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { ApiView } from '../../common/api-contract.js';
import { Public } from '../../common/auth/decorators.js';
import { RATE_LIMIT_STORE, type RateLimitStore } from '../../common/rate-limit.js';
import { RedisRateLimitStore } from '../../common/redis-rate-limit-store.js';

/**
 * How long the database may take to answer `SELECT 1` before the process reports itself
 * unhealthy. A database that accepts connections but does not answer (frozen, overloaded, a
 * network black hole) would otherwise hold the health check until the balancer's own timeout.
 */
export const HEALTH_DB_TIMEOUT_MS = 2000;

type DbCheck = { status: 'up'; latencyMs: number } | { status: 'timeout' | 'down'; latencyMs: number };

export interface ReadyCheck {
  status: 'up' | 'down' | 'timeout' | 'pending' | 'unknown';
  [detail: string]: unknown;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(RATE_LIMIT_STORE) private readonly rateLimits: RateLimitStore,
  ) {}

  /**
   * 200 when the database answers within HEALTH_DB_TIMEOUT_MS, 503 otherwise (load balancers
   * take the process out; it comes back by itself once the database answers again).
   */
  @Public()
  @Get()
  @ApiView('HealthView', 'Health: 200 while the database answers, 503 otherwise', { also: [503] })
  async health(@Res({ passthrough: true }) res: Response) {
    const db = await this.pingDatabase();
    if (db.status === 'up') return { status: 'ok', db: 'up', dbLatencyMs: db.latencyMs };
    res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return db.status === 'timeout'
      ? { status: 'unavailable', db: 'timeout', dbLatencyMs: db.latencyMs }
      : { status: 'unavailable', db: 'down' };
  }

  /** Liveness: the process runs and its event loop turns. Nothing else is asked, so a database outage never restarts it. */
  @Public()
  @Get('live')
  @ApiView('LivenessView', 'Liveness: 200 while the process runs (no dependency is checked)')
  live() {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  /**
   * Readiness: 200 when the database answers, every migration of this build is applied, and
   * Redis answers (when LINLI_REDIS_URL is set); otherwise 503 naming the failed checks.
   */
  @Public()
  @Get('ready')
  @ApiView('ReadinessView', 'Readiness: database, migrations applied, Redis when configured; 503 names what failed', {
    also: [503],
  })
  async ready(@Res({ passthrough: true }) res: Response) {
    const db = await this.pingDatabase();
    const checks: Record<string, ReadyCheck> = {
      database: db,
      migrations: db.status === 'up' ? await this.migrations() : { status: 'unknown' },
    };
    if (this.rateLimits instanceof RedisRateLimitStore) {
      const redis = await this.rateLimits.ping();
      checks.redis = redis.up ? { status: 'up' } : { status: 'down', reason: redis.reason };
    }
    const failed = Object.keys(checks).filter((name) => checks[name].status !== 'up');
    if (!failed.length) return { status: 'ok', checks };
    res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'unavailable', failed, checks };
  }

  private async pingDatabase(): Promise<DbCheck> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), HEALTH_DB_TIMEOUT_MS);
    });
    try {
      const answer = await Promise.race([this.ds.query('SELECT 1').then(() => 'up' as const), timeout]);
      return { status: answer === 'up' ? 'up' : 'timeout', latencyMs: Date.now() - started };
    } catch (e) {
      const err = e as { code?: string; message?: string };
      this.logger.warn(`database check failed: ${err.code ?? ''} ${err.message ?? String(e)}`);
      return { status: 'down', latencyMs: Date.now() - started };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The migrations this build knows that the database's migrations table does not list. */
  private async migrations(): Promise<ReadyCheck> {
    try {
      const table = this.ds.options.migrationsTableName ?? 'migrations';
      const rows = await this.ds
        .createQueryBuilder()
        .select('m.name', 'name')
        .from(table, 'm')
        .getRawMany<{ name: string }>();
      const applied = new Set(rows.map((r) => r.name));
      const pending = this.ds.migrations.map((m) => m.name ?? m.constructor.name).filter((n) => !applied.has(n));
      return pending.length ? { status: 'pending', pending } : { status: 'up', applied: applied.size };
    } catch {
      return { status: 'down', reason: 'the migrations table could not be read' };
    }
  }
}
