import { Inject, Injectable, Logger } from '@nestjs/common';
import { NOTIFICATIONS_PER_HOUR, SMS_PER_HOUR } from '@linli/shared';
import type { EntityManager } from 'typeorm';
import { isRetryableLockError } from '../../common/db-errors.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import type { User } from '../users/users.repository.js';
import type { OutboxEvent } from './notification.entities.js';
import { clip, recipientsFor } from './notification-rules.js';
import { type DeliveryChannel, NotificationsRepository } from './notifications.repository.js';
import type { OutboxEventInput } from './outbox.js';
import type { EventOrder, NewNotification } from './notifications.repository.js';

/** The memoised value of `key` in `cache`, computed once. */
function once<K, V>(cache: Map<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
  let v = cache.get(key);
  if (!v) cache.set(key, (v = load()));
  return v;
}

/** After this many failed attempts an event is marked failed and left for an operator. */
export const OUTBOX_MAX_ATTEMPTS = 8;

/** What one batch reads once: the orders its events are about, audiences, names. */
interface BatchReads {
  orders: Map<number, Promise<EventOrder | null>>;
  audiences: Map<string, Promise<number[]>>;
  names: Map<number, Promise<string | null>>;
  recipients: Map<string, Promise<User[]>>;
  /** Notifications to write at the end of the batch, each with the channel that pushes it. */
  out: Array<{ notification: NewNotification; channel: DeliveryChannel | null }>;
}

const freshReads = (): BatchReads => ({
  orders: new Map(),
  audiences: new Map(),
  names: new Map(),
  recipients: new Map(),
  out: [],
});

/**
 * Turns outbox events into in-app notifications and the deliveries that push them out.
 * Events are claimed in batches: the claim and every notification and delivery of the batch
 * commit together, so an event yields its notifications exactly once however many dispatchers
 * run. If a batch fails, its events are dispatched again one per transaction, so a bad event
 * has its failure counted alone and cannot hold back the others.
 */
@Injectable()
export class OutboxDispatcher {
  private readonly logger = new Logger(OutboxDispatcher.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(NotificationsRepository) private readonly repo: NotificationsRepository,
  ) {}

  /** Dispatch due events (up to `limit`); returns how many were handled, failures included. */
  async dispatch(now: Date, limit = 200): Promise<number> {
    let handled = 0;
    while (handled < limit) {
      let claimed: OutboxEvent[] = [];
      try {
        const n = await this.repo.transaction(async (em) => {
          claimed = await this.repo.claimEvents(em, now, Math.min(this.config.workers.batchSize, limit - handled));
          const reads = freshReads();
          // Every order the batch is about, in one go.
          const orderIds = [...new Set(claimed.map((e) => e.workOrderId).filter((x): x is number => x !== null))];
          const orders = orderIds.length
            ? await this.repo.findEventOrders(em, orderIds)
            : new Map<number, EventOrder>();
          for (const id of orderIds) reads.orders.set(id, Promise.resolve(orders.get(id) ?? null));
          for (const event of claimed) await this.notify(em, event, now, reads);
          await this.write(em, reads, now);
          return claimed.length;
        });
        if (!n) break;
        handled += n;
      } catch (e) {
        // Another process holds the database (SQLite) or the rows: nothing claimed, next tick.
        if (!claimed.length && isRetryableLockError(e)) break;
        if (!claimed.length) throw e;
        if (claimed.length === 1) {
          const message = e instanceof Error ? e.message : String(e);
          this.logger.warn(`outbox event ${claimed[0].id} failed: ${message}`);
          await this.repo.recordEventFailure(claimed[0].id, message, now, OUTBOX_MAX_ATTEMPTS);
          handled += 1;
          continue;
        }
        for (const event of claimed) {
          await this.dispatchOne(event.id, now);
          handled += 1;
        }
      }
    }
    return handled;
  }

