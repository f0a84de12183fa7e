import { AsyncLocalStorage } from 'node:async_hooks';
import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';

/**
 * SQLite through TypeORM has one connection per process: two transactions that overlap
 * become one transaction plus a savepoint, and a rollback can undo the other's work. So on
 * SQLite every unit of work that writes (a mutating request, a job, a tick task) runs under
 * this process-wide lock, re-entrant within one async call chain. On MySQL/MariaDB it does
 * nothing: each transaction has its own connection.
 */
@Injectable()
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly held = new AsyncLocalStorage<true>();
  private readonly enabled: boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.enabled = config.db.type === 'sqlite';
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    if (!this.enabled || this.held.getStore()) return work();
    const result = this.tail.then(() => this.held.run(true, work));
    this.tail = result.catch(() => undefined);
    return result;
  }
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

@Injectable()
export class WriteLockInterceptor implements NestInterceptor {
  constructor(@Inject(WriteLock) private readonly lock: WriteLock) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const method = ctx.switchToHttp().getRequest<{ method: string }>().method;
    if (READS.has(method)) return next.handle();
    return from(this.lock.run(() => lastValueFrom(next.handle(), { defaultValue: undefined })));
  }
}
