import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import type { User } from '../users/users.repository.js';
import type { OutboxEvent } from './notification.entities.js';
import { clip, recipientsFor } from './notification-rules.js';
import { type DeliveryChannel, NotificationsRepository } from './notifications.repository.js';
import type { OutboxEventInput } from './outbox.js';

/** After this many failed attempts an event is marked failed and left for an operator. */
export const OUTBOX_MAX_ATTEMPTS = 8;

/**
 * Turns outbox events into in-app notifications and the deliveries that push them out.
 * One transaction per event: the claim, every notification and delivery commit together,
 * so an event yields its notifications exactly once however many dispatchers run.
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
      const claim: { id: number | null } = { id: null };
      try {
        const found = await this.repo.transaction(async (em) => {
          const event = await this.repo.claimNextEvent(em, now);
          if (!event) return false;
          claim.id = event.id;
          await this.notify(em, event, now);
          return true;
        });
        if (!found) break;
      } catch (e) {
        if (claim.id === null) throw e;
        const message = e instanceof Error ? e.message : String(e);
        this.logger.warn(`outbox event ${claim.id} failed: ${message}`);
        await this.repo.recordEventFailure(claim.id, message, now, OUTBOX_MAX_ATTEMPTS);
      }
      handled += 1;
    }
    return handled;
  }

  private async notify(em: EntityManager, row: OutboxEvent, now: Date): Promise<void> {
    if (row.workOrderId === null) return;
    const event = { type: row.type, workOrderId: row.workOrderId, payload: row.payload } as OutboxEventInput;
    const order = await this.repo.findEventOrder(em, row.workOrderId);
    if (!order) {
      this.logger.warn(`outbox event ${row.id}: work order ${row.workOrderId} is gone; nobody to tell`);
      return;
    }
    const assigneeId = 'assigneeId' in event.payload ? event.payload.assigneeId : null;
    const assigneeName = assigneeId == null ? null : await this.repo.findUserName(em, assigneeId);
    const plan = recipientsFor(event, order.facts, { now, assigneeName });
    if (!plan) return;

    const ids = new Set<number>();
    for (const audience of plan.to) {
      for (const id of await this.repo.resolveAudience(em, audience, order)) ids.add(id);
    }
    if (plan.exceptUserId !== null) ids.delete(plan.exceptUserId);
    const recipients = await this.repo.findRecipients(em, [...ids], order.companyId);

    for (const user of recipients) {
      const notificationId = await this.repo.insertNotification(em, {
        userId: user.id,
        eventId: row.id,
        type: plan.type,
        title: clip(plan.title, 100),
        body: plan.body,
        workOrderId: row.workOrderId,
        createdAt: now,
      });
      const channel = this.channelFor(user);
      if (channel) await this.repo.insertDelivery(em, { notificationId, userId: user.id, channel, now });
    }
  }

  /** WeChat when we can push to the user, else SMS where configured, else the in-app list only. */
  private channelFor(user: User): DeliveryChannel | null {
    if (user.wechatOpenid && this.config.notifications.orderTemplateId) return 'wechat';
    if (this.config.notifications.sms !== 'off' && user.phone) return 'sms';
    return null;
  }
}
