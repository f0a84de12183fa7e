import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiFile } from '../../common/api-contract.js';
import { AppError } from '../../common/app-error.js';
import { Public } from '../../common/auth/decorators.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { Metrics } from './metrics.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {}

  /** Public to the user guard: LINLI_METRICS decides (public, a bearer token of its own, or 404). */
  @Public()
  @Get()
  @ApiBearerAuth()
  // 401: LINLI_METRICS=token and no or a wrong bearer token; 404: LINLI_METRICS=off.
  @ApiFile(['text/plain'], 'Prometheus metrics (text exposition format); LINLI_METRICS decides who may scrape', {
    errors: [401, 404],
  })
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const { access, token } = this.config.metrics;
    if (access === 'off') throw new AppError('NOT_FOUND', 'not found');
    if (access === 'token') {
      const given = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
      if (!given || !timingSafeEqual(digest(given), digest(token))) {
        throw new AppError('UNAUTHENTICATED', 'metrics need the LINLI_METRICS_TOKEN bearer token');
      }
    }
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.setHeader('Cache-Control', 'no-store');
    return this.metrics.scrape();
  }
}
