import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../../common/auth/decorators.js';

/**
 * How long the database may take to answer `SELECT 1` before the process reports itself
 * unhealthy. A database that accepts connections but does not answer (frozen, overloaded, a
 * network black hole) would otherwise hold the health check until the balancer's own timeout.
 */
export const HEALTH_DB_TIMEOUT_MS = 2000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * 200 when the database answers within HEALTH_DB_TIMEOUT_MS, 503 otherwise (load balancers
   * take the process out; it comes back by itself once the database answers again).
   */
  @Public()
  @Get()
  async health(@Res({ passthrough: true }) res: Response) {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), HEALTH_DB_TIMEOUT_MS);
    });
    try {
      const answer = await Promise.race([this.ds.query('SELECT 1').then(() => 'up' as const), timeout]);
      if (answer === 'up') return { status: 'ok', db: 'up', dbLatencyMs: Date.now() - started };
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'unavailable', db: 'timeout', dbLatencyMs: Date.now() - started };
    } catch {
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'unavailable', db: 'down' };
    } finally {
      clearTimeout(timer);
    }
  }
}
