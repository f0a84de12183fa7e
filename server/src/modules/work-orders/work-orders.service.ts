import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  ACTION_REQUIREMENTS,
  allowedActions,
  fullPhonesOnOrder,
  maskPhone,
  servesCommunity,
  planAction,
  type ActionInput,
  type ActorContext,
  type EffectActor,
  type OrderPatch,
  type Page,
  type PersonRef,
  type Priority,
  type Role,
  type TimelineEventView,
  type WorkOrderAction,
  type WorkOrderDetailView,
  type WorkOrderStatus,
  type WorkOrderView,
} from '@linli/shared';
import { AppError, notFound } from '../../common/app-error.js';
import { Clock } from '../../common/clock.js';
import type { Actor } from '../../common/auth/actor.js';
import { isUniqueViolation } from '../../common/db-errors.js';
import { CategoriesRepository } from '../categories/categories.repository.js';
import type { Community, House } from '../places/places.repository.js';
import { PlacesRepository } from '../places/places.repository.js';
import { BindingsRepository } from '../residents/bindings.repository.js';
import { UploadsRepository } from '../uploads/uploads.repository.js';
import { UploadsService } from '../uploads/uploads.service.js';
import type { User } from '../users/users.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import type { CreateWorkOrderDto, ListWorkOrdersQuery, TransitionDto } from './work-order.dto.js';
import type { WorkOrder, WorkOrderEvent } from './work-order.entities.js';
import { factsOf, WorkOrderLifecycle } from './work-order-lifecycle.js';
import { WorkOrdersRepository, type OrderScope } from './work-orders.repository.js';

const IDEMPOTENCY_KEY = /^[\w-]{8,64}$/;

export interface CreateResult {
  order: WorkOrderDetailView;
  /** True when an earlier request with the same Idempotency-Key created it. */
  replayed: boolean;
}

/** Where an order is: resolved and checked against who creates it. */
interface Place {
  community: Community;
  house: House | null;
  houseId: number | null;
  publicAreaId: number | null;
  location: string;
}

