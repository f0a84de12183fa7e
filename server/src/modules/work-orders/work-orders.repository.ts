import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  chinaDay,
  duplicateWindowStart,
  findDuplicateOf,
  formatOrderNo,
  OPEN_STATUSES,
  PINNED_PRIORITIES,
  isRepeatableKind,
  REPEATABLE_KINDS,
  repeatPlace,
  repeatWindowStart,
  SLA_STATE_LEVEL,
  type SlaState,
} from '@linli/shared';
import { Brackets, DataSource, type EntityManager, In, type SelectQueryBuilder } from 'typeorm';
import { LIVE_SLA_LEVEL_SQL } from '../sla/sla-sql.js';
import { escapeLike, transactionWithRetry, LIKE_ESCAPE } from '../../common/db-errors.js';
import { deferInsert } from '../../common/write-batch.js';
import type { Community } from '../places/places.repository.js';
import { IdempotencyRecord, WorkOrder, WorkOrderEvent } from './work-order.entities.js';
import { WorkOrderReporter } from './shared-fault.entities.js';

/** The pinned rank of an order's priority in SQL: P1 0, P2 1, everything else after them. */
const PINNED_RANK_SQL = `CASE wo.priority ${PINNED_PRIORITIES.map((p, i) => `WHEN '${p}' THEN ${i}`).join(' ')} ELSE ${PINNED_PRIORITIES.length} END`;

/** An open order as arrival estimates read it (`queueJobsOf`, `openJobsOfCommunity`). */
export type QueueJobRow = Pick<
  WorkOrder,
  | 'id'
  | 'kind'
  | 'status'
  | 'priority'
  | 'category'
  | 'assigneeId'
  | 'communityId'
  | 'houseId'
  | 'publicAreaId'
  | 'slaDueAt'
  | 'arrivedAt'
  | 'visitFrom'
>;

const QUEUE_JOB_COLUMNS = {
  id: true,
  kind: true,
  status: true,
  priority: true,
  category: true,
  assigneeId: true,
  communityId: true,
  houseId: true,
  publicAreaId: true,
  slaDueAt: true,
  arrivedAt: true,
  visitFrom: true,
} as const;

/** An order's visibility columns with its status and version (`liveFacts`). */
export type LiveOrderFacts = Pick<
  WorkOrder,
  'id' | 'companyId' | 'communityId' | 'houseId' | 'reporterId' | 'createdById' | 'assigneeId' | 'status' | 'version'
>;

/** Which orders an actor may see, resolved to ids the query can use. */
export type OrderScope =
  | { kind: 'resident'; userId: number; houseIds: number[] }
  | { kind: 'technician'; userId: number; companyId: number; communityIds: number[] }
  | { kind: 'staff'; companyId: number; communityIds: number[] }
  | { kind: 'company'; companyId: number };

export interface OrderFilters {
  status?: string[];
  priority?: string[];
  category?: string;
  kind?: string;
  communityId?: number;
  houseId?: number;
  assigneeId?: number;
  q?: string;
  from?: Date;
  to?: Date;
  sort?: 'created' | 'sla';
  /** ok | warning | critical | breached: the highest escalation level of the order's live clocks. */
  slaState?: string[];
  /** 50 or 75: at least that escalation threshold reached on a live clock. */
  atRisk?: number;
}

