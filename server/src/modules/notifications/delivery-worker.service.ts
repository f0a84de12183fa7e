import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { formatChinaDateTime } from '@linli/shared';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { type SubscribeMessage, WechatApiError, type WechatApiClient } from '../../wechat/wechat-api.client.js';
import { WECHAT_CLIENT } from '../auth/auth.service.js';
import { Metrics } from '../metrics/metrics.js';
import type { User } from '../users/users.repository.js';
import type { Notification } from './notification.entities.js';
import { clip } from './notification-rules.js';
import { type DeliveryJob, NotificationsRepository } from './notifications.repository.js';
import { SMS_SENDER, type SmsSender } from './sms-sender.js';

/** How long one attempt may take before another worker may take the delivery over. */
export const DELIVERY_LEASE_MS = 60_000;
/** After this many failed attempts a delivery is marked failed. */
export const DELIVERY_MAX_ATTEMPTS = 6;
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 60 * 60_000;

/** Wait before attempt `attempts + 1`: 5 s * 2^attempts, at most an hour. */
export function deliveryBackoffMs(attempts: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** attempts, BACKOFF_MAX_MS);
}

/** `YYYY-MM-DD HH:mm` in China time, the format WeChat's `time` fields take. */
export function chinaMinute(at: Date): string {
  return formatChinaDateTime(at);
}

/** The page a subscribe message opens in the mini-program. */
export function orderPage(workOrderId: number): string {
  return `subpackages/orders/detail/index?id=${workOrderId}`;
}

/**
 * Pushes notifications out through WeChat subscribe messages or SMS. Each attempt leases the
 * delivery (a conditional UPDATE), then calls the outside service with no transaction open,
 * then records the outcome if it still holds the lease. Sends are at least once: a worker that
 * dies after WeChat accepted a message but before recording it leaves a lease that runs out,
 * and the next worker sends again.
 */
@Injectable()
export class DeliveryWorker {
  private readonly logger = new Logger(DeliveryWorker.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(NotificationsRepository) private readonly repo: NotificationsRepository,
    @Inject(WECHAT_CLIENT) private readonly wechat: WechatApiClient,
    @Inject(SMS_SENDER) private readonly sms: SmsSender,
    @Optional() @Inject(Metrics) private readonly metrics?: Metrics,
  ) {}

  /** Attempt due deliveries (up to `limit`); returns how many this worker attempted. */
  async deliver(now: Date, limit = 100): Promise<number> {
    let attempted = 0;
    for (const id of await this.repo.findDueDeliveryIds(now, limit)) {
      // Lease each one just before its attempt, so a slow send cannot run out later leases.
      const lease = await this.repo.leaseDelivery(id, now, DELIVERY_LEASE_MS);
      if (!lease) continue;
      attempted += 1;
      try {
        const job = await this.repo.findDeliveryJob(id);
        if (job) await this.attempt(job, lease, now);
      } catch (e) {
        // Our own fault (database, bug): the lease runs out and a later tick tries again.
        this.logger.error(`delivery ${id}: attempt not recorded: ${describe(e)}`);
      }
    }
    return attempted;
  }

  private async attempt(job: DeliveryJob, lease: Date, now: Date): Promise<void> {
    const { delivery, notification, user } = job;
    if (!notification || !user || !user.active) {
      await this.repo.finishDelivery(delivery.id, lease, { status: 'skipped', lastError: 'no_recipient' });
      return;
    }
    switch (delivery.channel) {
      case 'wechat':
        return this.sendWechat(job, notification, user, lease, now);
      case 'sms':
        return this.sendSms(job, notification, user, lease, now);
      default:
        await this.repo.finishDelivery(delivery.id, lease, { status: 'failed', lastError: 'unknown_channel' });
    }
  }

  private async sendWechat(job: DeliveryJob, n: Notification, user: User, lease: Date, now: Date): Promise<void> {
    const { delivery } = job;
    const templateId = isSurveyNotice(n)
      ? this.config.notifications.surveyTemplateId
      : this.config.notifications.orderTemplateId;
    if (!templateId || !user.wechatOpenid) {
      await this.skip(job, lease, 'no_wechat', user, now);
      return;
    }
    // Take one of the user's sends first, so concurrent deliveries cannot overspend them.
    if (!(await this.repo.consumeSubscription(user.id, templateId))) {
      await this.skip(job, lease, 'no_subscription', user, now);
      return;
    }
    let msgid: string;
    try {
      ({ msgid } = await this.wechat.sendSubscribeMessage(
        this.subscribeMessage(job, n, user.wechatOpenid, templateId),
      ));
    } catch (e) {
      await this.wechatFailed(job, e, user, templateId, lease, now);
      return;
    }
    const recorded = await this.repo.finishDelivery(delivery.id, lease, {
      status: 'sent',
      externalId: msgid,
      sentAt: now,
      lastError: null,
    });
    if (!recorded) this.logger.warn(`delivery ${delivery.id} was sent after its lease ran out`);
  }

