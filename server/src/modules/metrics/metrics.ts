import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Clock } from '../../common/clock.js';
import { JobsRepository } from '../jobs/jobs.repository.js';
import { NotificationsRepository } from '../notifications/notifications.repository.js';
import { RollupQueue } from '../satisfaction/rollup-queue.js';

/** The outside services Linli calls (there is no payment integration yet; it would count as `payment`). */
export type ExternalService = 'wechat' | 'sms';

/** What the backlog gauges show, read from the owning modules' repositories once per scrape. */
interface Backlog {
  jobs: Awaited<ReturnType<JobsRepository['backlog']>>;
  notifications: Awaited<ReturnType<NotificationsRepository['backlog']>>;
  rollups: Awaited<ReturnType<RollupQueue['backlog']>>;
}

const ageSeconds = (now: Date, since: Date | null) =>
  since ? Math.max(0, (now.getTime() - since.getTime()) / 1000) : 0;

/**
 * The Prometheus registry of one app instance (tests run several in one process, so not the
 * global one): HTTP durations by route pattern, outside-call errors, job failures, Node's
 * process metrics, and backlog gauges (due jobs, outbox, deliveries, rollups) computed when
 * scraped with a few indexed queries, never per request. docs/operations.md lists them.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly externalErrors: Counter<'service' | 'operation' | 'kind'>;
  private readonly jobFailures: Counter<'kind'>;
  private readonly dashboardReads: Counter<'from' | 'fallback'>;
  private readonly replicaLag: Gauge;
  /** The backlog read for the scrape under way, shared by its gauges (one set of queries per scrape). */
  private snapshot: Promise<{ value: Backlog | null; now: Date }> | null = null;

  constructor(
    @Inject(ModuleRef) private readonly modules: ModuleRef,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'linli_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern (unmatched for no route) and status, from arrival to the last byte',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.externalErrors = new Counter({
      name: 'linli_external_call_errors_total',
      help: 'Failed calls to outside services (wechat, sms) by operation and error kind',
      labelNames: ['service', 'operation', 'kind'],
      registers,
    });
    this.jobFailures = new Counter({
      name: 'linli_job_failures_total',
      help: 'Scheduled job attempts that failed (rolled back, retried later or given up) in this process, by kind',
      labelNames: ['kind'],
      registers,
    });
    this.dashboardReads = new Counter({
      name: 'linli_dashboard_reads_total',
      help: 'Dashboard and export reads (database/replica-reader.ts) by where they ran (primary, replica) and why not on a replica (none, replica_down, replica_stopped, replica_lagging)',
      labelNames: ['from', 'fallback'],
      registers,
    });
    this.replicaLag = new Gauge({
      name: 'linli_replica_lag_seconds',
      help: "Seconds_Behind_Master of the replica at this process's last status check (NaN: stopped or never checked)",
      registers,
    });
    this.replicaLag.set(Number.NaN);
    const backlog = () => (this.snapshot ??= this.readSnapshot());
    const gauge = (name: string, help: string, read: (b: Backlog, now: Date) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect: async function (this: Gauge) {
          const { value, now } = await backlog();
          if (value) this.set(read(value, now));
          else this.set(Number.NaN);
        },
      });
    new Gauge({
      name: 'linli_backlog_up',
      help: '1 when the backlog gauges below could be read from the database at this scrape, 0 when not',
      registers,
      collect: async function (this: Gauge) {
        this.set((await backlog()).value ? 1 : 0);
      },
    });
    gauge('linli_jobs_due', 'Pending scheduled jobs whose due time has passed', (b) => b.jobs.due);
    gauge(
      'linli_jobs_oldest_due_age_seconds',
      'How long the oldest due scheduled job has been waiting (0 when none is due)',
      (b, now) => ageSeconds(now, b.jobs.oldestDueAt),
    );
    gauge(
      'linli_jobs_failed',
      'Scheduled jobs that gave up after their last attempt (status failed)',
      (b) => b.jobs.failed,
    );
    gauge(
      'linli_outbox_pending',
      'Outbox events not yet dispatched into notifications',
      (b) => b.notifications.outboxPending,
    );
    gauge(
      'linli_outbox_oldest_pending_age_seconds',
      'Age of the oldest undispatched outbox event (0 when none)',
      (b, now) => ageSeconds(now, b.notifications.outboxOldestAt),
    );
    gauge('linli_outbox_failed', 'Outbox events that gave up (status failed)', (b) => b.notifications.outboxFailed);
    gauge('linli_deliveries_due', 'WeChat/SMS deliveries due for an attempt', (b) => b.notifications.deliveriesDue);
    gauge(
      'linli_deliveries_oldest_due_age_seconds',
      'How long the oldest due WeChat/SMS delivery has been waiting (0 when none)',
      (b, now) => ageSeconds(now, b.notifications.deliveriesOldestDueAt),
    );
    gauge(
      'linli_rollup_dirty_partitions',
      'Satisfaction rollup partitions (community, day) waiting to be recomputed',
      (b) => b.rollups.dirtyPartitions,
    );
    gauge(
      'linli_rollup_oldest_pending_age_seconds',
      'How long the oldest pending rollup job has been due (0 when none): how stale the scores can be',
      (b, now) => ageSeconds(now, b.rollups.oldestDueAt),
    );
  }

  /** A failed call to an outside service; `kind` is e.g. WeChat's error kind (unavailable, busy, config). */
  externalCallFailed(service: ExternalService, operation: string, kind: string): void {
    this.externalErrors.inc({ service, operation, kind });
  }

  jobFailed(kind: string): void {
    this.jobFailures.inc({ kind });
  }

  /** A read through ReplicaReader: where it ran, and why not on a replica (null: it did, or none is configured). */
  dashboardRead(from: 'primary' | 'replica', fallback: string | null): void {
    this.dashboardReads.inc({ from, fallback: fallback ?? 'none' });
  }

  /** A replica's lag at a status check; null when its replication is stopped. */
  replicaLagSeen(seconds: number | null): void {
    this.replicaLag.set(seconds ?? Number.NaN);
  }

  /** Express middleware: observe every request's duration once the response is sent. */
  httpMiddleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const end = this.httpDuration.startTimer();
      res.once('finish', () => {
        // Set by the router once a route matched: its pattern, never the raw URL (bounded labels).
        // No route, or Nest's catch-all 404 route (`/api*path`): unmatched.
        const pattern = (req.route as { path?: unknown } | undefined)?.path;
        const route = typeof pattern === 'string' && !pattern.includes('*') ? `${req.baseUrl}${pattern}` : 'unmatched';
        end({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    };
  }

  /** The text exposition of every metric; the backlog gauges read the database once for it. */
  async scrape(): Promise<string> {
    this.snapshot = null;
    try {
      return await this.registry.metrics();
    } finally {
      this.snapshot = null;
    }
  }

  /** The backlog now, or null when the database did not answer. */
  private async readSnapshot(): Promise<{ value: Backlog | null; now: Date }> {
    const now = this.clock.now();
    return { value: await this.readBacklog(now).catch(() => null), now };
  }

  /**
   * A few indexed counts and one-row reads per owner (docs/operations.md). Looked up when first
   * scraped: the owners' modules depend on this one (they count into it), not the other way.
   */
  private async readBacklog(now: Date): Promise<Backlog> {
    const get = <T>(token: new (...args: never[]) => T) => this.modules.get(token, { strict: false });
    return {
      jobs: await get(JobsRepository).backlog(now),
      notifications: await get(NotificationsRepository).backlog(now),
      rollups: await get(RollupQueue).backlog(),
    };
  }
}