@Injectable()
export class WorkOrdersRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** SQLite: one writer for the whole file (MySQL/MariaDB lock rows). */
  get locksWholeDatabase(): boolean {
    return this.ds.options.type !== 'mariadb' && this.ds.options.type !== 'mysql';
  }

  /** A transaction, retried a few times when the database picks it as a deadlock victim. */
  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return transactionWithRetry(this.ds, work);
  }

  /**
   * Next human-readable number for a community and China day, in one statement: the upsert
   * takes the sequence row's write lock (held until commit, so take it late in the creating
   * transaction) and hands back the new value (MySQL: LAST_INSERT_ID(expr), which the driver
   * returns as insertId; SQLite: RETURNING). A rolled-back create gives its number back.
   */
  async nextOrderNo(em: EntityManager, community: Community, at: Date): Promise<string> {
    const day = chinaDay(at);
    let seq: number;
    if (!this.locksWholeDatabase) {
      const res: { insertId: number } = await em.query(
        'INSERT INTO order_sequence (communityId, day, lastSeq) VALUES (?, ?, LAST_INSERT_ID(1)) ' +
          'ON DUPLICATE KEY UPDATE lastSeq = LAST_INSERT_ID(lastSeq + 1)',
        [community.id, day],
      );
      seq = Number(res.insertId);
    } else {
      const rows: Array<{ lastSeq: number }> = await em.query(
        'INSERT INTO order_sequence (communityId, day, lastSeq) VALUES (?, ?, 1) ' +
          'ON CONFLICT (communityId, day) DO UPDATE SET lastSeq = lastSeq + 1 RETURNING lastSeq',
        [community.id, day],
      );
      seq = Number(rows[0]?.lastSeq);
    }
    if (!Number.isSafeInteger(seq) || seq < 1) throw new Error(`order sequence for ${community.id}/${day} gave ${seq}`);
    return formatOrderNo(community.code, day, seq);
  }

  insertOrder(em: EntityManager, data: Partial<WorkOrder>): Promise<WorkOrder> {
    return em.save(em.create(WorkOrder, data));
  }

  /**
   * A timeline event, written with the transaction's other deferred inserts (write-batch.ts).
   * Returns the row, which has its id once written (before the commit).
   */
  async insertEvent(em: EntityManager, data: Omit<WorkOrderEvent, 'id' | 'photoIds'> & { photoIds?: number[] }) {
    const row: Omit<WorkOrderEvent, 'id'> = { ...data, photoIds: data.photoIds ?? [] };
    await deferInsert<WorkOrderEvent>(em, WorkOrderEvent, row);
    return row as WorkOrderEvent;
  }

  /**
   * The conditional update every transition goes through: it changes the row only if the
   * version is still the one read, so of two racing actions exactly one wins.
   */
  async updateIfVersion(em: EntityManager, id: number, version: number, patch: Partial<WorkOrder>): Promise<boolean> {
    const res = await em
      .createQueryBuilder()
      .update(WorkOrder)
      .set({ ...patch, version: version + 1 })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    return (res.affected ?? 0) === 1;
  }

  findById(id: number, em: EntityManager = this.ds.manager) {
    return em.findOneBy(WorkOrder, { id });
  }

  /** Orders the technician completed in [start, end). */
  countCompletedBy(userId: number, start: Date, end: Date): Promise<number> {
    return this.ds
      .getRepository(WorkOrder)
      .createQueryBuilder('wo')
      .where('wo.completedById = :me AND wo.completedAt >= :start AND wo.completedAt < :end', {
        me: userId,
        start,
        end,
      })
      .getCount();
  }

  /** How many orders in these statuses each of these users has assigned (absent: none). */
  async countsByAssignee(
    userIds: number[],
    statuses: readonly string[],
    em: EntityManager = this.ds.manager,
  ): Promise<Map<number, number>> {
    if (!userIds.length) return new Map();
    const rows = await em
      .createQueryBuilder(WorkOrder, 'wo')
      .select('wo.assigneeId', 'userId')
      .addSelect('COUNT(*)', 'n')
      .where('wo.assigneeId IN (:...ids)', { ids: userIds })
      .andWhere('wo.status IN (:...held)', { held: [...statuses] })
      .groupBy('wo.assigneeId')
      .getRawMany<{ userId: number | string; n: number | string }>();
    return new Map(rows.map((r) => [Number(r.userId), Number(r.n)]));
  }

  /**
   * The orders of the company these users hold in one of `statuses` (their current jobs): the
   * place and what ranks them (staff/technician-positions.ts). One query.
   */
  heldPlacesOf(
    companyId: number,
    userIds: number[],
    statuses: readonly string[],
    em: EntityManager = this.ds.manager,
  ): Promise<
    Array<Pick<WorkOrder, 'id' | 'assigneeId' | 'communityId' | 'houseId' | 'publicAreaId' | 'status' | 'updatedAt'>>
  > {
    if (!userIds.length) return Promise.resolve([]);
    return em.find(WorkOrder, {
      select: {
        id: true,
        assigneeId: true,
        communityId: true,
        houseId: true,
        publicAreaId: true,
        status: true,
        updatedAt: true,
      },
      where: { companyId, assigneeId: In(userIds), status: In([...statuses]) },
    });
  }

  /** A value as the driver stores it in a work_order column (a raw query's parameter: SQLite keeps dates as text). */
  private columnValue(em: EntityManager, property: keyof WorkOrder, value: unknown): unknown {
    const column = em.connection.getMetadata(WorkOrder).findColumnWithPropertyName(property);
    return column ? em.connection.driver.preparePersistentValue(value, column) : value;
  }

  /**
   * The place of the order each of these users completed last (completer id -> order), in one
   * query: the newest completion per completer.
   */
  async lastCompletedPlacesOf(
    companyId: number,
    userIds: number[],
    since: Date,
    em: EntityManager = this.ds.manager,
  ): Promise<Map<number, Pick<WorkOrder, 'id' | 'communityId' | 'houseId' | 'publicAreaId'>>> {
    if (!userIds.length) return new Map();
    // Unquoted identifiers and `?` placeholders read the same in SQLite and MariaDB.
    const rows: Array<{
      id: number | string;
      completedById: number | string;
      communityId: number | string;
      houseId: number | string | null;
      publicAreaId: number | string | null;
    }> = await em.query(
      `SELECT id, completedById, communityId, houseId, publicAreaId FROM (
         SELECT id, completedById, communityId, houseId, publicAreaId,
                ROW_NUMBER() OVER (PARTITION BY completedById ORDER BY completedAt DESC, id DESC) AS rn
         FROM work_order
         WHERE companyId = ? AND completedAt >= ? AND completedById IN (${userIds.map(() => '?').join(', ')})
       ) latest WHERE rn = 1`,
      [companyId, this.columnValue(em, 'completedAt', since), ...userIds],
    );
    const num = (v: number | string | null) => (v === null ? null : Number(v));
    return new Map(
      rows.map((r) => [
        Number(r.completedById),
        {
          id: Number(r.id),
          communityId: Number(r.communityId),
          houseId: num(r.houseId),
          publicAreaId: num(r.publicAreaId),
        },
      ]),
    );
  }

  /** Orders assigned to the technician in one of these statuses. */
  countAssignedTo(userId: number, statuses: readonly string[]): Promise<number> {
    return this.ds.getRepository(WorkOrder).countBy({ assigneeId: userId, status: In([...statuses]) });
  }

  /** What the live notices need of committed orders: who may see them, status and version. */
  liveFacts(ids: number[]): Promise<LiveOrderFacts[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return Promise.resolve([]);
    return this.ds.getRepository(WorkOrder).find({
      select: {
        id: true,
        companyId: true,
        communityId: true,
        houseId: true,
        reporterId: true,
        createdById: true,
        assigneeId: true,
        status: true,
        version: true,
      },
      where: { id: In(unique) },
    });
  }

  /** The residents who joined each of these orders (not their first reporter), by order id. */
  async coReportersOf(ids: number[], em: EntityManager = this.ds.manager): Promise<Map<number, number[]>> {
    const out = new Map<number, number[]>();
    if (!ids.length) return out;
    const rows = await em
      .getRepository(WorkOrderReporter)
      .find({ select: { workOrderId: true, userId: true }, where: { workOrderId: In(ids) }, order: { id: 'ASC' } });
    for (const r of rows) out.set(r.workOrderId, [...(out.get(r.workOrderId) ?? []), r.userId]);
    return out;
  }

  findByIds(ids: number[], em: EntityManager = this.ds.manager): Promise<WorkOrder[]> {
    const unique = [...new Set(ids)];
    return unique.length ? em.findBy(WorkOrder, { id: In(unique) }) : Promise.resolve([]);
  }

  /** Where routing stands when it decided without assigning (waiting, manual): no version bump. */
  /** Routing parked these orders (no technician free, or the desk decides): one statement for all. */
  async setRoutingState(em: EntityManager, ids: number[], routingState: 'waiting' | 'manual', at: Date): Promise<void> {
    if (!ids.length) return;
    await em
      .createQueryBuilder()
      .update(WorkOrder)
      .set({ routingState, updatedAt: at })
      .where('id IN (:...ids)', { ids })
      .execute();
  }

  /** The nearest deadline of the order's running SLA clocks (null when none), kept by the SLA module. */
  async setSlaDue(em: EntityManager, id: number, slaDueAt: Date | null): Promise<void> {
    await em.update(WorkOrder, { id }, { slaDueAt });
  }

  /**
   * The latest closed order the new one repeats: same company, place and category, of a
   * repeatable kind, closed within the repeat window before it (rule: shared/src/repeat.ts).
   */
  async findRepeatedOrder(
    em: EntityManager,
    order: Pick<WorkOrder, 'kind' | 'companyId' | 'category' | 'houseId' | 'publicAreaId' | 'createdAt'>,
  ): Promise<number | null> {
    const place = repeatPlace(order);
    if (!isRepeatableKind(order.kind) || !place) return null;
    // Run before the new order is written, so it cannot find itself.
    const qb = em
      .createQueryBuilder(WorkOrder, 'wo')
      .select('wo.id', 'id')
      .where('wo.companyId = :companyId', { companyId: order.companyId })
      .andWhere('wo.category = :category', { category: order.category })
      .andWhere('wo.kind IN (:...kinds)', { kinds: REPEATABLE_KINDS })
      .andWhere('wo.status = :closed', { closed: 'closed' })
      .andWhere('wo.closedAt >= :since AND wo.closedAt <= :until', {
        since: repeatWindowStart(order.createdAt),
        until: order.createdAt,
      });
    if (place.houseId !== null) qb.andWhere('wo.houseId = :houseId', { houseId: place.houseId });
    else qb.andWhere('wo.publicAreaId = :areaId', { areaId: place.publicAreaId });
    const prior = await qb
      .orderBy('wo.closedAt', 'DESC')
      .addOrderBy('wo.id', 'DESC')
      .limit(1)
      .getRawOne<{ id: number }>();
    return prior ? Number(prior.id) : null;
  }

  /**
   * The open order a new one duplicates (rule: shared/src/abuse-limits.ts), or null: one indexed
   * read of the same house and category (`houseId, category`), or for a public area of the same
   * reporter (`reporterId`) or, without one, the same creator; the texts compare in JS.
   * `onlyOf`: just orders that user filed or holds (a technician sees no others). `lock`: a
   * locking read, which sees what concurrent creates committed (MariaDB, under the community's
   * order-number lock).
   */
  async findDuplicateOrder(
    order: Pick<
      WorkOrder,
      'companyId' | 'houseId' | 'publicAreaId' | 'reporterId' | 'createdById' | 'category' | 'description' | 'createdAt'
    >,
    opts: { onlyOf?: number; lock?: boolean } = {},
    em: EntityManager = this.ds.manager,
  ): Promise<number | null> {
    const qb = em
      .createQueryBuilder(WorkOrder, 'wo')
      .select(['wo.id', 'wo.status', 'wo.category', 'wo.description', 'wo.createdAt'])
      .where('wo.companyId = :companyId', { companyId: order.companyId })
      .andWhere('wo.category = :category', { category: order.category })
      .andWhere('wo.createdAt >= :since', { since: duplicateWindowStart(order.createdAt) })
      .andWhere('wo.status IN (:...open)', { open: OPEN_STATUSES });
    if (order.houseId !== null) qb.andWhere('wo.houseId = :houseId', { houseId: order.houseId });
    else {
      qb.andWhere('wo.publicAreaId = :areaId', { areaId: order.publicAreaId });
      if (order.reporterId !== null) qb.andWhere('wo.reporterId = :reporterId', { reporterId: order.reporterId });
      else qb.andWhere('wo.reporterId IS NULL AND wo.createdById = :creator', { creator: order.createdById });
    }
    if (opts.onlyOf !== undefined) {
      qb.andWhere('(wo.createdById = :onlyOf OR wo.assigneeId = :onlyOf)', { onlyOf: opts.onlyOf });
    }
    if (opts.lock) qb.setLock('pessimistic_read');
    const candidates = await qb.orderBy('wo.id', 'DESC').limit(20).getMany();
    return findDuplicateOf(order, candidates);
  }

  /** The company's orders that routing could not place yet, oldest first (the re-match backlog). */
  findWaiting(em: EntityManager, companyId: number, statuses: readonly string[], limit: number): Promise<WorkOrder[]> {
    return em.find(WorkOrder, {
      where: { companyId, status: In([...statuses]), routingState: 'waiting' },
      order: { createdAt: 'ASC' },
      take: limit,
    });
  }

  /**
   * The re-match backlog of some communities (docs/routing.md "Re-match on demand"): orders
   * waiting for a technician (`waiting` routing state in `waiting` statuses) or in `movable`
   * statuses, oldest first.
   */
  findRematchBacklog(
    companyId: number,
    communityIds: number[],
    waiting: readonly string[],
    movable: readonly string[],
    limit: number,
  ): Promise<WorkOrder[]> {
    if (!communityIds.length) return Promise.resolve([]);
    const communityId = In(communityIds);
    return this.ds.getRepository(WorkOrder).find({
      where: [
        { companyId, communityId, status: In([...waiting]), routingState: 'waiting' },
        { companyId, communityId, status: In([...movable]) },
      ],
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
    });
  }

  findIdempotency(userId: number, key: string) {
    return this.ds.getRepository(IdempotencyRecord).findOneBy({ userId, key });
  }

  insertIdempotency(em: EntityManager, data: Partial<IdempotencyRecord>) {
    return em.insert(IdempotencyRecord, data);
  }

  /** The order if it is inside `scope`, in one query (null when absent or out of scope). */
  findInScope(id: number, scope: OrderScope): Promise<WorkOrder | null> {
    const qb = this.ds.getRepository(WorkOrder).createQueryBuilder('wo').where('wo.id = :id', { id });
    return this.applyScope(qb, scope).getOne();
  }

  async list(scope: OrderScope, f: OrderFilters, page: number, pageSize: number) {
    const qb = this.applyScope(this.ds.getRepository(WorkOrder).createQueryBuilder('wo'), scope);
    if (f.status?.length) qb.andWhere('wo.status IN (:...status)', { status: f.status });
    if (f.priority?.length) qb.andWhere('wo.priority IN (:...priority)', { priority: f.priority });
    if (f.category) qb.andWhere('wo.category = :category', { category: f.category });
    if (f.kind) qb.andWhere('wo.kind = :kind', { kind: f.kind });
    if (f.communityId) qb.andWhere('wo.communityId = :communityId', { communityId: f.communityId });
    if (f.houseId) qb.andWhere('wo.houseId = :houseId', { houseId: f.houseId });
    if (f.assigneeId) qb.andWhere('wo.assigneeId = :assigneeId', { assigneeId: f.assigneeId });
    if (f.slaState?.length) {
      qb.andWhere(`${LIVE_SLA_LEVEL_SQL} IN (:...slaLevels)`, {
        slaLevels: f.slaState.map((st) => SLA_STATE_LEVEL[st as SlaState]),
      });
    }
    if (f.atRisk) qb.andWhere(`${LIVE_SLA_LEVEL_SQL} >= :atRiskLevel`, { atRiskLevel: f.atRisk >= 75 ? 2 : 1 });
    if (f.from) qb.andWhere('wo.createdAt >= :from', { from: f.from });
    if (f.to) qb.andWhere('wo.createdAt < :to', { to: f.to });
    if (f.q) {
      const like = `%${escapeLike(f.q)}%`;
      qb.andWhere(
        new Brackets((w) =>
          w.where('wo.no = :no', { no: f.q }).orWhere(`wo.description LIKE :like ESCAPE '${LIKE_ESCAPE}'`, { like }),
        ),
      );
    }
    if (f.sort === 'sla') {
      // The queue order (shared/src/queue-order.ts compareQueue): urgent orders (P1, then P2)
      // pinned on top, then the nearest deadline first, orders without a running clock last.
      qb.orderBy(PINNED_RANK_SQL, 'ASC')
        .addOrderBy('CASE WHEN wo.slaDueAt IS NULL THEN 1 ELSE 0 END', 'ASC')
        .addOrderBy('wo.slaDueAt', 'ASC')
        .addOrderBy('wo.id', 'ASC');
    } else {
      qb.orderBy('wo.createdAt', 'DESC').addOrderBy('wo.id', 'DESC');
    }
    qb.skip((page - 1) * pageSize).take(pageSize);
    const [items, total] = await qb.getManyAndCount();
    return { items, total };
  }

  /** When the order's latest event of this action happened (null: never). */
  async lastEventAt(workOrderId: number, action: string): Promise<Date | null> {
    const last = await this.ds.getRepository(WorkOrderEvent).findOne({
      select: { id: true, createdAt: true },
      where: { workOrderId, action },
      order: { id: 'DESC' },
    });
    return last?.createdAt ?? null;
  }

  timeline(workOrderId: number) {
    return this.ds.getRepository(WorkOrderEvent).find({ where: { workOrderId }, order: { id: 'ASC' } });
  }

  /**
   * Arrival estimates (arrival/arrival.service.ts): every open order held by these technicians,
   * with what the estimate reads (queue order, state, place, visit window). One query.
   */
  queueJobsOf(
    companyId: number,
    userIds: number[],
    statuses: readonly string[],
    em: EntityManager = this.ds.manager,
  ): Promise<QueueJobRow[]> {
    if (!userIds.length) return Promise.resolve([]);
    return em.find(WorkOrder, {
      select: QUEUE_JOB_COLUMNS,
      where: { companyId, assigneeId: In([...new Set(userIds)]), status: In([...statuses]) },
    });
  }

  /**
   * Arrival estimates of a community's backlog: every open order (in `statuses`) of the
   * technicians who hold an order of the community in one of `awaiting` (their queues reach
   * into other communities). One query.
   */
  queueJobsOfCommunity(
    companyId: number,
    communityId: number,
    statuses: readonly string[],
    awaiting: readonly string[],
    em: EntityManager = this.ds.manager,
  ): Promise<QueueJobRow[]> {
    return em
      .getRepository(WorkOrder)
      .createQueryBuilder('wo')
      .select(Object.keys(QUEUE_JOB_COLUMNS).map((c) => `wo.${c}`))
      .where('wo.companyId = :companyId', { companyId })
      .andWhere('wo.status IN (:...statuses)', { statuses })
      .andWhere(
        `wo.assigneeId IN (SELECT held.assigneeId FROM work_order held WHERE held.companyId = :companyId
           AND held.communityId = :communityId AND held.kind = 'repair' AND held.status IN (:...awaiting)
           AND held.assigneeId IS NOT NULL)`,
        { communityId, awaiting },
      )
      .getMany();
  }

  /**
   * Arrival estimates: how long finished repairs of the company stayed on site, newest first
   * (first arrival to first completion, completed since `since`), at most `limit` rows. One query.
   */
  async onSiteSamples(
    companyId: number,
    since: Date,
    limit: number,
    em: EntityManager = this.ds.manager,
  ): Promise<Array<{ category: string; minutes: number }>> {
    const rows = await em
      .getRepository(WorkOrder)
      .createQueryBuilder('wo')
      .select(['wo.category', 'wo.arrivedAt', 'wo.firstCompletedAt'])
      .where('wo.companyId = :companyId', { companyId })
      .andWhere('wo.kind = :kind', { kind: 'repair' })
      .andWhere('wo.firstCompletedAt >= :since', { since })
      .andWhere('wo.arrivedAt IS NOT NULL')
      .orderBy('wo.firstCompletedAt', 'DESC')
      .limit(limit)
      .getMany();
    return rows.map((r) => ({
      category: r.category,
      minutes: (r.firstCompletedAt!.getTime() - r.arrivedAt!.getTime()) / 60_000,
    }));
  }

  /** The SQL form of the scope; `orderInScope` (order-scope.ts) is its in-memory twin: change both. */
  private applyScope(qb: SelectQueryBuilder<WorkOrder>, scope: OrderScope): SelectQueryBuilder<WorkOrder> {
    switch (scope.kind) {
      case 'resident':
        return qb.andWhere(
          new Brackets((w) => {
            w.where('wo.reporterId = :scopeUser', { scopeUser: scope.userId });
            if (scope.houseIds.length) w.orWhere('wo.houseId IN (:...scopeHouses)', { scopeHouses: scope.houseIds });
            // Orders the resident joined ("我也遇到了") or that absorbed their duplicate (docs/notices.md).
            w.orWhere('wo.id IN (SELECT wr.workOrderId FROM work_order_reporter wr WHERE wr.userId = :scopeUser)');
          }),
        );
      case 'technician':
        qb.andWhere('wo.companyId = :scopeCompany', { scopeCompany: scope.companyId });
        return qb.andWhere(
          new Brackets((w) => {
            w.where('wo.assigneeId = :scopeUser', { scopeUser: scope.userId });
            // Staff-found orders a technician filed stay visible to them.
            w.orWhere('wo.createdById = :scopeUser', { scopeUser: scope.userId });
            if (scope.communityIds.length) {
              w.orWhere(
                new Brackets((p) =>
                  p
                    .where('wo.status = :pooled', { pooled: 'pooled' })
                    .andWhere('wo.communityId IN (:...scopeCommunities)', { scopeCommunities: scope.communityIds }),
                ),
              );
            }
          }),
        );
      case 'staff':
        qb.andWhere('wo.companyId = :scopeCompany', { scopeCompany: scope.companyId });
        return scope.communityIds.length
          ? qb.andWhere('wo.communityId IN (:...scopeCommunities)', { scopeCommunities: scope.communityIds })
          : qb.andWhere('1 = 0');
      case 'company':
        return qb.andWhere('wo.companyId = :scopeCompany', { scopeCompany: scope.companyId });
    }
  }
}
