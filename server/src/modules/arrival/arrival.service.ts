import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  arrivalBasisText,
  AWAITING_VISIT_STATUSES,
  estimateQueue,
  expectsArrival,
  onSiteStats,
  stagePromises,
  type ArrivalEstimate,
  type ArrivalView,
  type GeoPoint,
  type OnSiteMinutes,
  type Priority,
  type QueueJob,
  type SlaStage,
  type StagePromiseView,
  type WorkOrderKind,
  type WorkOrderStatus,
} from '@linli/shared';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { ReadCache } from '../../common/read-cache.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { PlacesRepository } from '../places/places.repository.js';
import { SlaService } from '../sla/sla.service.js';
import { TechnicianPositions } from '../staff/technician-positions.js';
import type { WorkOrder } from '../work-orders/work-order-lifecycle.js';
import { WorkOrdersRepository, type QueueJobRow } from '../work-orders/work-orders.repository.js';
import { WorkOrdersService } from '../work-orders/work-orders.service.js';

/** How long a company's on-site durations are kept before they are read again (none when LINLI_CONFIG_CACHE_MS is 0). */
export const ON_SITE_HISTORY_TTL_MS = 5 * 60_000;
/** The history covers the finished repairs of this many days, at most ON_SITE_HISTORY_ROWS of them. */
export const ON_SITE_HISTORY_DAYS = 90;
export const ON_SITE_HISTORY_ROWS = 5000;

/** Open orders that take a technician's time: the ones waiting for a visit and the ones on site or paused. */
const QUEUE_STATUSES: readonly WorkOrderStatus[] = [...AWAITING_VISIT_STATUSES, 'in_progress', 'paused', 'quoted'];

const NO_PLACE: GeoPoint = { latitude: null, longitude: null };

/**
 * The technician's arrival for a resident, recomputed on every read from the queue as it is
 * now (shared/src/eta.ts; docs/arrival.md), and the stage promises of an order. Nothing is
 * stored. One estimate reads, whatever the number of orders: the technicians' open orders (one
 * query), their positions (staff/technician-positions.ts), the places' buildings and
 * communities, and the company's on-site durations (cached for ON_SITE_HISTORY_TTL_MS).
 */
@Injectable()
export class ArrivalService implements OnModuleInit {
  private readonly history: ReadCache<number, Map<string, OnSiteMinutes>>;

  constructor(
    @Inject(WorkOrdersRepository) private readonly orders: WorkOrdersRepository,
    @Inject(WorkOrdersService) private readonly workOrders: WorkOrdersService,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(TechnicianPositions) private readonly positions: TechnicianPositions,
    @Inject(SlaService) private readonly sla: SlaService,
    @Inject(Clock) private readonly clock: Clock,
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    // Off where configuration caching is off (test mode: tests write history rows directly).
    this.history = new ReadCache(config.configCacheMs > 0 ? ON_SITE_HISTORY_TTL_MS : 0, 1000);
  }

  onModuleInit(): void {
    // Residents' answers only: the staff pages and the console show neither, and a technician's
    // transition answer would pay the queue, position and history reads for nothing.
    this.workOrders.addDetailPart(async (actor, order) => {
      if (actor.role !== 'resident') return {};
      const now = this.clock.now();
      const [arrival, promises] = await Promise.all([this.arrivalOf(order, now), this.promisesOf(order, now)]);
      return { arrival, promises };
    });
  }

  /** The arrival window of one order, or null (nobody assigned yet, visited, not a repair). */
  async arrivalOf(
    order: Pick<WorkOrder, 'id' | 'kind' | 'status' | 'assigneeId' | 'companyId'>,
    now: Date,
    em: EntityManager = this.ds.manager,
  ): Promise<ArrivalView | null> {
    const target = {
      id: order.id,
      kind: order.kind as WorkOrderKind,
      status: order.status as WorkOrderStatus,
      assigneeId: order.assigneeId,
    };
    if (!expectsArrival(target)) return null;
    const estimates = await this.estimateTechnicians(order.companyId, [order.assigneeId!], now, em);
    const e = estimates.get(order.id);
    return e ? viewOf(e) : null;
  }

  /**
   * The arrival windows of a community's whole open backlog in one pass (order id -> window;
   * orders without one are absent): every open order of the technicians who hold a waiting repair
   * of the community (their queues reach into other communities) in one query, then their
   * positions, the places and the history, each read once.
   */
  async arrivalsOfCommunity(
    companyId: number,
    communityId: number,
    now: Date,
    em: EntityManager = this.ds.manager,
  ): Promise<Map<number, ArrivalView>> {
    const rows = await this.orders.queueJobsOfCommunity(
      companyId,
      communityId,
      QUEUE_STATUSES,
      AWAITING_VISIT_STATUSES,
      em,
    );
    const estimates = await this.estimateJobs(companyId, rows, now, em);
    const out = new Map<number, ArrivalView>();
    for (const r of rows) {
      const e = r.communityId === communityId ? estimates.get(r.id) : undefined;
      if (e) out.set(r.id, viewOf(e));
    }
    return out;
  }

