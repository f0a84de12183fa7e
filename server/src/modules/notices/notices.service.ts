import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  formatChinaDateTime,
  NOTICE_KIND_LABELS,
  noticeReaches,
  noticeState,
  noticeWindowProblems,
  servedCommunities,
  servesRow,
  type NoticeKind,
  type NoticeView,
  type SharedFaultsView,
} from '@linli/shared';
import { Brackets, DataSource, type SelectQueryBuilder } from 'typeorm';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { recordAudit } from '../audit/audit.service.js';
import { clip } from '../notifications/notification-rules.js';
import { NotificationsRepository } from '../notifications/notifications.repository.js';
import { PlacesRepository } from '../places/places.repository.js';
import { BindingsRepository } from '../residents/bindings.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { SharedFaultsService, type ReportPlace } from '../work-orders/shared-faults.service.js';
import type { CreateNoticeDto, ListNoticesQuery, NoticesAtQuery } from './notices.dto.js';
import { Notice } from './notice.entity.js';

/** The in-app message type of a notice (notification.type). */
export const NOTICE_MESSAGE_TYPE = 'notice';

/**
 * Notices (docs/notices.md): the desk, supervisors and admins tell a community, or some of its
 * buildings, about a planned outage for a time window. Residents see the current ones on home
 * and get a message once, at publishing. A notice ends by itself at `endsAt` (every read
 * compares with the clock; nothing needs to fire), or earlier when staff end it.
 */
