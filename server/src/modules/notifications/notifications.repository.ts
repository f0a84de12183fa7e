import { Inject, Injectable } from '@nestjs/common';
import { SMS_PER_HOUR } from '@linli/shared';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, IsNull, LessThanOrEqual } from 'typeorm';
import { CategoriesRepository } from '../categories/categories.repository.js';
import { PlacesRepository } from '../places/places.repository.js';
import { StaffRepository } from '../staff/staff.repository.js';
import { UsersRepository, type User } from '../users/users.repository.js';
import { WorkOrdersRepository } from '../work-orders/work-orders.repository.js';
import { deferInsert, INSERT_CHUNK, withWriteBatch } from '../../common/write-batch.js';
import { Notification, NotificationDelivery, OutboxEvent, WechatSubscription } from './notification.entities.js';
import type { Audience, OrderFacts } from './notification-rules.js';

/** The order an event is about: the facts the rules read, and what audiences resolve against. */
export interface EventOrder {
  facts: OrderFacts;
  companyId: number;
  communityId: number;
  category: string;
}

export interface NewNotification {
  userId: number;
  eventId: number | null;
  type: string;
  title: string;
  body: string;
  workOrderId: number | null;
  createdAt: Date;
}

export type DeliveryChannel = 'wechat' | 'sms';

/** What a recipient received in the last hour, for the caps (shared/src/abuse-limits.ts). */
export interface RecentCounts {
  /** Notifications, pushed or not. */
  notifications: number;
  /** SMS deliveries that were or are being sent (not the capped or skipped ones). */
  sms: number;
}

const HOUR_MS = 3600_000;

/** Everything a delivery attempt needs, read after the lease is taken. */
export interface DeliveryJob {
  delivery: NotificationDelivery;
  notification: Notification | null;
  user: User | null;
  orderNo: string | null;
  /** The order's company (for the SMS record staff read). */
  orderCompanyId?: number | null;
}

/** The changes that end (or postpone) a leased delivery. */
export type DeliveryOutcome = Partial<
  Pick<NotificationDelivery, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'externalId' | 'sentAt'>
>;

