import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { WriteLock } from '../../common/write-lock.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import type { ScheduledJob } from './job.entity.js';
import { JobsRepository } from './jobs.repository.js';

export type JobHandler = (em: EntityManager, job: ScheduledJob, now: Date) => Promise<void>;

/** Something else to do on every tick (the outbox dispatcher, the delivery worker). */
export type TickTask = (now: Date) => Promise<unknown>;

const MAX_ATTEMPTS = 8;

/**
 * Fires due jobs, one transaction per job: claim + handler effect + completion commit together.
 * A timer loop runs in every server process (several processes are safe); tests call `tick()`.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobRunner.name);
  private readonly handlers = new Map<string, JobHandler>();
  private readonly tasks: Array<{ name: string; run: TickTask }> = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  readonly owner = `${hostname()}:${process.pid}`;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JobsRepository) private readonly jobs: JobsRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(WriteLock) private readonly lock: WriteLock,
  ) {}

  register(kind: string, handler: JobHandler): void {
    if (this.handlers.has(kind)) throw new Error(`job handler for ${kind} registered twice`);
    this.handlers.set(kind, handler);
  }

  addTickTask(name: string, run: TickTask): void {
    this.tasks.push({ name, run });
  }

  onApplicationBootstrap(): void {
    if (this.config.workers.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (!this.running) {
        this.running = this.tick()
          .catch((e) => this.logger.error(`tick failed: ${e instanceof Error ? e.message : String(e)}`))
          .finally(() => (this.running = null));
      }
    }, this.config.workers.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Fire every due job (up to `limit`), then run the tick tasks. Returns the jobs fired. */
  async tick(limit = 500): Promise<number> {
    let fired = 0;
    for (; fired < limit; fired++) {
      if (!(await this.runOne())) break;
    }
    for (const task of this.tasks) {
      try {
        await this.lock.run(() => task.run(this.clock.now()));
      } catch (e) {
        this.logger.error(`${task.name} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return fired;
  }

  /** Fire one due job (a specific one when `id` is given); false when none was due. */
  runOne(id?: number): Promise<boolean> {
    return this.lock.run(() => this.fireOne(id));
  }

  private async fireOne(id?: number): Promise<boolean> {
    const now = this.clock.now();
    let claimed: ScheduledJob | null = null;
    try {
      await this.jobs.transaction(async (em) => {
        claimed = await this.jobs.claimDue(em, now, this.owner, id);
        if (!claimed) return;
        const handler = this.handlers.get(claimed.kind);
        if (!handler) throw new Error(`no handler for job kind ${claimed.kind}`);
        await handler(em, claimed, now);
      });
    } catch (e) {
      const job = claimed as ScheduledJob | null;
      if (!job) throw e;
      const message = e instanceof Error ? e.message : String(e);
      this.logger.warn(`job ${job.id} (${job.kind}) failed: ${message}`);
      await this.jobs.recordFailure(job.id, message, now, MAX_ATTEMPTS);
    }
    return claimed !== null;
  }
}