  private async wechatFailed(
    job: DeliveryJob,
    e: unknown,
    user: User,
    templateId: string,
    lease: Date,
    now: Date,
  ): Promise<void> {
    const { delivery } = job;
    if (!(e instanceof WechatApiError)) {
      await this.repo.returnSubscription(user.id, templateId);
      await this.retryLater(job, lease, now, describe(e));
      return;
    }
    const reason = `${e.kind} ${e.errcode ?? ''}`.trim();
    switch (e.kind) {
      case 'busy':
      case 'unavailable':
      case 'rate_limited':
        // WeChat sent nothing (as far as we know): the send is the user's again.
        await this.repo.returnSubscription(user.id, templateId);
        await this.retryLater(job, lease, now, reason);
        return;
      case 'refused':
        // WeChat's count says none left (43101): ours was wrong, so trust theirs; SMS may take over.
        await this.repo.clearSubscription(user.id, templateId);
        await this.repo.endDelivery(
          delivery.id,
          lease,
          { status: 'failed', lastError: reason },
          this.smsFallback(job, user),
          now,
        );
        return;
      case 'invalid':
        // Our message was wrong (openid, template, data): the same message would fail again.
        this.logger.warn(`delivery ${delivery.id}: WeChat rejected the message (${reason})`);
        await this.repo.finishDelivery(delivery.id, lease, { status: 'failed', lastError: reason });
        return;
      case 'config':
      case 'blocked':
      case 'invalid_code':
        // Our credentials or tokens (an operator must look): WeChat sent nothing, the send is kept.
        this.logger.error(`delivery ${delivery.id}: WeChat refused the call (${reason})`);
        await this.repo.returnSubscription(user.id, templateId);
        await this.repo.finishDelivery(delivery.id, lease, { status: 'failed', lastError: reason });
        return;
    }
  }

  private async sendSms(job: DeliveryJob, n: Notification, user: User, lease: Date, now: Date): Promise<void> {
    const { delivery } = job;
    if (this.config.notifications.sms === 'off') {
      await this.repo.finishDelivery(delivery.id, lease, { status: 'skipped', lastError: 'sms_off' });
      return;
    }
    if (!user.phone) {
      await this.repo.finishDelivery(delivery.id, lease, { status: 'skipped', lastError: 'no_phone' });
      return;
    }
    try {
      await this.sms.send(user.phone, `【邻里】${n.title}：${n.body}`, {
        title: n.title,
        body: n.body,
        companyId: job.orderCompanyId ?? user.companyId ?? null,
      });
    } catch (e) {
      this.metrics?.externalCallFailed('sms', 'send', 'error');
      await this.retryLater(job, lease, now, describe(e));
      return;
    }
    await this.repo.finishDelivery(delivery.id, lease, { status: 'sent', sentAt: now, lastError: null });
  }

  private async skip(job: DeliveryJob, lease: Date, reason: string, user: User, now: Date): Promise<void> {
    await this.repo.endDelivery(
      job.delivery.id,
      lease,
      { status: 'skipped', lastError: reason },
      this.smsFallback(job, user),
      now,
    );
  }

  /** An SMS for the same notification when WeChat cannot carry it and SMS is on. */
  private smsFallback(job: DeliveryJob, user: User): { notificationId: number; userId: number } | null {
    if (this.config.notifications.sms === 'off' || !user.phone) return null;
    // A notice goes by WeChat where the resident granted a send, never by SMS (docs/notices.md).
    if (job.notification?.type === 'notice') return null;
    // A survey's announcement goes where the resident asked for it (a WeChat send), never by SMS.
    if (job.notification && isSurveyNotice(job.notification)) return null;
    return { notificationId: job.delivery.notificationId, userId: user.id };
  }

  private async retryLater(job: DeliveryJob, lease: Date, now: Date, error: string): Promise<void> {
    const attempts = job.delivery.attempts + 1;
    const giveUp = attempts >= DELIVERY_MAX_ATTEMPTS;
    if (giveUp) this.logger.warn(`delivery ${job.delivery.id} failed after ${attempts} attempts: ${error}`);
    await this.repo.finishDelivery(job.delivery.id, lease, {
      status: giveUp ? 'failed' : 'pending',
      attempts,
      nextAttemptAt: new Date(now.getTime() + deliveryBackoffMs(attempts)),
      lastError: clip(error, 300),
    });
  }

  private subscribeMessage(job: DeliveryJob, n: Notification, openid: string, templateId: string): SubscribeMessage {
    if (isSurveyNotice(n)) {
      // The survey template (docs/surveys.md): what, the summary (community, survey, deadline), when.
      return {
        touser: openid,
        templateId,
        data: {
          thing1: { value: clip(n.title, 20) },
          thing2: { value: clip(n.body, 20) },
          time3: { value: chinaMinute(n.createdAt) },
        },
        miniprogramState: this.config.notifications.miniprogramState,
        page: SURVEY_PAGE,
      };
    }
    const orderNo = job.orderNo ?? `#${n.workOrderId ?? n.id}`;
    // The order number has its own field; the summary field gets what follows it in the body.
    const summary = n.body.startsWith(`工单 ${orderNo} `) ? n.body.slice(`工单 ${orderNo} `.length) : n.body;
    const message: SubscribeMessage = {
      touser: openid,
      templateId,
      data: {
        character_string1: { value: orderNo },
        thing2: { value: clip(n.title, 20) },
        time3: { value: chinaMinute(n.createdAt) },
        thing4: { value: clip(summary, 20) },
      },
      miniprogramState: this.config.notifications.miniprogramState,
    };
    if (n.workOrderId !== null) message.page = orderPage(n.workOrderId);
    return message;
  }
}

/** The page a survey's subscribe message opens: the resident's open survey. */
export const SURVEY_PAGE = 'subpackages/account/survey/index';

/** A survey's opening or reminder (modules/surveys), not an order update. */
function isSurveyNotice(n: Notification): boolean {
  return n.type.startsWith('survey.');
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
