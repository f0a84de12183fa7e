import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { WriteLock } from '../../common/write-lock.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { Metrics } from '../metrics/metrics.js';
import type { ScheduledJob } from './job.entity.js';
import { JobsRepository } from './jobs.repository.js';

export type JobHandler = (em: EntityManager, job: ScheduledJob, now: Date) => Promise<void>;
/** Fires many due jobs of one kind in one transaction (claimed together). */
export type BatchJobHandler = (em: EntityManager, jobs: ScheduledJob[], now: Date) => Promise<void>;

/** Something else to do on every tick (the outbox dispatcher, the delivery worker). */
export type TickTask = (now: Date) => Promise<unknown>;

const MAX_ATTEMPTS = 8;
/** The first batch of each kind in a tick (then doubling up to the configured batch size). */
const FIRST_BATCH = 5;

/**
 * Fires due jobs: claim + handler effect + completion commit together in one transaction.
 * Kinds with a batch handler (routing, SLA checks) are claimed and fired up to `batchSize` per
 * transaction; if a batch fails, its jobs are fired again one per transaction, so one bad job
 * cannot hold back the others and each failure is counted on its own job. A timer loop runs in
 * every server process (several processes are safe); tests call `tick()`.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobRunner.name);
  private readonly handlers = new Map<string, JobHandler>();
  private readonly batchHandlers = new Map<string, BatchJobHandler>();
  private readonly drains = new Map<string, { running: Promise<number> | null; next: Promise<number> | null }>();
  private readonly tasks: Array<{ name: string; run: TickTask; beforeJobs: boolean }> = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  readonly owner = `${hostname()}:${process.pid}`;
  /**
   * Jobs of a batched kind claimed and fired per transaction (LINLI_WORKER_BATCH_SIZE, 25).
   * Small enough that a transaction stays short and that several processes share a burst of
   * due jobs (each claims its own batch past the others' locked rows); large enough that the
   * per-batch statements (claim, reads, one INSERT per table) cost little per job. Measured in
   * docs/benchmarks.md (SLA tick).
   */
  private readonly batchSize: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JobsRepository) private readonly jobs: JobsRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(WriteLock) private readonly lock: WriteLock,
    @Optional() @Inject(Metrics) private readonly metrics?: Metrics,
  ) {
    this.batchSize = config.workers.batchSize;
  }

  register(kind: string, handler: JobHandler): void {
    if (this.handlers.has(kind)) throw new Error(`job handler for ${kind} registered twice`);
    this.handlers.set(kind, handler);
  }

  /** A batch form for a kind that also has a single-job handler (used when a batch fails). */
  registerBatch(kind: string, handler: BatchJobHandler): void {
    if (!this.handlers.has(kind)) throw new Error(`register the single-job handler of ${kind} first`);
    if (this.batchHandlers.has(kind)) throw new Error(`batch handler for ${kind} registered twice`);
    this.batchHandlers.set(kind, handler);
  }

  /**
   * `beforeJobs`: run at the start of the tick instead of after the jobs, for a task that queues
   * jobs the same tick should fire (the rollup sweep queues the jobs of new marks).
   */
  addTickTask(name: string, run: TickTask, options: { beforeJobs?: boolean } = {}): void {
    this.tasks.push({ name, run, beforeJobs: options.beforeJobs ?? false });
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
    await this.runTasks(true);
    let fired = 0;
    // Batches start small and double while they come back full (up to batchSize): the first
    // due jobs of a burst commit (and notify) after a few statements, a long backlog still
    // goes at full batches, and several processes share a short burst.
    const sizes = new Map([...this.batchHandlers.keys()].map((kind) => [kind, Math.min(FIRST_BATCH, this.batchSize)]));
    while (fired < limit) {
      let progressed = 0;
      for (const [kind, size] of sizes) {
        const want = Math.min(size, limit - fired - progressed);
        const n = await this.lock.run(() => this.fireBatch(kind, want));
        if (n >= want) sizes.set(kind, Math.min(size * 2, this.batchSize));
        progressed += n;
      }
      // The other kinds one at a time (the batched kinds were just drained above).
      if (
        fired + progressed < limit &&
        (await this.lock.run(() => this.fireOne(undefined, [...this.batchHandlers.keys()])))
      )
        progressed++;
      if (!progressed) break;
      fired += progressed;
    }
    await this.runTasks(false);
    return fired;
  }

  private async runTasks(beforeJobs: boolean): Promise<void> {
    for (const task of this.tasks) {
      if (task.beforeJobs !== beforeJobs) continue;
      try {
        await this.lock.run(() => task.run(this.clock.now()));
      } catch (e) {
        this.logger.error(`${task.name} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /** Fire one due job (a specific one when `id` is given); false when none was due. */
  runOne(id?: number): Promise<boolean> {
    return this.lock.run(() => this.fireOne(id));
  }

  /**
   * Fire the due jobs of a batched kind now, e.g. right after a request queued one. Calls that
   * arrive while a batch runs share the next batch (like a group commit), so under load many
   * orders are routed per transaction. Resolves with the jobs fired by the batch it joined.
   */
  drain(kind: string): Promise<number> {
    let state = this.drains.get(kind);
    if (!state) this.drains.set(kind, (state = { running: null, next: null }));
    const st = state;
    const start = (): Promise<number> =>
      (st.running = this.lock
        .run(() => this.fireBatch(kind, this.batchSize))
        .finally(() => {
          st.running = null;
        }));
    if (!st.running) return start();
    if (!st.next) {
      st.next = st.running
        .catch(() => 0)
        .then(() => {
          st.next = null;
          return st.running ?? start();
        });
    }
    return st.next;
  }

  /** Claim and fire up to `limit` due jobs of `kind` in one transaction; returns how many fired. */
  private async fireBatch(kind: string, limit: number): Promise<number> {
    const handler = this.batchHandlers.get(kind);
    if (!handler || limit <= 0) return 0;
    const now = this.clock.now();
    let claimed: ScheduledJob[] = [];
    try {
      await this.jobs.transaction(async (em) => {
        claimed = await this.jobs.claimDueBatch(em, kind, now, this.owner, limit);
        if (claimed.length) await handler(em, claimed, now);
      });
    } catch (e) {
      if (!claimed.length) throw e;
      const message = e instanceof Error ? e.message : String(e);
      if (claimed.length === 1) {
        this.logger.warn(`job ${claimed[0].id} (${kind}) failed: ${message}`);
        this.metrics?.jobFailed(kind);
        await this.jobs.recordFailure(claimed[0].id, message, now, MAX_ATTEMPTS);
        return 1;
      }
      this.logger.warn(`batch of ${claimed.length} ${kind} jobs failed (${message}); firing them one by one`);
      for (const job of claimed) await this.fireOne(job.id);
    }
    return claimed.length;
  }

  private async fireOne(id?: number, exceptKinds: string[] = []): Promise<boolean> {
    const now = this.clock.now();
    let claimed: ScheduledJob | null = null;
    try {
      await this.jobs.transaction(async (em) => {
        claimed = await this.jobs.claimDue(em, now, this.owner, id, exceptKinds);
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
      this.metrics?.jobFailed(job.kind);
      await this.jobs.recordFailure(job.id, message, now, MAX_ATTEMPTS);
    }
    return claimed !== null;
  }
}
