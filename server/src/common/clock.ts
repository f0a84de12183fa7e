import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';

/**
 * The server's notion of now. Timers, SLA clocks and routing read it instead of Date.now()
 * so tests can move time forward; only test mode allows that.
 */
@Injectable()
export class Clock {
  private offsetMs = 0;
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    if (this.config.mode !== 'test') throw new Error('the clock can only be moved in test mode');
    this.offsetMs += ms;
  }
}
