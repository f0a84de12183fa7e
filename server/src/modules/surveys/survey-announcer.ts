import { Inject, Injectable } from '@nestjs/common';
import { formatChinaDateTime } from '@linli/shared';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { clip } from '../notifications/notification-rules.js';
import { NotificationsRepository } from '../notifications/notifications.repository.js';
import { BindingsRepository } from '../residents/bindings.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { SurveyResponse, type Survey } from './survey.entities.js';

export type SurveyNoticeKind = 'open' | 'remind';

/** The notification types a survey writes (the mini-program's message list opens the survey for them). */
export const SURVEY_NOTIFICATION_TYPES = { open: 'survey.open', remind: 'survey.remind' } as const;

interface Recipient {
  userId: number;
  openid: string | null;
}

/**
 * Tells a community's residents about its survey, inside the caller's transaction (so the
 * messages exist iff the opening or the reminder does): an in-app message to every active
 * resident with a verified house in the community, and a WeChat subscribe message to those of
 * them who have a send left for the survey template. No SMS: a survey is not worth one.
 */
@Injectable()
export class SurveyAnnouncer {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BindingsRepository) private readonly bindings: BindingsRepository,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(NotificationsRepository) private readonly notifications: NotificationsRepository,
  ) {}

  /** The active residents with a verified house in the community (each once). */
  async residents(em: EntityManager, communityId: number): Promise<Recipient[]> {
    const ids = await this.bindings.verifiedResidentIdsOf(communityId, null, em);
    const users = await this.users.findActiveByIds(ids, em);
    return users.filter((u) => u.role === 'resident').map((u) => ({ userId: u.id, openid: u.wechatOpenid }));
  }

  /**
   * Announce the opening to every resident, or remind those who have not answered yet.
   * Returns how many residents were told.
   */
  async announce(
    em: EntityManager,
    survey: Survey,
    communityName: string,
    kind: SurveyNoticeKind,
    now: Date,
  ): Promise<number> {
    let recipients = await this.residents(em, survey.communityId);
    if (kind === 'remind' && recipients.length) {
      const answered = new Set(
        (
          await em
            .createQueryBuilder(SurveyResponse, 'r')
            .select('r.userId', 'userId')
            .where('r.surveyId = :id', { id: survey.id })
            .getRawMany<{ userId: number | string }>()
        ).map((r) => Number(r.userId)),
      );
      recipients = recipients.filter((r) => !answered.has(r.userId));
    }
    if (!recipients.length) return 0;
    const deadline = formatChinaDateTime(survey.endsAt);
    const title = kind === 'open' ? '满意度调查开始了' : '满意度调查即将截止';
    const body =
      kind === 'open'
        ? `${communityName} ${survey.title}，约 1 分钟，请在 ${deadline} 前填写`
        : `${communityName} ${survey.title}，您还未填写，${deadline} 截止`;
    const ids = await this.notifications.insertNotifications(
      em,
      recipients.map((r) => ({
        userId: r.userId,
        eventId: null,
        type: SURVEY_NOTIFICATION_TYPES[kind],
        title,
        body: clip(body, 500),
        workOrderId: null,
        createdAt: now,
      })),
    );
    await this.queueWechat(em, recipients, ids, now);
    return recipients.length;
  }

  /** A WeChat delivery for each recipient with an openid and a send left for the survey template. */
  private async queueWechat(em: EntityManager, recipients: Recipient[], ids: number[], now: Date): Promise<void> {
    const templateId = this.config.notifications.surveyTemplateId;
    if (!templateId) return;
    const withOpenid = recipients.map((r, k) => ({ ...r, notificationId: ids[k] })).filter((r) => r.openid);
    if (!withOpenid.length) return;
    const granted = await this.notifications.grantedUserIds(
      em,
      withOpenid.map((r) => r.userId),
      templateId,
    );
    // Due at the start of this second: MariaDB keeps DATETIME to the second (and rounds), so
    // `now` itself could be stored just after the worker's `now` of this very tick.
    const due = new Date(Math.floor(now.getTime() / 1000) * 1000);
    // The send itself is taken (atomically) by the delivery worker, as for order messages.
    for (const r of withOpenid.filter((x) => granted.has(x.userId))) {
      await this.notifications.insertDelivery(em, {
        notificationId: r.notificationId,
        userId: r.userId,
        channel: 'wechat',
        now: due,
      });
    }
  }
}