@Injectable()
export class WorkOrdersService {
  constructor(
    @Inject(WorkOrdersRepository) private readonly orders: WorkOrdersRepository,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(BindingsRepository) private readonly bindings: BindingsRepository,
    @Inject(CategoriesRepository) private readonly categories: CategoriesRepository,
    @Inject(UploadsRepository) private readonly uploads: UploadsRepository,
    @Inject(UploadsService) private readonly photos: UploadsService,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(WorkOrderLifecycle) private readonly lifecycle: WorkOrderLifecycle,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async create(actor: Actor, dto: CreateWorkOrderDto, idempotencyKey: string | undefined): Promise<CreateResult> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new AppError('IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 8-64 letters, digits, _ or -');
    }
    const requestHash = createHash('sha256').update(JSON.stringify(dto)).digest('hex');
    try {
      return await this.createOnce(actor, dto, idempotencyKey, requestHash);
    } catch (e) {
      // The key was used before: a concurrent request with it committed first (unique
      // violation), or this is a retry that no longer passes the checks (answer as the first
      // time). No lookup before the work: a fresh key, the common case, costs no statement.
      if (idempotencyKey && (isUniqueViolation(e) || e instanceof AppError)) {
        const replay = await this.replay(actor, idempotencyKey, requestHash);
        if (replay) return replay;
      }
      throw e;
    }
  }

  private async createOnce(
    actor: Actor,
    dto: CreateWorkOrderDto,
    idempotencyKey: string | undefined,
    requestHash: string,
  ): Promise<CreateResult> {
    const place = await this.resolvePlace(actor, dto);
    if (!(await this.categories.exists(place.community.companyId, dto.category))) {
      throw new AppError('VALIDATION_FAILED', 'unknown category', [
        { field: 'category', problems: [`no category "${dto.category}" in this community`] },
      ]);
    }
    const photoIds = dto.photoIds ?? [];
    if (photoIds.length && !(await this.uploads.allOwnedBy(photoIds, actor.userId))) {
      throw new AppError('VALIDATION_FAILED', 'unknown photos', [
        { field: 'photoIds', problems: ['every photo must be one you uploaded'] },
      ]);
    }
    const isResident = actor.role === 'resident';
    const reporterId = isResident ? actor.userId : await this.checkReporter(dto.reporterId, place);
    // Staff filing without a channel: a technician found it, the desk took a call.
    const channel = isResident ? 'miniprogram' : (dto.channel ?? (actor.role === 'technician' ? 'staff' : 'phone'));

    const id = await this.lifecycle.run(async (ctx) => {
      const order = await this.lifecycle.create(
        ctx,
        {
          companyId: place.community.companyId,
          communityId: place.community.id,
          houseId: place.houseId,
          publicAreaId: place.publicAreaId,
          kind: dto.kind ?? 'repair',
          channel,
          category: dto.category,
          priority: dto.priority ?? 'P3',
          description: dto.description.trim(),
          reporterId,
          createdById: actor.userId,
          preferredTime: dto.preferredTime ?? null,
          photoIds,
        },
        () => this.orders.nextOrderNo(ctx.em, place.community, ctx.now),
        { userId: actor.userId, role: actor.role },
        { channel, location: place.location },
      );
      if (idempotencyKey) {
        await this.orders.insertIdempotency(ctx.em, {
          userId: actor.userId,
          key: idempotencyKey,
          requestHash,
          workOrderId: order.id,
        });
      }
      return order.id;
    });
    return { order: await this.createdView(actor, id, place), replayed: false };
  }

  /**
   * The answer to a create, as `detail` gives it but from what the request already knows: the
   * creator sees the order they filed, and its place was read to check it. Read after routing
   * had its go, so it shows who is coming (or that routing is still deciding: 派单中).
   */
  private async createdView(actor: Actor, id: number, place: Place): Promise<WorkOrderDetailView> {
    const order = await this.orders.findById(id);
    if (!order) throw notFound('work order');
    const events = await this.orders.timeline(id);
    const people = await this.users.findByIds(
      [order.reporterId, order.assigneeId, ...events.map((e) => e.actorId)].filter((x): x is number => x !== null),
    );
    const [view] = await this.toViews(actor, [order], {
      people,
      houses: place.house ? [place.house] : [],
      communities: [place.community],
      verifiedHouseIds: actor.role === 'resident' && place.houseId !== null ? [place.houseId] : [],
    });
    return { ...view, timeline: await this.toTimeline(events, people) };
  }

  async list(actor: Actor, query: ListWorkOrdersQuery): Promise<Page<WorkOrderView>> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const scope = await this.scopeOf(actor);
    const { items, total } = await this.orders.list(
      scope,
      {
        ...query,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      },
      page,
      pageSize,
    );
    // The resident's verified houses were read for the scope: not again for the views.
    const known = scope.kind === 'resident' ? { verifiedHouseIds: scope.houseIds } : {};
    return { items: await this.toViews(actor, items, known), total, page, pageSize };
  }

  async detail(actor: Actor, id: number): Promise<WorkOrderDetailView> {
    const order = await this.findVisible(actor, id);
    const events = await this.orders.timeline(id);
    // One read of the people for the view and the timeline.
    const people = await this.users.findByIds(
      [order.reporterId, order.assigneeId, ...events.map((e) => e.actorId)].filter((x): x is number => x !== null),
    );
    const [view] = await this.toViews(actor, [order], { people });
    return { ...view, timeline: await this.toTimeline(events, people) };
  }

  async transition(actor: Actor, id: number, dto: TransitionDto): Promise<WorkOrderDetailView> {
    // A technician who lost a grab race must hear who won, not "not found": grabs look at
    // every order of the technician's communities.
    const order =
      dto.action === 'grab' && actor.role === 'technician'
        ? await this.findVisible(actor, id, {
            kind: 'staff',
            companyId: actor.companyId!,
            communityIds: actor.communityIds,
          })
        : await this.findVisible(actor, id);
    if (dto.version !== undefined && dto.version !== order.version) {
      const assignee = order.assigneeId === null ? null : await this.users.findById(order.assigneeId);
      throw new AppError('VERSION_CONFLICT', `order is at version ${order.version}, not ${dto.version}`, {
        currentVersion: order.version,
        status: order.status,
        assignee: assignee && { id: assignee.id, name: assignee.name },
      });
    }
    const who: EffectActor = { ...(await this.actorContext(actor, order)), userId: actor.userId };
    const plan = planAction(factsOf(order), await this.actionInput(actor, order, dto), who, this.clock.now());
    if (!plan.ok) {
      const assignee = order.assigneeId === null ? null : await this.users.findById(order.assigneeId);
      throw new AppError(
        plan.code,
        plan.code === 'FORBIDDEN'
          ? `${actor.role} may not ${dto.action} this order`
          : `cannot ${dto.action} an order that is ${order.status}`,
        { status: order.status, action: dto.action, assignee: assignee && { id: assignee.id, name: assignee.name } },
      );
    }
    const updated = await this.lifecycle.run((ctx) =>
      this.lifecycle.apply(ctx, order, plan.effects, {
        actor: { userId: actor.userId, role: actor.role },
        note: dto.note ?? null,
        reason: dto.reason ?? dto.pauseReason ?? null,
        photoIds: dto.photoIds ?? [],
        data: this.eventData(dto, plan.effects.patch),
      }),
    );
    if (!updated) {
      // Lost a race (two grabs, accept against a reassign): say where the order is now, so the
      // loser of a grab learns who won, as with TRANSITION_NOT_ALLOWED.
      const now = await this.orders.findById(id);
      const assignee = now?.assigneeId ? await this.users.findById(now.assigneeId) : null;
      throw new AppError('VERSION_CONFLICT', 'the order changed while you acted on it; reload and retry', {
        status: now?.status ?? null,
        action: dto.action,
        assignee: assignee && { id: assignee.id, name: assignee.name },
      });
    }
    return this.detailAfterChange(actor, id);
  }

  /** After a change the actor may no longer see the order (a decline, a transfer): answer from the row. */
  private async detailAfterChange(actor: Actor, id: number): Promise<WorkOrderDetailView> {
    try {
      return await this.detail(actor, id);
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'NOT_FOUND') throw e;
      const order = await this.orders.findById(id);
      if (!order) throw e;
      const [view] = await this.toViews(actor, [order]);
      return { ...view, actions: [], timeline: [] };
    }
  }

  private async replay(actor: Actor, key: string, requestHash: string): Promise<CreateResult | null> {
    const record = await this.orders.findIdempotency(actor.userId, key);
    if (!record) return null;
    if (record.requestHash !== requestHash) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different order');
    }
    return { order: await this.detail(actor, record.workOrderId), replayed: true };
  }

  private async resolvePlace(actor: Actor, dto: CreateWorkOrderDto): Promise<Place> {
    const hasHouse = dto.houseId !== undefined;
    if (hasHouse === (dto.publicAreaId !== undefined)) {
      throw new AppError('VALIDATION_FAILED', 'give exactly one of houseId and publicAreaId', [
        { field: 'houseId', problems: ['exactly one of houseId and publicAreaId is required'] },
      ]);
    }
    let communityId: number;
    let houseId: number | null = null;
    let publicAreaId: number | null = null;
    let location: string;
    let house: House | null = null;
    if (hasHouse) {
      house = await this.places.findHouse(dto.houseId!);
      if (!house) throw notFound('house');
      if (actor.role === 'resident' && !(await this.bindings.isVerified(actor.userId, house.id))) {
        throw notFound('house');
      }
      communityId = house.communityId;
      houseId = house.id;
      location = house.label;
    } else {
      const area = await this.places.findPublicArea(dto.publicAreaId!);
      if (!area) throw notFound('public area');
      if (
        actor.role === 'resident' &&
        !(await this.bindings.verifiedCommunityIds(actor.userId)).includes(area.communityId)
      ) {
        throw notFound('public area');
      }
      communityId = area.communityId;
      publicAreaId = area.id;
      location = area.name;
    }
    const community = await this.places.findCommunity(communityId);
    if (!community) throw notFound('community');
    if (actor.role !== 'resident' && !servesCommunity(actor, community))
      throw notFound(hasHouse ? 'house' : 'public area');
    return { community, house, houseId, publicAreaId, location: `${community.name} ${location}` };
  }

  /** Staff filing for a resident: the resident must be verified for the house. */
  private async checkReporter(reporterId: number | undefined, place: Place): Promise<number | null> {
    if (reporterId === undefined) return null;
    const ok = place.houseId !== null && (await this.bindings.isVerified(reporterId, place.houseId));
    if (!ok) {
      throw new AppError('VALIDATION_FAILED', 'reporter is not a verified resident of the house', [
        { field: 'reporterId', problems: ['must be a resident verified for the house'] },
      ]);
    }
    return reporterId;
  }

  async scopeOf(actor: Actor): Promise<OrderScope> {
    switch (actor.role) {
      case 'resident':
        return { kind: 'resident', userId: actor.userId, houseIds: await this.bindings.verifiedHouseIds(actor.userId) };
      case 'technician':
        return {
          kind: 'technician',
          userId: actor.userId,
          companyId: actor.companyId!,
          communityIds: actor.communityIds,
        };
      case 'desk':
      case 'supervisor':
        return { kind: 'staff', companyId: actor.companyId!, communityIds: actor.communityIds };
      case 'admin':
        return { kind: 'company', companyId: actor.companyId! };
    }
  }

  /** The order if the actor may see it, else NOT_FOUND: for other modules' order sub-resources. */
  findVisibleOrder(actor: Actor, id: number): Promise<WorkOrder> {
    return this.findVisible(actor, id);
  }

  private async findVisible(actor: Actor, id: number, scope?: OrderScope): Promise<WorkOrder> {
    if (!Number.isSafeInteger(id) || id < 1) throw notFound('work order');
    const order = await this.orders.findInScope(id, scope ?? (await this.scopeOf(actor)));
    if (!order) throw notFound('work order');
    return order;
  }

  private async actorContext(actor: Actor, order: WorkOrder): Promise<ActorContext> {
    const isReporter =
      actor.role === 'resident' &&
      (order.reporterId === actor.userId ||
        (order.houseId !== null && (await this.bindings.isVerified(actor.userId, order.houseId))));
    return { role: actor.role, isAssignee: order.assigneeId === actor.userId, isReporter };
  }

  /**
   * Check what the action needs from the request (and the database) and turn it into the
   * shared effects' input; the row changes themselves come from `planAction`.
   */
  private async actionInput(actor: Actor, order: WorkOrder, dto: TransitionDto): Promise<ActionInput> {
    const needs = ACTION_REQUIREMENTS[dto.action];
    const missing = (field: string, problem: string) =>
      new AppError('VALIDATION_FAILED', `${dto.action} needs ${field}`, [{ field, problems: [problem] }]);
    if (needs.assignee && dto.assigneeId === undefined) throw missing('assigneeId', 'assigneeId is required');
    if (needs.reason && dto.action !== 'pause' && !dto.reason) throw missing('reason', 'a reason is required');
    if (dto.action === 'pause' && !dto.pauseReason) throw missing('pauseReason', 'a pause reason is required');
    if (needs.quote && !dto.quoteItems?.length) throw missing('quoteItems', 'at least one quote item is required');
    if (dto.photoIds?.length && !(await this.uploads.allOwnedBy(dto.photoIds, actor.userId))) {
      throw new AppError('VALIDATION_FAILED', 'unknown photos', [
        { field: 'photoIds', problems: ['every photo must be one you uploaded'] },
      ]);
    }
    if (dto.action === 'assign' || dto.action === 'transfer') {
      if (dto.action === 'transfer' && dto.assigneeId === actor.userId) {
        throw missing('assigneeId', 'transfer to a colleague, not to yourself');
      }
      await this.checkTechnician(order, dto.assigneeId!);
      return { action: dto.action, assigneeId: dto.assigneeId! };
    }
    if (dto.action === 'quote') return { action: 'quote', quoteItems: dto.quoteItems };
    return { action: dto.action };
  }

  private async checkTechnician(order: WorkOrder, userId: number): Promise<void> {
    const user = await this.users.findStaff(order.companyId, userId);
    const communities = user ? await this.users.communityIdsOf(user.id) : [];
    if (!user || user.role !== 'technician' || !communities.includes(order.communityId)) {
      throw new AppError('VALIDATION_FAILED', 'assignee must be a technician serving the community', [
        { field: 'assigneeId', problems: ['not a technician serving this community'] },
      ]);
    }
  }

  private eventData(dto: TransitionDto, patch: OrderPatch): Record<string, unknown> | null {
    const data: Record<string, unknown> = {};
    if (patch.assigneeId !== undefined) data.assigneeId = patch.assigneeId;
    if (dto.reason) data.reason = dto.reason;
    if (dto.pauseReason) data.pauseReason = dto.pauseReason;
    if (patch.quoteItems) {
      data.quoteItems = patch.quoteItems;
      data.quoteTotalFen = patch.quoteTotalFen;
    }
    return Object.keys(data).length ? data : null;
  }

  /** Views of orders; `known` rows the caller has already read are not read again. */
  private async toViews(
    actor: Actor,
    orders: WorkOrder[],
    known: { people?: User[]; houses?: House[]; communities?: Community[]; verifiedHouseIds?: number[] } = {},
  ): Promise<WorkOrderView[]> {
    const people =
      known.people ??
      (await this.users.findByIds(
        orders.flatMap((o) => [o.reporterId, o.assigneeId]).filter((x): x is number => x !== null),
      ));
    const byId = new Map(people.map((u) => [u.id, u]));
    const houses = new Map(
      (
        known.houses ??
        (await this.places.findHouses(orders.map((o) => o.houseId).filter((x): x is number => x !== null)))
      ).map((h) => [h.id, h]),
    );
    const communities = new Map(
      (known.communities ?? (await this.places.findCommunities([...new Set(orders.map((o) => o.communityId))]))).map(
        (c) => [c.id, c],
      ),
    );
    const verified = new Set(
      known.verifiedHouseIds ?? (actor.role === 'resident' ? await this.bindings.verifiedHouseIds(actor.userId) : []),
    );
    const views: WorkOrderView[] = [];
    for (const o of orders) {
      const isReporter =
        actor.role === 'resident' && (o.reporterId === actor.userId || (o.houseId !== null && verified.has(o.houseId)));
      const ctx: ActorContext = { role: actor.role, isAssignee: o.assigneeId === actor.userId, isReporter };
      const full = fullPhonesOnOrder(actor, ctx, o.status as WorkOrderStatus);
      const person = (id: number | null, full: boolean): PersonRef | null => {
        const u: User | undefined = id === null ? undefined : byId.get(id);
        return u ? { id: u.id, name: u.name, phone: full ? u.phone : maskPhone(u.phone) } : null;
      };
      const community = communities.get(o.communityId);
      const house = o.houseId !== null ? houses.get(o.houseId) : undefined;
      views.push({
        id: o.id,
        no: o.no,
        kind: o.kind as WorkOrderView['kind'],
        channel: o.channel as WorkOrderView['channel'],
        status: o.status as WorkOrderStatus,
        priority: o.priority as Priority,
        category: o.category,
        description: o.description,
        companyId: o.companyId,
        communityId: o.communityId,
        houseId: o.houseId,
        publicAreaId: o.publicAreaId,
        location: [community?.name, house?.label].filter(Boolean).join(' '),
        reporter: person(o.reporterId, full.reporter),
        assignee: person(o.assigneeId, full.assignee),
        preferredTime: o.preferredTime,
        photoIds: o.photoIds,
        photos: this.photos.photoRefs(o.photoIds),
        quote: o.quoteItems ? { items: o.quoteItems, totalFen: o.quoteTotalFen ?? 0, approved: o.quoteApproved } : null,
        urgeCount: o.urgeCount,
        reopenCount: o.reopenCount,
        routingState: o.routingState as WorkOrderView['routingState'],
        slaDueAt: o.slaDueAt?.toISOString() ?? null,
        repeatOfId: o.repeatOfId,
        version: o.version,
        createdAt: o.createdAt.toISOString(),
        updatedAt: o.updatedAt.toISOString(),
        actions: allowedActions(o.status as WorkOrderStatus, ctx).filter((a) => a !== 'auto_close'),
      });
    }
    return views;
  }

  private async toTimeline(events: WorkOrderEvent[], known?: User[]): Promise<TimelineEventView[]> {
    const people = new Map(
      (known ?? (await this.users.findByIds(events.map((e) => e.actorId).filter((x): x is number => x !== null)))).map(
        (u) => [u.id, u],
      ),
    );
    return events.map((e) => ({
      id: e.id,
      action: e.action as WorkOrderAction | 'create',
      from: e.fromStatus as WorkOrderStatus | null,
      to: e.toStatus as WorkOrderStatus,
      actor: {
        id: e.actorId,
        role: e.actorRole as Role | 'system',
        name: e.actorId === null ? '系统' : (people.get(e.actorId)?.name ?? ''),
      },
      note: e.note,
      photoIds: e.photoIds,
      photos: this.photos.photoRefs(e.photoIds),
      at: e.createdAt.toISOString(),
    }));
  }
}