  /** Every waiting repair of these technicians: their queues, positions, places and history, read once each. */
  private async estimateTechnicians(
    companyId: number,
    technicianIds: number[],
    now: Date,
    em: EntityManager,
  ): Promise<Map<number, ArrivalEstimate>> {
    if (!technicianIds.length) return new Map();
    return this.estimateJobs(
      companyId,
      await this.orders.queueJobsOf(companyId, technicianIds, QUEUE_STATUSES, em),
      now,
      em,
    );
  }

  /** The windows of the waiting repairs among `rows` (every open order of their technicians). */
  private async estimateJobs(
    companyId: number,
    rows: QueueJobRow[],
    now: Date,
    em: EntityManager,
  ): Promise<Map<number, ArrivalEstimate>> {
    const out = new Map<number, ArrivalEstimate>();
    const technicianIds = [...new Set(rows.map((r) => r.assigneeId!))];
    if (!technicianIds.length) return out;
    // Only repairs take the technician to a door; complaints and suggestions are answered elsewhere.
    const jobs = rows.filter((r) => r.kind === 'repair');
    const [positions, history, placeOf] = await Promise.all([
      this.positions.positionsOf(em, companyId, technicianIds, now),
      this.historyOf(companyId),
      this.placesOf(jobs, em),
    ]);
    const queues = new Map<number, QueueJob[]>();
    for (const r of jobs) {
      const job: QueueJob = {
        id: r.id,
        priority: r.priority as Priority,
        dueAt: r.slaDueAt ? r.slaDueAt.getTime() : null,
        status: r.status as WorkOrderStatus,
        category: r.category,
        place: placeOf.get(r.id) ?? NO_PLACE,
        arrivedAt: r.arrivedAt ? r.arrivedAt.getTime() : null,
        visitFrom: r.visitFrom ? r.visitFrom.getTime() : null,
      };
      const list = queues.get(r.assigneeId!);
      if (list) list.push(job);
      else queues.set(r.assigneeId!, [job]);
    }
    for (const [userId, queue] of queues) {
      const position = positions.get(userId) ?? null;
      for (const [id, e] of estimateQueue({ position, jobs: queue }, now.getTime(), history)) out.set(id, e);
    }
    return out;
  }

  /**
   * Where each job is: its building's coordinates, else its community's (job id -> point),
   * kept by the places module for LINLI_CONFIG_CACHE_MS (an admin's new coordinates reach
   * estimates at once in this process, within that time in others).
   */
  private placesOf(jobs: QueueJobRow[], em: EntityManager): Promise<Map<number, GeoPoint>> {
    return this.places.pointsOfPlaces(jobs, em);
  }

  /** The company's on-site durations per category (finished repairs of the last 90 days), cached. */
  private historyOf(companyId: number): Promise<Map<string, OnSiteMinutes>> {
    return this.history.get(companyId, async () => {
      const since = new Date(this.clock.now().getTime() - ON_SITE_HISTORY_DAYS * 86_400_000);
      return onSiteStats(await this.orders.onSiteSamples(companyId, since, ON_SITE_HISTORY_ROWS));
    });
  }

  /** The order's stage promises (current cycle) and whether each was kept. */
  async promisesOf(
    order: Pick<WorkOrder, 'id' | 'visitTo' | 'arrivedAt'>,
    now: Date,
    em: EntityManager = this.ds.manager,
  ): Promise<StagePromiseView[]> {
    const clocks = await this.sla.clocksOf(em, order.id);
    const ms = (d: Date | null) => (d ? d.getTime() : null);
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    return stagePromises(
      clocks.map((c) => ({
        cycle: c.cycle,
        stage: c.stage as SlaStage,
        status: c.status,
        dueAt: c.dueAt.getTime(),
        stoppedAt: ms(c.stoppedAt),
      })),
      { visitTo: ms(order.visitTo), arrivedAt: ms(order.arrivedAt) },
      now.getTime(),
    ).map((p) => ({ ...p, promisedAt: iso(p.promisedAt), doneAt: iso(p.doneAt) }));
  }
}

function viewOf(e: ArrivalEstimate): ArrivalView {
  return {
    earliestAt: new Date(e.earliestAt).toISOString(),
    latestAt: new Date(e.latestAt).toISOString(),
    basis: arrivalBasisText(e),
    ahead: e.ahead,
  };
}