@Injectable()
export class NotificationsRepository {
  /** SQLite: the tail of this process's queue of transactions (see `transaction`). */
  private sqliteTail: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(WorkOrdersRepository) private readonly orders: WorkOrdersRepository,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(CategoriesRepository) private readonly categories: CategoriesRepository,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(StaffRepository) private readonly staff: StaffRepository,
  ) {}

  /**
   * For the metrics: outbox events not yet dispatched (and when the oldest was written), events
   * that gave up, and deliveries due for an attempt (and when the oldest became due).
   */
  async backlog(now: Date): Promise<{
    outboxPending: number;
    outboxOldestAt: Date | null;
    outboxFailed: number;
    deliveriesDue: number;
    deliveriesOldestDueAt: Date | null;
  }> {
    const outbox = this.ds.getRepository(OutboxEvent);
    const deliveries = this.ds.getRepository(NotificationDelivery);
    const outboxPending = await outbox.countBy({ status: 'pending' });
    const oldestEvent = outboxPending
      ? await outbox.findOne({
          where: { status: 'pending' },
          order: { id: 'ASC' },
          select: { id: true, createdAt: true },
        })
      : null;
    const dueWhere = { status: 'pending', nextAttemptAt: LessThanOrEqual(now) };
    const deliveriesDue = await deliveries.countBy(dueWhere);
    const oldestDelivery = deliveriesDue
      ? await deliveries.findOne({
          where: dueWhere,
          order: { nextAttemptAt: 'ASC' },
          select: { id: true, nextAttemptAt: true },
        })
      : null;
    return {
      outboxPending,
      outboxOldestAt: oldestEvent?.createdAt ?? null,
      outboxFailed: await outbox.countBy({ status: 'failed' }),
      deliveriesDue,
      deliveriesOldestDueAt: oldestDelivery?.nextAttemptAt ?? null,
    };
  }

  get isMysql(): boolean {
    return this.ds.options.type === 'mariadb' || this.ds.options.type === 'mysql';
  }

  /**
   * One transaction. MariaDB: READ COMMITTED, so the claim's SKIP LOCKED scan takes no gap
   * locks that would hold up writers inserting new events. SQLite: TypeORM runs every SQLite
   * transaction of a process on one connection, so two at once would nest (the second becomes
   * a savepoint of the first, and a rollback undoes the wrong work); ours therefore queue up.
   */
  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const batched = (em: EntityManager) => withWriteBatch(em, work);
    if (this.isMysql) return this.ds.transaction('READ COMMITTED', batched);
    const run = this.sqliteTail.then(
      () => this.ds.transaction(batched),
      () => this.ds.transaction(batched),
    );
    this.sqliteTail = run.catch(() => undefined);
    return run;
  }

  // ---- outbox --------------------------------------------------------------------------------

  /**
   * Claim the next due pending event inside `em`'s transaction: mark it done, so that the
   * notifications written in the same transaction exist iff the claim commits. MariaDB locks
   * the row with SKIP LOCKED so concurrent dispatchers pass over it; the conditional UPDATE
   * makes the claim exclusive on SQLite. Null when nothing is due (or a race was lost).
   */
  async claimNextEvent(em: EntityManager, now: Date, id?: number): Promise<OutboxEvent | null> {
    return (await this.claimEvents(em, now, 1, id))[0] ?? null;
  }

  /**
   * Claim up to `limit` due pending events at once (oldest first), the same way: one locking
   * SELECT, one UPDATE, one reselect. When the UPDATE changed fewer rows than were selected
   * (another SQLite process got there first) nothing is claimed and the caller tries again.
   */
  async claimEvents(em: EntityManager, now: Date, limit: number, id?: number): Promise<OutboxEvent[]> {
    const qb = em
      .getRepository(OutboxEvent)
      .createQueryBuilder('e')
      .select('e.id', 'id')
      .where('e.status = :pending', { pending: 'pending' })
      .andWhere('e.nextAttemptAt <= :now', { now })
      .orderBy('e.nextAttemptAt', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .limit(limit);
    if (id !== undefined) qb.andWhere('e.id = :id', { id });
    if (this.isMysql) qb.setLock('pessimistic_write').setOnLocked('skip_locked');
    const ids = (await qb.getRawMany<{ id: number | string }>()).map((r) => Number(r.id));
    if (!ids.length) return [];
    const res = await em
      .createQueryBuilder()
      .update(OutboxEvent)
      .set({ status: 'done', processedAt: now, lastError: null })
      .where('id IN (:...ids) AND status = :pending', { ids, pending: 'pending' })
      .execute();
    if ((res.affected ?? 0) !== ids.length) {
      if ((res.affected ?? 0) > 0) throw new Error('outbox claim raced another dispatcher; retrying');
      return [];
    }
    return em.find(OutboxEvent, { where: { id: In(ids) }, order: { nextAttemptAt: 'ASC', id: 'ASC' } });
  }

  /** After the event's transaction rolled back: count the attempt and back off, or give up. */
  async recordEventFailure(id: number, error: string, now: Date, maxAttempts: number): Promise<void> {
    const repo = this.ds.getRepository(OutboxEvent);
    const event = await repo.findOneBy({ id });
    if (!event || event.status !== 'pending') return;
    const attempts = event.attempts + 1;
    const backoffMs = Math.min(2 ** attempts * 1000, 15 * 60_000);
    await repo.update(
      { id, status: 'pending', attempts: event.attempts },
      {
        attempts,
        status: attempts >= maxAttempts ? 'failed' : 'pending',
        lastError: error.slice(0, 2000),
        nextAttemptAt: new Date(now.getTime() + backoffMs),
      },
    );
  }

  // ---- what the dispatcher reads -------------------------------------------------------------

  async findEventOrder(em: EntityManager, workOrderId: number): Promise<EventOrder | null> {
    return (await this.findEventOrders(em, [workOrderId])).get(workOrderId) ?? null;
  }

  /** What the dispatcher needs of each order, for many orders in five queries (absent: gone). */
  async findEventOrders(em: EntityManager, workOrderIds: number[]): Promise<Map<number, EventOrder>> {
    const orders = await this.orders.findByIds(workOrderIds, em);
    const ids = <T>(xs: Array<T | null>) => [...new Set(xs.filter((x): x is T => x !== null))];
    const [communities, categories, houses, areas, coReporters] = await Promise.all([
      this.places.findCommunities(ids(orders.map((o) => o.communityId)), em),
      this.categories.findByCodes(
        [
          ...new Map(
            orders.map((o) => [`${o.companyId}:${o.category}`, { companyId: o.companyId, code: o.category }]),
          ).values(),
        ],
        em,
      ),
      this.places.findHouses(ids(orders.map((o) => o.houseId)), em),
      this.places.findPublicAreas(ids(orders.map((o) => o.publicAreaId)), em),
      this.orders.coReportersOf(
        orders.filter((o) => o.publicAreaId !== null).map((o) => o.id),
        em,
      ),
    ]);
    const community = new Map(communities.map((c) => [c.id, c]));
    const category = new Map(categories.map((c) => [`${c.companyId}:${c.code}`, c]));
    const house = new Map(houses.map((h) => [h.id, h]));
    const area = new Map(areas.map((a) => [a.id, a]));
    return new Map(
      orders.map((order) => {
        const where =
          order.houseId !== null
            ? house.get(order.houseId)?.label
            : order.publicAreaId !== null
              ? area.get(order.publicAreaId)?.name
              : undefined;
        const place = [community.get(order.communityId)?.name, where].filter(Boolean).join(' ');
        const facts = {
          id: order.id,
          no: order.no,
          kind: order.kind,
          categoryName: category.get(`${order.companyId}:${order.category}`)?.name ?? order.category,
          place,
          reporterId: order.reporterId,
          coReporterIds: coReporters.get(order.id) ?? [],
          assigneeId: order.assigneeId,
          routingState: order.routingState,
          quoteTotalFen: order.quoteTotalFen,
          quoteState: order.quoteState,
          urgeCount: order.urgeCount,
        };
        return [
          order.id,
          { facts, companyId: order.companyId, communityId: order.communityId, category: order.category },
        ];
      }),
    );
  }

  async findUserName(em: EntityManager, id: number): Promise<string | null> {
    return (await this.users.findById(id, em))?.name ?? null;
  }

  /** The user ids an audience stands for, for one order. */
  async resolveAudience(em: EntityManager, audience: Audience, order: EventOrder): Promise<number[]> {
    const { companyId, communityId } = order;
    switch (audience.kind) {
      case 'user':
        return [audience.userId];
      case 'community-staff':
        return this.users.activeStaffIds(em, { companyId, role: audience.role, communityId });
      case 'company-admins':
        return this.users.activeStaffIds(em, { companyId, role: 'admin' });
      case 'pool-technicians':
        return this.staff.poolTechnicianIds(em, companyId, communityId, order.category);
    }
  }

  /**
   * The users among `ids` who may hear about an order of `companyId`: active, and either a
   * resident or staff of that company (a stale id in a payload never reaches another tenant).
   */
  async findRecipients(em: EntityManager, ids: number[], companyId: number): Promise<User[]> {
    const users = await this.users.findActiveByIds(ids, em);
    return users.filter((u) => u.role === 'resident' || u.companyId === companyId);
  }

  /** Many notifications in multi-row inserts; their ids in the same order. */
  async insertNotifications(em: EntityManager, rows: NewNotification[]): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const res = await em
        .createQueryBuilder()
        .insert()
        .into(Notification)
        .values(rows.slice(i, i + INSERT_CHUNK).map((n) => ({ ...n, readAt: null })))
        .execute();
      for (const identifier of res.identifiers) {
        const id = Number(identifier?.id);
        if (!Number.isSafeInteger(id)) throw new Error('notification insert returned no id');
        ids.push(id);
      }
    }
    return ids;
  }

  /**
   * What each of `userIds` received in the hour before `now`: one grouped query for a whole
   * batch (over the `userId, id` index of notification and the deliveries of those rows).
   */
  async recentCounts(em: EntityManager, userIds: number[], now: Date): Promise<Map<number, RecentCounts>> {
    const counts = new Map<number, RecentCounts>();
    const ids = [...new Set(userIds)];
    if (!ids.length) return counts;
    const rows = await em
      .createQueryBuilder(Notification, 'n')
      .select('n.userId', 'userId')
      .addSelect('COUNT(DISTINCT n.id)', 'notifications')
      .addSelect('COUNT(DISTINCT CASE WHEN d.channel = :sms AND d.status NOT IN (:...unsent) THEN d.id END)', 'sms')
      .leftJoin(NotificationDelivery, 'd', 'd.notificationId = n.id')
      .where('n.userId IN (:...ids)', { ids })
      .andWhere('n.createdAt >= :since', { since: new Date(now.getTime() - HOUR_MS) })
      .setParameters({ sms: 'sms', unsent: ['capped', 'skipped'] })
      .groupBy('n.userId')
      .getRawMany<{ userId: number | string; notifications: number | string; sms: number | string }>();
    for (const r of rows) counts.set(Number(r.userId), { notifications: Number(r.notifications), sms: Number(r.sms) });
    return counts;
  }

  /**
   * A delivery to attempt (`pending`), or one a cap stopped (`capped`, with the cap in
   * `lastError`: `notification_cap`, `sms_cap`), kept so that the stop is visible.
   */
  async insertDelivery(
    em: EntityManager,
    d: { notificationId: number; userId: number; channel: DeliveryChannel; now: Date; capped?: string },
  ): Promise<void> {
    await deferInsert(em, NotificationDelivery, {
      notificationId: d.notificationId,
      userId: d.userId,
      channel: d.channel,
      status: d.capped ? 'capped' : 'pending',
      attempts: 0,
      nextAttemptAt: d.now,
      leaseUntil: null,
      lastError: d.capped ?? null,
      externalId: null,
      sentAt: null,
      createdAt: d.now,
    });
  }

  // ---- deliveries ----------------------------------------------------------------------------

  /** Deliveries to try now: pending and due, or sending with a lease that ran out (a worker died). */
  async findDueDeliveryIds(now: Date, limit: number): Promise<number[]> {
    const rows = await this.ds
      .getRepository(NotificationDelivery)
      .createQueryBuilder('d')
      .select('d.id', 'id')
      .where('(d.status = :pending AND d.nextAttemptAt <= :now) OR (d.status = :sending AND d.leaseUntil <= :now)', {
        pending: 'pending',
        sending: 'sending',
        now,
      })
      .orderBy('d.id', 'ASC')
      .limit(limit)
      .getRawMany<{ id: number | string }>();
    return rows.map((r) => Number(r.id));
  }

  /**
   * Take a delivery for one attempt: one conditional UPDATE, so of several workers one wins.
   * The lease's end, in whole seconds (MariaDB keeps DATETIME to the second), doubles as the
   * fencing token every later write of this attempt checks.
   */
  async leaseDelivery(id: number, now: Date, leaseMs: number): Promise<Date | null> {
    const leaseUntil = new Date(Math.ceil((now.getTime() + leaseMs) / 1000) * 1000);
    const res = await this.ds
      .createQueryBuilder()
      .update(NotificationDelivery)
      .set({ status: 'sending', leaseUntil })
      .where('id = :id', { id })
      .andWhere('((status = :pending AND nextAttemptAt <= :now) OR (status = :sending AND leaseUntil <= :now))', {
        pending: 'pending',
        sending: 'sending',
        now,
      })
      .execute();
    return (res.affected ?? 0) === 1 ? leaseUntil : null;
  }

  async findDeliveryJob(id: number): Promise<DeliveryJob | null> {
    const delivery = await this.ds.getRepository(NotificationDelivery).findOneBy({ id });
    if (!delivery) return null;
    const [notification, user] = await Promise.all([
      this.ds.getRepository(Notification).findOneBy({ id: delivery.notificationId }),
      this.users.findById(delivery.userId),
    ]);
    const order = notification?.workOrderId == null ? null : await this.orders.findById(notification.workOrderId);
    return { delivery, notification, user, orderNo: order?.no ?? null, orderCompanyId: order?.companyId ?? null };
  }

  /** Record how a leased attempt ended; false when the lease was lost (another worker took over). */
  async finishDelivery(id: number, lease: Date, outcome: DeliveryOutcome): Promise<boolean> {
    return this.finishLeased(this.ds.manager, id, lease, outcome);
  }

  /**
   * End a leased attempt (skipped, or failed) and, in the same transaction, queue an SMS for
   * the same notification when one is wanted (`smsFallback`).
   */
  async endDelivery(
    id: number,
    lease: Date,
    outcome: { status: 'skipped' | 'failed'; lastError: string },
    smsFallback: { notificationId: number; userId: number } | null,
    now: Date,
  ): Promise<void> {
    await this.transaction(async (em) => {
      const won = await this.finishLeased(em, id, lease, outcome);
      if (!won || !smsFallback) return;
      // The fallback SMS counts against the recipient's hourly SMS cap like any other.
      const sent = (await this.recentCounts(em, [smsFallback.userId], now)).get(smsFallback.userId)?.sms ?? 0;
      const capped = sent >= SMS_PER_HOUR ? 'sms_cap' : undefined;
      await this.insertDelivery(em, { ...smsFallback, channel: 'sms', now, capped });
    });
  }

  private async finishLeased(em: EntityManager, id: number, lease: Date, outcome: DeliveryOutcome): Promise<boolean> {
    const res = await em
      .createQueryBuilder()
      .update(NotificationDelivery)
      .set({ ...outcome, leaseUntil: null })
      .where('id = :id AND status = :sending AND leaseUntil = :lease', { id, sending: 'sending', lease })
      .execute();
    return (res.affected ?? 0) === 1;
  }

  // ---- subscriptions -------------------------------------------------------------------------

  /** Use one of the user's sends for the template, atomically; false when none is left. */
  async consumeSubscription(userId: number, templateId: string): Promise<boolean> {
    const res = await this.ds
      .createQueryBuilder()
      .update(WechatSubscription)
      .set({ remaining: () => 'remaining - 1' })
      .where('userId = :userId AND templateId = :templateId AND remaining > 0', { userId, templateId })
      .execute();
    return (res.affected ?? 0) === 1;
  }

  /**
   * Those of `userIds` with a send left for the template (a survey's announcement queues a
   * WeChat delivery only for them; the delivery worker still takes the send atomically).
   */
  async grantedUserIds(em: EntityManager, userIds: number[], templateId: string): Promise<Set<number>> {
    const granted = new Set<number>();
    for (let i = 0; i < userIds.length; i += INSERT_CHUNK) {
      const rows = await em
        .createQueryBuilder(WechatSubscription, 's')
        .select('s.userId', 'userId')
        .where('s.userId IN (:...ids) AND s.templateId = :templateId AND s.remaining > 0', {
          ids: userIds.slice(i, i + INSERT_CHUNK),
          templateId,
        })
        .getRawMany<{ userId: number | string }>();
      for (const r of rows) granted.add(Number(r.userId));
    }
    return granted;
  }

  /** WeChat did not use the send (it failed before sending): the user keeps it. */
  async returnSubscription(userId: number, templateId: string): Promise<void> {
    await this.ds
      .createQueryBuilder()
      .update(WechatSubscription)
      .set({ remaining: () => 'remaining + 1' })
      .where('userId = :userId AND templateId = :templateId', { userId, templateId })
      .execute();
  }

  /** WeChat says the user has none left (43101): believe it over our count. */
  async clearSubscription(userId: number, templateId: string): Promise<void> {
    await this.ds.getRepository(WechatSubscription).update({ userId, templateId }, { remaining: 0 });
  }

  /** One more send allowed; a single upsert statement, so concurrent accepts all count. */
  async addSubscription(userId: number, templateId: string): Promise<void> {
    const sql = this.isMysql
      ? 'INSERT INTO wechat_subscription (userId, templateId, remaining) VALUES (?, ?, 1) ON DUPLICATE KEY UPDATE remaining = remaining + 1'
      : 'INSERT INTO wechat_subscription (userId, templateId, remaining) VALUES (?, ?, 1) ON CONFLICT (userId, templateId) DO UPDATE SET remaining = remaining + 1';
    await this.ds.query(sql, [userId, templateId]);
  }

  async remainingSubscriptions(userId: number, templateIds: string[]): Promise<Record<string, number>> {
    const remaining: Record<string, number> = Object.fromEntries(templateIds.map((t) => [t, 0]));
    if (!templateIds.length) return remaining;
    const rows = await this.ds.getRepository(WechatSubscription).findBy({ userId, templateId: In(templateIds) });
    for (const r of rows) remaining[r.templateId] = r.remaining;
    return remaining;
  }

  // ---- the in-app list -----------------------------------------------------------------------

  async listForUser(userId: number, unreadOnly: boolean, page: number, pageSize: number) {
    const [items, total] = await this.ds.getRepository(Notification).findAndCount({
      where: unreadOnly ? { userId, readAt: IsNull() } : { userId },
      order: { id: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items, total };
  }

  countUnread(userId: number): Promise<number> {
    return this.ds.getRepository(Notification).countBy({ userId, readAt: IsNull() });
  }

  /** Mark one of the user's notifications read (once); null when it is not theirs. */
  async markRead(userId: number, id: number, now: Date): Promise<Notification | null> {
    const repo = this.ds.getRepository(Notification);
    await repo.update({ id, userId, readAt: IsNull() }, { readAt: now });
    return repo.findOneBy({ id, userId });
  }

  async markAllRead(userId: number, now: Date): Promise<number> {
    const res = await this.ds.getRepository(Notification).update({ userId, readAt: IsNull() }, { readAt: now });
    return res.affected ?? 0;
  }
}
