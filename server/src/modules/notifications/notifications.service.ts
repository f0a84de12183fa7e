import { Inject, Injectable } from '@nestjs/common';
import { notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import type { Notification } from './notification.entities.js';
import type { ListNotificationsQuery, ReportSubscriptionsDto } from './notifications.dto.js';
import { NotificationsRepository } from './notifications.repository.js';
import type {
  MarkAllReadResponse,
  NotificationPage,
  NotificationView,
  ReportSubscriptionsResponse,
  SubscriptionsView,
} from '@linli/shared';

/** The in-app message list and the WeChat subscription counts, for the user who asks. */
@Injectable()
export class NotificationsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(NotificationsRepository) private readonly repo: NotificationsRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async list(actor: Actor, query: ListNotificationsQuery): Promise<NotificationPage> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const [{ items, total }, unread] = await Promise.all([
      this.repo.listForUser(actor.userId, query.unread === true, page, pageSize),
      this.repo.countUnread(actor.userId),
    ]);
    return { items: items.map(toView), total, unread, page, pageSize };
  }

  /** Marks one of the actor's own notifications read; anyone else's is "not found". */
  async markRead(actor: Actor, id: number): Promise<NotificationView> {
    if (!Number.isSafeInteger(id) || id < 1) throw notFound('notification');
    const n = await this.repo.markRead(actor.userId, id, this.clock.now());
    if (!n) throw notFound('notification');
    return toView(n);
  }

  async markAllRead(actor: Actor): Promise<MarkAllReadResponse> {
    return { updated: await this.repo.markAllRead(actor.userId, this.clock.now()) };
  }

  /** Each accept of a template we send allows one more send; other templates are listed back. */
  async reportSubscriptions(actor: Actor, dto: ReportSubscriptionsDto): Promise<ReportSubscriptionsResponse> {
    const known = this.knownTemplates();
    const ignored: string[] = [];
    for (const [templateId, result] of Object.entries(dto.results)) {
      if (!known.includes(templateId)) ignored.push(templateId);
      else if (result === 'accept') await this.repo.addSubscription(actor.userId, templateId);
    }
    return { remaining: await this.repo.remainingSubscriptions(actor.userId, known), ignored };
  }

  async subscriptions(actor: Actor): Promise<SubscriptionsView> {
    return { remaining: await this.repo.remainingSubscriptions(actor.userId, this.knownTemplates()) };
  }

  private knownTemplates(): string[] {
    const { orderTemplateId, surveyTemplateId } = this.config.notifications;
    return [...new Set([orderTemplateId, surveyTemplateId].filter(Boolean))];
  }
}

function toView(n: Notification): NotificationView {
  return {
    id: n.id,
    type: n.type,
    title: n.title,
    body: n.body,
    workOrderId: n.workOrderId,
    read: n.readAt !== null,
    createdAt: n.createdAt.toISOString(),
  };
}
