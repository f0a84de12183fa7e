import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../../common/auth/decorators.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** 200 when the database answers, 503 otherwise (load balancers take the process out). */
  @Public()
  @Get()
  async health(@Res({ passthrough: true }) res: Response) {
    const started = Date.now();
    try {
      await this.ds.query('SELECT 1');
      return { status: 'ok', db: 'up', dbLatencyMs: Date.now() - started };
    } catch {
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'unavailable', db: 'down' };
    }
  }
}