  /** One event in a transaction of its own (after its batch failed); a failure is recorded on it. */
  private async dispatchOne(id: number, now: Date): Promise<void> {
    try {
      await this.repo.transaction(async (em) => {
        const event = await this.repo.claimNextEvent(em, now, id);
        if (!event) return;
        const reads = freshReads();
        await this.notify(em, event, now, reads);
        await this.write(em, reads, now);
      });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.logger.warn(`outbox event ${id} failed: ${message}`);
      await this.repo.recordEventFailure(id, message, now, OUTBOX_MAX_ATTEMPTS);
    }
  }

  private async notify(em: EntityManager, row: OutboxEvent, now: Date, reads: BatchReads): Promise<void> {
    if (row.workOrderId === null) return;
    const event = { type: row.type, workOrderId: row.workOrderId, payload: row.payload } as OutboxEventInput;
    const order = await once(reads.orders, row.workOrderId, () => this.repo.findEventOrder(em, row.workOrderId!));
    if (!order) {
      this.logger.warn(`outbox event ${row.id}: work order ${row.workOrderId} is gone; nobody to tell`);
      return;
    }
    const assigneeId = 'assigneeId' in event.payload ? event.payload.assigneeId : null;
    const assigneeName =
      assigneeId == null ? null : await once(reads.names, assigneeId, () => this.repo.findUserName(em, assigneeId));
    const plan = recipientsFor(event, order.facts, { now, assigneeName });
    if (!plan) return;

    const ids = new Set<number>();
    for (const audience of plan.to) {
      const key = `${JSON.stringify(audience)}:${order.companyId}:${order.communityId}:${order.category}`;
      for (const id of await once(reads.audiences, key, () => this.repo.resolveAudience(em, audience, order))) {
        ids.add(id);
      }
    }
    if (plan.exceptUserId !== null) ids.delete(plan.exceptUserId);
    const recipientIds = [...ids].sort((a, b) => a - b);
    const recipients = await once(reads.recipients, `${order.companyId}:${recipientIds.join(',')}`, () =>
      this.repo.findRecipients(em, recipientIds, order.companyId),
    );
    for (const user of recipients) {
      reads.out.push({
        notification: {
          userId: user.id,
          eventId: row.id,
          type: plan.type,
          title: clip(plan.title, 100),
          body: plan.body,
          workOrderId: row.workOrderId,
          createdAt: now,
        },
        channel: this.channelFor(user),
      });
    }
  }

  /**
   * The batch's notifications in multi-row inserts, then their deliveries (deferred to commit).
   * Per recipient and hour (docs/notifications.md "Caps"): every notification is listed in-app,
   * but beyond NOTIFICATIONS_PER_HOUR none is pushed and beyond SMS_PER_HOUR no SMS is sent;
   * such a delivery is written `capped`. What the recipients had is one grouped read per batch.
   */
  private async write(em: EntityManager, reads: BatchReads, now: Date): Promise<void> {
    if (!reads.out.length) return;
    const pushed = reads.out.filter((o) => o.channel !== null).map((o) => o.notification.userId);
    const counts = await this.repo.recentCounts(em, pushed, now);
    const ids = await this.repo.insertNotifications(
      em,
      reads.out.map((o) => o.notification),
    );
    for (const [i, { notification, channel }] of reads.out.entries()) {
      const had = counts.get(notification.userId) ?? { notifications: 0, sms: 0 };
      counts.set(notification.userId, had);
      had.notifications += 1;
      if (!channel) continue;
      let capped: string | undefined;
      if (had.notifications > NOTIFICATIONS_PER_HOUR) capped = 'notification_cap';
      else if (channel === 'sms' && had.sms >= SMS_PER_HOUR) capped = 'sms_cap';
      else if (channel === 'sms') had.sms += 1;
      await this.repo.insertDelivery(em, { notificationId: ids[i], userId: notification.userId, channel, now, capped });
    }
  }

  /** WeChat when we can push to the user, else SMS where configured, else the in-app list only. */
  private channelFor(user: User): DeliveryChannel | null {
    if (user.wechatOpenid && this.config.notifications.orderTemplateId) return 'wechat';
    if (this.config.notifications.sms !== 'off' && user.phone) return 'sms';
    return null;
  }
}