@Injectable()
export class NoticesService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(BindingsRepository) private readonly bindings: BindingsRepository,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(NotificationsRepository) private readonly notifications: NotificationsRepository,
    @Inject(SharedFaultsService) private readonly faults: SharedFaultsService,
  ) {}

  async publish(actor: Actor, dto: CreateNoticeDto): Promise<NoticeView> {
    const community = await this.places.findCommunity(dto.communityId);
    if (!community || !servesRow(actor, { companyId: community.companyId, communityId: community.id })) {
      throw notFound('community');
    }
    const buildingIds = dto.buildingIds ?? null;
    if (buildingIds !== null) {
      const known = new Set((await this.places.buildingsOf(community.id)).map((b) => b.id));
      const foreign = buildingIds.filter((id) => !known.has(id));
      if (foreign.length) {
        throw new AppError('VALIDATION_FAILED', 'unknown buildings', [
          { field: 'buildingIds', problems: [`not buildings of this community: ${foreign.join(', ')}`] },
        ]);
      }
    }
    const now = this.clock.now();
    const startsAt = new Date(dto.startsAt);
    const endsAt = new Date(dto.endsAt);
    const problems = noticeWindowProblems(startsAt, endsAt, now);
    if (Object.keys(problems).length) {
      throw new AppError(
        'VALIDATION_FAILED',
        'invalid notice window',
        Object.entries(problems).map(([field, problem]) => ({ field, problems: [problem] })),
      );
    }
    const title = dto.title.trim();
    const body = dto.body.trim();
    const notice = await this.ds.transaction(async (em) => {
      const row = await em.save(
        em.create(Notice, {
          companyId: community.companyId,
          communityId: community.id,
          buildingIds: buildingIds === null ? null : [...buildingIds].sort((a, b) => a - b),
          kind: dto.kind,
          title,
          body,
          startsAt,
          endsAt,
          endedAt: null,
          recipients: 0,
          createdById: actor.userId,
          createdAt: now,
        }),
      );
      // Every verified resident of the community (or the buildings) gets one message, in this
      // transaction: a notice is published with its messages or not at all.
      const residentIds = await this.bindings.verifiedResidentIdsOf(community.id, row.buildingIds, em);
      const residents = await this.users.findActiveByIds(residentIds, em);
      const label = NOTICE_KIND_LABELS[dto.kind];
      const when = `${formatChinaDateTime(startsAt)} 至 ${formatChinaDateTime(endsAt)}`;
      const ids = await this.notifications.insertNotifications(
        em,
        residents.map((u) => ({
          userId: u.id,
          eventId: null,
          type: NOTICE_MESSAGE_TYPE,
          title: clip(`【${label}】${title}`, 100),
          body: clip(`${community.name}，${when}：${body}`, 500),
          workOrderId: null,
          createdAt: now,
        })),
      );
      // A WeChat subscribe message only where the resident has granted one (the delivery worker
      // spends the grant, or skips when none is left); no SMS for notices.
      const template = this.config.notifications.orderTemplateId;
      for (const [i, u] of residents.entries()) {
        if (template && u.wechatOpenid) {
          await this.notifications.insertDelivery(em, { notificationId: ids[i], userId: u.id, channel: 'wechat', now });
        }
      }
      row.recipients = residents.length;
      await em.update(Notice, { id: row.id }, { recipients: row.recipients });
      const after = {
        communityId: row.communityId,
        buildingIds: row.buildingIds,
        kind: row.kind,
        title,
        startsAt,
        endsAt,
      };
      await recordAudit(em, actor, 'create', 'notice', row.id, null, { ...after, recipients: row.recipients });
      return row;
    });
    return (await this.views([notice], true))[0];
  }

  /** Ends a notice now (an outage fixed early); an ended one cannot end again. */
  async end(actor: Actor, id: number): Promise<NoticeView> {
    const notice = Number.isSafeInteger(id) ? await this.ds.getRepository(Notice).findOneBy({ id }) : null;
    if (!notice || !servesRow(actor, notice)) throw notFound('notice');
    const now = this.clock.now();
    const ended = await this.ds.transaction(async (em) => {
      const res = await em
        .createQueryBuilder()
        .update(Notice)
        .set({ endedAt: now })
        .where('id = :id AND endedAt IS NULL AND endsAt > :now', { id, now })
        .execute();
      if ((res.affected ?? 0) !== 1) return false;
      await recordAudit(em, actor, 'end', 'notice', id, { endedAt: null }, { endedAt: now });
      return true;
    });
    if (!ended) throw new AppError('TRANSITION_NOT_ALLOWED', 'the notice has ended already');
    return (await this.views([{ ...notice, endedAt: now }], true))[0];
  }

  /**
   * Residents: the upcoming and current notices that reach one of their verified houses.
   * Staff: their communities' notices, upcoming and current (or `all`: the last 200).
   */
  async list(actor: Actor, query: ListNoticesQuery): Promise<NoticeView[]> {
    const now = this.clock.now();
    const qb = this.ds.getRepository(Notice).createQueryBuilder('n');
    if (actor.role === 'resident') {
      const houses = await this.places.findHouses(await this.bindings.verifiedHouseIds(actor.userId));
      if (!houses.length) return [];
      const communityIds = [...new Set(houses.map((h) => h.communityId))];
      const rows = await this.live(qb, now)
        .andWhere('n.communityId IN (:...communityIds)', { communityIds })
        .orderBy('n.startsAt', 'ASC')
        .addOrderBy('n.id', 'ASC')
        .take(50)
        .getMany();
      const reached = rows.filter((n) =>
        houses.some((h) => noticeReaches(n, { communityId: h.communityId, buildingId: h.buildingId })),
      );
      return this.views(
        query.communityId ? reached.filter((n) => n.communityId === query.communityId) : reached,
        false,
      );
    }
    qb.where('n.companyId = :companyId', { companyId: actor.companyId });
    const served = servedCommunities(actor);
    if (served !== 'all') {
      if (!served.length) return [];
      qb.andWhere('n.communityId IN (:...served)', { served });
    }
    if (query.communityId) qb.andWhere('n.communityId = :communityId', { communityId: query.communityId });
    if (query.state !== 'all') this.live(qb, now);
    const rows = await qb.orderBy('n.startsAt', 'DESC').addOrderBy('n.id', 'DESC').take(200).getMany();
    return this.views(rows, true);
  }

  /**
   * What a resident about to report at a place sees first (docs/notices.md "Shared faults"):
   * the current notices that reach it and the open public-area orders there to join.
   */
  async at(actor: Actor, query: NoticesAtQuery): Promise<SharedFaultsView> {
    if ((query.houseId === undefined) === (query.publicAreaId === undefined)) {
      throw new AppError('VALIDATION_FAILED', 'give exactly one of houseId and publicAreaId', [
        { field: 'houseId', problems: ['exactly one of houseId and publicAreaId is required'] },
      ]);
    }
    const place = await this.placeOf(actor, query);
    const now = this.clock.now();
    const rows = await this.live(this.ds.getRepository(Notice).createQueryBuilder('n'), now)
      .andWhere('n.communityId = :communityId', { communityId: place.communityId })
      .andWhere('n.startsAt <= :now', { now })
      .orderBy('n.startsAt', 'DESC')
      .take(20)
      .getMany();
    const notices = rows.filter((n) => noticeReaches(n, place));
    const [views, orders] = await Promise.all([this.views(notices, false), this.faults.openAt(actor, place)]);
    return { notices: views, orders };
  }

  /** The place, checked: a resident's verified house, or a public area of a community they live in. */
  private async placeOf(actor: Actor, query: NoticesAtQuery): Promise<ReportPlace> {
    if (query.houseId !== undefined) {
      const house = await this.places.findHouse(query.houseId);
      if (!house || !(await this.bindings.isVerified(actor.userId, house.id))) throw notFound('house');
      return { communityId: house.communityId, buildingId: house.buildingId, publicAreaId: null };
    }
    const area = await this.places.findPublicArea(query.publicAreaId!);
    if (!area || !(await this.bindings.verifiedCommunityIds(actor.userId)).includes(area.communityId)) {
      throw notFound('public area');
    }
    return { communityId: area.communityId, buildingId: area.buildingId, publicAreaId: area.id };
  }

  /** Not ended: before endsAt and not ended early. */
  private live(qb: SelectQueryBuilder<Notice>, now: Date): SelectQueryBuilder<Notice> {
    qb.andWhere('n.endsAt > :now', { now }).andWhere(
      new Brackets((w) => w.where('n.endedAt IS NULL').orWhere('n.endedAt > :now', { now })),
    );
    return qb;
  }

  private async views(rows: Notice[], staff: boolean): Promise<NoticeView[]> {
    if (!rows.length) return [];
    const now = this.clock.now();
    const communityIds = [...new Set(rows.map((n) => n.communityId))];
    const [communities, buildings] = await Promise.all([
      this.places.findCommunities(communityIds),
      Promise.all(communityIds.map((id) => this.places.buildingsOf(id))),
    ]);
    const communityName = new Map(communities.map((c) => [c.id, c.name]));
    const buildingName = new Map(buildings.flat().map((b) => [b.id, b.name]));
    return rows.map((n) => ({
      id: n.id,
      communityId: n.communityId,
      communityName: communityName.get(n.communityId) ?? '',
      buildingIds: n.buildingIds,
      buildingNames: (n.buildingIds ?? []).map((id) => buildingName.get(id) ?? ''),
      kind: n.kind as NoticeKind,
      title: n.title,
      body: n.body,
      startsAt: n.startsAt.toISOString(),
      endsAt: n.endsAt.toISOString(),
      endedAt: n.endedAt ? n.endedAt.toISOString() : null,
      state: noticeState(n, now),
      createdAt: n.createdAt.toISOString(),
      ...(staff ? { recipients: n.recipients } : {}),
    }));
  }
}
