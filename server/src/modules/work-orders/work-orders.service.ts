import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  ACTION_REQUIREMENTS,
  allowedActions,
  fullPhonesOnOrder,
  maskPhone,
  servesCommunity,
  planAction,
  RESIDENT_HIDDEN_NOTE_ACTIONS,
  URGE_COOLDOWN_MINUTES,
  urgeTooSoon,
  visitWindowOf,
  visitWindowProblem,
  quoteActionRefusal,
  type ActionInput,
  type ActorContext,
  type BillEffect,
  type BillUseInput,
  type QuoteItem,
  type QuoteLineInput,
  type QuoteState,
  type EffectActor,
  type OrderPatch,
  type Page,
  type PersonRef,
  type Priority,
  type Role,
  type TimelineEventView,
  type WorkOrderAction,
  type CreatedWorkOrderView,
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
import { factsOf, WorkOrderLifecycle, type FollowedChange } from './work-order-lifecycle.js';
import { WorkOrdersRepository, type OrderScope } from './work-orders.repository.js';

const IDEMPOTENCY_KEY = /^[\w-]{8,64}$/;

export interface CreateResult {
  order: CreatedWorkOrderView;
  /** True when an earlier request with the same Idempotency-Key created it. */
  replayed: boolean;
  /** True when the answer is an earlier open order the new one duplicates (no new order). */
  duplicate?: boolean;
}

/** Thrown inside a create's transaction when a concurrent identical create committed first. */
class DuplicateOrder extends Error {
  constructor(readonly orderId: number) {
    super(`duplicate of order ${orderId}`);
  }
}

/** What an order's views show of a person. */
type Person = Pick<User, 'id' | 'name' | 'phone'>;

/** Rows a caller has already read, so that building views does not read them again. */
interface KnownRows {
  people?: Person[];
  houses?: House[];
  communities?: Community[];
  verifiedHouseIds?: number[];
}

/**
 * What another module adds to an order's detail, computed on every read (the arrival estimate
 * and the stage promises: arrival/arrival.service.ts). Registered once at start-up.
 */
export type OrderDetailPart = (actor: Actor, order: WorkOrder) => Promise<Partial<WorkOrderDetailView>>;

/**
 * The fee rules of quotes and bills (docs/fees.md), registered by the billing module so that
 * work orders depend on none of it. Both throw an AppError to refuse.
 */
export interface OrderFeeRules {
  /** quote: price the lines from the community's list; whether the supervisor sees it first. */
  priceQuote(order: WorkOrder, lines: QuoteLineInput[]): Promise<{ items: QuoteItem[]; needsSupervisor: boolean }>;
  /** complete: the bill to write, or undefined for none. */
  completionBill(
    order: WorkOrder,
    input: { bill?: { lines: BillUseInput[] }; free?: boolean },
  ): Promise<BillEffect | undefined>;
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
  ) {
    // A signed photo URL keeps working only while its viewer still sees the order it was shown on.
    this.photos.setOrderVisibility((viewer, orderId) =>
      this.findVisible(viewer, orderId).then(
        () => true,
        () => false,
      ),
    );
  }

  private readonly detailParts: OrderDetailPart[] = [];

  private feeRules: OrderFeeRules | null = null;

  /** The billing module's rules for quotes and bills (once, at start-up). */
  setFeeRules(rules: OrderFeeRules): void {
    this.feeRules = rules;
  }

  private fees(): OrderFeeRules {
    if (!this.feeRules) throw new Error('no fee rules registered (BillingModule)');
    return this.feeRules;
  }

  /** Another module's part of every order detail (see OrderDetailPart). */
  addDetailPart(part: OrderDetailPart): void {
    this.detailParts.push(part);
  }

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
    const visit = this.checkVisitWindow(dto);
    const aboutUserId = await this.checkAbout(actor, dto, place);
    // Staff filing without a channel: a technician found it, the desk took a call.
    const channel = isResident ? 'miniprogram' : (dto.channel ?? (actor.role === 'technician' ? 'staff' : 'phone'));

    // An accidental second tap (or a call about an order the resident just filed): answer with
    // the open order (docs/product-rules.md "Abuse limits"). One indexed read; none is written.
    const like = {
      companyId: place.community.companyId,
      houseId: place.houseId,
      publicAreaId: place.publicAreaId,
      reporterId,
      createdById: actor.userId,
      category: dto.category,
      description: dto.description.trim(),
    };
    const onlyOf = actor.role === 'technician' ? actor.userId : undefined;
    // SQLite: here, before the write (one writer at a time, this read sees every earlier create).
    // MariaDB: only inside the transaction, under the order-number lock (below): a duplicate then
    // rolls back, the order number with it, and the common case costs one read, not two.
    if (this.orders.locksWholeDatabase) {
      const earlier = await this.orders.findDuplicateOrder({ ...like, createdAt: this.clock.now() }, { onlyOf });
      if (earlier !== null) return this.answerDuplicate(actor, earlier, idempotencyKey, requestHash);
    }

    let created: { id: number; changes: FollowedChange[] };
    const followed: number[] = [];
    try {
      created = await this.lifecycle.run(async (ctx) => {
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
            visitFrom: visit ? new Date(visit.from) : null,
            visitTo: visit ? new Date(visit.to) : null,
            aboutUserId,
            photoIds,
          },
          async () => {
            const no = await this.orders.nextOrderNo(ctx.em, place.community, ctx.now);
            // MariaDB: under the community's number lock, look again (a locking read sees what
            // committed meanwhile), so of concurrent identical creates one files the order.
            // SQLite runs one write at a time: the read above has seen every earlier create.
            if (!this.orders.locksWholeDatabase) {
              const dup = await this.orders.findDuplicateOrder(
                { ...like, createdAt: ctx.now },
                { onlyOf, lock: true },
                ctx.em,
              );
              if (dup !== null) throw new DuplicateOrder(dup);
            }
            return no;
          },
          { userId: actor.userId, role: actor.role },
          { channel, location: place.location },
        );
        followed.push(order.id);
        const changes = this.lifecycle.follow(ctx, order);
        if (idempotencyKey) {
          await this.orders.insertIdempotency(ctx.em, {
            userId: actor.userId,
            key: idempotencyKey,
            requestHash,
            workOrderId: order.id,
          });
        }
        return { id: order.id, changes };
      });
    } catch (e) {
      if (e instanceof DuplicateOrder) return this.answerDuplicate(actor, e.orderId, idempotencyKey, requestHash);
      throw e;
    } finally {
      // Run has returned after its after-commit work (routing's drain): what it changed is in.
      for (const id of followed) this.lifecycle.unfollow(id);
    }
    return { order: await this.createdView(actor, created.id, created.changes, place), replayed: false };
  }

  /**
   * An earlier identical order, as the answer to a create. The request's Idempotency-Key is
   * remembered for it, so a retry answers the same order (a concurrent one with the key loses
   * the unique index and replays).
   */
  private async answerDuplicate(
    actor: Actor,
    orderId: number,
    idempotencyKey: string | undefined,
    requestHash: string,
  ): Promise<CreateResult> {
    if (idempotencyKey) {
      await this.orders.transaction((em) =>
        this.orders.insertIdempotency(em, {
          userId: actor.userId,
          key: idempotencyKey,
          requestHash,
          workOrderId: orderId,
        }),
      );
    }
    return { order: { ...(await this.detail(actor, orderId)), duplicate: true }, replayed: false, duplicate: true };
  }

  /**
   * The answer to a create, as `detail` gives it but from the rows the request wrote and read
   * (nothing read back): the order and its `create` event as written, then what routing changed
   * if this process routed it before answering (the drain the create waited for: who is
   * coming, or 派单中 while it is still deciding or decided elsewhere; the page then hears of it
   * live). The creator sees the order they filed, and its place was read to check it. People
   * other than the creator (the technician routing chose) are read.
   */
  private async createdView(
    actor: Actor,
    id: number,
    changes: FollowedChange[],
    place: Place,
  ): Promise<WorkOrderDetailView> {
    const known = {
      houses: place.house ? [place.house] : [],
      communities: [place.community],
      verifiedHouseIds: actor.role === 'resident' && place.houseId !== null ? [place.houseId] : [],
    };
    const order = changes.at(-1)?.order;
    const events = changes.map((c) => c.event).filter((e): e is WorkOrderEvent => e !== null);
    if (!order || events[0]?.action !== 'create' || events.some((e) => typeof e.id !== 'number')) {
      const row = await this.orders.findById(id);
      if (!row) throw notFound('work order');
      return this.detailOf(actor, row, known);
    }
    const self: Person[] =
      actor.phone !== undefined ? [{ id: actor.userId, name: actor.name, phone: actor.phone }] : [];
    return this.detailOf(actor, order, known, { events, people: self });
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

  /** The order's row if the actor may see it (else NOT_FOUND): for modules that act beside an order. */
  async visibleOrder(actor: Actor, id: number): Promise<WorkOrder> {
    return this.findVisible(actor, id);
  }

  async detail(actor: Actor, id: number): Promise<WorkOrderDetailView> {
    return this.detailOf(actor, await this.findVisible(actor, id));
  }

  /**
   * An order's view with its timeline; one read of the people for both. `held`: the timeline
   * and people the caller already has (the create answer); only people missing from it are read.
   */
  private async detailOf(
    actor: Actor,
    order: WorkOrder,
    known: Omit<KnownRows, 'people'> = {},
    held?: { events: WorkOrderEvent[]; people: Person[] },
  ): Promise<WorkOrderDetailView> {
    const events = held?.events ?? (await this.orders.timeline(order.id));
    const have = new Set(held?.people.map((p) => p.id));
    const wanted = [
      order.reporterId,
      order.assigneeId,
      order.aboutUserId,
      ...events.flatMap((e) => [e.actorId, assigneeAfter(e)]),
    ].filter((x): x is number => typeof x === 'number' && !have.has(x));
    const people: Person[] = [...(held?.people ?? []), ...(await this.users.findByIds(wanted))];
    const [[view], parts] = await Promise.all([
      this.toViews(actor, [order], { ...known, people }),
      Promise.all(this.detailParts.map((part) => part(actor, order))),
    ]);
    const lastUrge = events.filter((e) => e.action === 'urge').at(-1)?.createdAt ?? null;
    const nextUrgeAt = urgeTooSoon(lastUrge, this.clock.now())?.nextUrgeAt ?? null;
    return {
      ...view,
      ...(Object.assign({}, ...parts) as Partial<WorkOrderDetailView>),
      nextUrgeAt,
      timeline: this.toTimeline(events, people, actor),
    };
  }

  async transition(actor: Actor, id: number, dto: TransitionDto): Promise<WorkOrderDetailView> {
    const order = await this.findForAction(actor, id, dto);
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
    await this.checkHousehold(actor, order, dto.action);
    // A repair is completed with at least one after photo (a complaint's answer is its note).
    if (dto.action === 'complete' && order.kind !== 'complaint' && !dto.photoIds?.length) {
      throw new AppError('VALIDATION_FAILED', 'complete needs at least one photo', [
        { field: 'photoIds', problems: ['at least one completion photo is required'] },
      ]);
    }
    if (dto.action === 'urge') await this.refuseEarlyUrge(order.id);
    const position = reportedPosition(dto);
    const updated = await this.lifecycle.run((ctx) =>
      this.lifecycle.apply(ctx, order, plan.effects, {
        actor: { userId: actor.userId, role: actor.role },
        note: dto.note ?? null,
        reason: dto.reason ?? dto.pauseReason ?? null,
        photoIds: dto.photoIds ?? [],
        data: this.eventData(dto, plan.effects.patch),
        position,
      }),
    );
    if (!updated) {
      // Of concurrent urges one wins; the others are too soon after it.
      if (dto.action === 'urge') await this.refuseEarlyUrge(id);
      // Lost a race (two grabs, accept against a reassign): say where the order is now, so the
      // loser of a grab learns who won, as with TRANSITION_NOT_ALLOWED.
      const now = await this.orders.findById(id);
      // Where the order is now is for those who may still read it (or hear who won a grab).
      if (!now || !(await this.mayHearAbout(actor, now, dto))) throw notFound('work order');
      const assignee = now.assigneeId ? await this.users.findById(now.assigneeId) : null;
      throw new AppError('VERSION_CONFLICT', 'the order changed while you acted on it; reload and retry', {
        status: now.status,
        action: dto.action,
        assignee: assignee && { id: assignee.id, name: assignee.name },
      });
    }
    return this.detailAfterChange(actor, id);
  }

  /**
   * The household's rules (docs/households.md): only the owner or a member the owner allowed
   * (可审批费用) approves or declines a quote of a house's order; only the reporter confirms
   * (the confirmation is the rating's step, so a housemate never takes it from them).
   */
  private async checkHousehold(actor: Actor, order: WorkOrder, action: WorkOrderAction): Promise<void> {
    if (actor.role !== 'resident') return;
    if ((action === 'approve_quote' || action === 'reject_quote') && order.houseId !== null) {
      if (!(await this.bindings.feeApproverHouseIds(actor.userId)).includes(order.houseId)) {
        throw new AppError('FEE_APPROVAL_NOT_ALLOWED', 'only the owner or a member the owner allowed approves fees');
      }
    }
    if (action === 'confirm' && order.reporterId !== actor.userId) {
      throw new AppError('REPORTER_ONLY', 'only the resident who reported the order confirms it');
    }
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
      // A resident files only for a house they are verified for: one read checks both.
      house =
        actor.role === 'resident'
          ? await this.places.findHouseOfResident(dto.houseId!, actor.userId)
          : await this.places.findHouse(dto.houseId!);
      if (!house) throw notFound('house');
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

  /**
   * The visit window asked for: the one given (checked: ends after it starts, at most 12 hours,
   * not over), else the window older clients' words name (今天下午 at filing time), else none.
   */
  private checkVisitWindow(dto: CreateWorkOrderDto): { from: string; to: string } | null {
    const now = this.clock.now();
    if (dto.visitWindow) {
      const problem = visitWindowProblem(dto.visitWindow, now);
      if (problem) {
        throw new AppError('VALIDATION_FAILED', 'invalid visit window', [
          { field: 'visitWindow', problems: [problem] },
        ]);
      }
      return dto.visitWindow;
    }
    return visitWindowOf(dto.preferredTime, now);
  }

  /** A complaint about a technician (staff only): they must serve the order's community. */
  private async checkAbout(actor: Actor, dto: CreateWorkOrderDto, place: Place): Promise<number | null> {
    if (dto.aboutUserId === undefined) return null;
    const refuse = (problem: string) =>
      new AppError('VALIDATION_FAILED', 'invalid aboutUserId', [{ field: 'aboutUserId', problems: [problem] }]);
    if (actor.role === 'resident') throw refuse('only staff name the technician a complaint is about');
    if ((dto.kind ?? 'repair') !== 'complaint') throw refuse('only a complaint is about a technician');
    const user = await this.users.findStaff(place.community.companyId, dto.aboutUserId);
    const communities = user ? await this.users.communityIdsOf(user.id) : [];
    if (!user || user.role !== 'technician' || !communities.includes(place.community.id)) {
      throw refuse('not a technician serving this community');
    }
    return user.id;
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
      case 'operator':
        // The platform operator sees no company's orders (the auth guard keeps it off these
        // routes; the live gateway's socket of an operator hears nothing).
        return { kind: 'staff', companyId: -1, communityIds: [] };
    }
  }

  /** The order if the actor may see it, else NOT_FOUND: for other modules' order sub-resources. */
  findVisibleOrder(actor: Actor, id: number): Promise<WorkOrder> {
    return this.findVisible(actor, id);
  }

  /**
   * The order an action is about, if the caller may hear why it is refused: one they can read,
   * or, for a technician's grab, an order of their communities another technician grabbed from
   * the pool (the loser of the race hears who won). Anything else is NOT_FOUND, as a missing id:
   * a refusal's status and assignee are for those who could read them anyway.
   */
  private async findForAction(actor: Actor, id: number, dto: TransitionDto): Promise<WorkOrder> {
    try {
      return await this.findVisible(actor, id);
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'NOT_FOUND' || !this.mayGrab(actor, dto)) throw e;
      const order = await this.findVisible(actor, id, this.grabScope(actor));
      if (!(await this.grabbedByAnother(actor, order))) throw notFound('work order');
      return order;
    }
  }

  /** May the caller hear a refusal's details about this order (read it now, or lost its grab)? */
  private async mayHearAbout(actor: Actor, order: WorkOrder, dto: TransitionDto): Promise<boolean> {
    if (await this.orders.findInScope(order.id, await this.scopeOf(actor))) return true;
    if (!this.mayGrab(actor, dto)) return false;
    if (!(await this.orders.findInScope(order.id, this.grabScope(actor)))) return false;
    return this.grabbedByAnother(actor, order);
  }

  private mayGrab(actor: Actor, dto: TransitionDto): boolean {
    return dto.action === 'grab' && actor.role === 'technician' && actor.companyId !== null;
  }

  /** Every order of the technician's communities: where a grab looks. */
  private grabScope(actor: Actor): OrderScope {
    return { kind: 'staff', companyId: actor.companyId!, communityIds: actor.communityIds };
  }

  /** The order's last change of hands was a grab by someone else. */
  private async grabbedByAnother(actor: Actor, order: WorkOrder): Promise<boolean> {
    const handovers = (await this.orders.timeline(order.id)).filter((e) =>
      ['assign', 'pool', 'grab', 'transfer', 'decline', 'reopen', 'cancel'].includes(e.action),
    );
    const last = handovers[handovers.length - 1];
    return last?.action === 'grab' && order.assigneeId !== null && order.assigneeId !== actor.userId;
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
      if (order.kind === 'complaint' && order.aboutUserId === dto.assigneeId) {
        throw new AppError('COMPLAINT_ABOUT_ASSIGNEE', 'a complaint is never handled by the technician it is about', {
          field: 'assigneeId',
          aboutUserId: order.aboutUserId,
        });
      }
      return { action: dto.action, assigneeId: dto.assigneeId! };
    }
    if (dto.action === 'grab' && order.kind === 'complaint' && order.aboutUserId === actor.userId) {
      throw new AppError('COMPLAINT_ABOUT_ASSIGNEE', 'a complaint is never handled by the technician it is about', {
        aboutUserId: order.aboutUserId,
      });
    }
    if (dto.action === 'quote') {
      const priced = await this.fees().priceQuote(order, dto.quoteItems!);
      return { action: 'quote', quoteItems: priced.items, quoteNeedsSupervisor: priced.needsSupervisor };
    }
    if (dto.action === 'reject_quote') return { action: 'reject_quote', reason: dto.reason };
    if (dto.action === 'complete') {
      const bill = await this.fees().completionBill(order, { bill: dto.bill, free: dto.free });
      return bill ? { action: 'complete', bill } : { action: 'complete' };
    }
    if (dto.bill || dto.free !== undefined) {
      throw missing('bill', 'a bill goes with complete only');
    }
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

  /**
   * URGE_TOO_SOON while the last urge's cooldown runs (shared/src/abuse-limits.ts). The
   * transition's conditional update on the version read makes one of concurrent urges win.
   */
  private async refuseEarlyUrge(orderId: number): Promise<void> {
    const tooSoon = urgeTooSoon(await this.orders.lastEventAt(orderId, 'urge'), this.clock.now());
    if (tooSoon) {
      throw new AppError(
        'URGE_TOO_SOON',
        `one urge per ${URGE_COOLDOWN_MINUTES} minutes; next at ${tooSoon.nextUrgeAt}`,
        tooSoon,
      );
    }
  }

  private eventData(dto: TransitionDto, patch: OrderPatch): Record<string, unknown> | null {
    const data: Record<string, unknown> = {};
    // The second urge and later ones also tell the supervisors (notification-rules.ts).
    if (patch.urgeCount !== undefined)
      Object.assign(data, { urgeCount: patch.urgeCount, escalated: patch.urgeCount >= 2 });
    if (patch.assigneeId !== undefined) data.assigneeId = patch.assigneeId;
    if (dto.reason) data.reason = dto.reason;
    if (dto.pauseReason) data.pauseReason = dto.pauseReason;
    if (patch.quoteItems) {
      data.quoteItems = patch.quoteItems;
      data.quoteTotalFen = patch.quoteTotalFen;
    }
    if (patch.quoteState) data.quoteState = patch.quoteState;
    return Object.keys(data).length ? data : null;
  }

  /** Views of orders; `known` rows the caller has already read are not read again. */
  private async toViews(actor: Actor, orders: WorkOrder[], known: KnownRows = {}): Promise<WorkOrderView[]> {
    const people =
      known.people ??
      (await this.users.findByIds(
        orders.flatMap((o) => [o.reporterId, o.assigneeId, o.aboutUserId]).filter((x): x is number => x != null),
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
    // Who may decide fees matters only where a resident could approve or decline a quote now.
    const feeHouses = new Set(
      actor.role === 'resident' && orders.some((o) => o.houseId !== null && quoteDecidable(o))
        ? await this.bindings.feeApproverHouseIds(actor.userId)
        : [],
    );
    const views: WorkOrderView[] = [];
    for (const o of orders) {
      const isReporter =
        actor.role === 'resident' && (o.reporterId === actor.userId || (o.houseId !== null && verified.has(o.houseId)));
      const ctx: ActorContext = { role: actor.role, isAssignee: o.assigneeId === actor.userId, isReporter };
      const full = fullPhonesOnOrder(actor, ctx, o.status as WorkOrderStatus);
      const person = (id: number | null, full: boolean): PersonRef | null => {
        const u: Person | undefined = id === null ? undefined : byId.get(id);
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
        visitWindow: o.visitFrom && o.visitTo ? { from: o.visitFrom.toISOString(), to: o.visitTo.toISOString() } : null,
        // Staff only: a resident does not learn whom the desk filed a complaint against.
        about:
          actor.role !== 'resident' && o.aboutUserId != null && byId.get(o.aboutUserId)
            ? { id: o.aboutUserId, name: byId.get(o.aboutUserId)!.name }
            : null,
        photoIds: o.photoIds,
        photos: this.photos.photoRefs(o.photoIds, actor.userId, o.id),
        quote: quoteView(o, actor),
        urgeCount: o.urgeCount,
        reopenCount: o.reopenCount,
        routingState: o.routingState as WorkOrderView['routingState'],
        slaDueAt: o.slaDueAt?.toISOString() ?? null,
        servicePhone: community?.servicePhone ?? null,
        repeatOfId: o.repeatOfId,
        complaintOfId: o.complaintOfId,
        version: o.version,
        createdAt: o.createdAt.toISOString(),
        updatedAt: o.updatedAt.toISOString(),
        actions: allowedActions(o.status as WorkOrderStatus, ctx).filter(
          (a) =>
            a !== 'auto_close' &&
            // A quote under the supervisor's review (docs/fees.md): only release or return it.
            quoteActionRefusal(a, o.quoteState as QuoteState | null) === null &&
            // The household's rules (checkHousehold): fees by the owner or an allowed member, confirm by the reporter.
            !(
              actor.role === 'resident' &&
              (((a === 'approve_quote' || a === 'reject_quote') && o.houseId !== null && !feeHouses.has(o.houseId)) ||
                (a === 'confirm' && o.reporterId !== actor.userId))
            ),
        ),
      });
    }
    return views;
  }

  /**
   * The timeline; the urges are one line with their count, in the place and with the time of
   * the latest (repeated urges are one fact: the resident is waiting).
   */
  private toTimeline(events: WorkOrderEvent[], people: Person[], viewer: Actor): TimelineEventView[] {
    const lines = this.timelineLines(events, people, viewer);
    const urges = lines.filter((l) => l.action === 'urge');
    if (urges.length < 2) return lines;
    const latest = urges[urges.length - 1];
    return lines
      .filter((l) => l.action !== 'urge' || l === latest)
      .map((l) => (l === latest ? { ...l, count: urges.length } : l));
  }

  private timelineLines(events: WorkOrderEvent[], people: Person[], viewer: Actor): TimelineEventView[] {
    const byId = new Map(people.map((u) => [u.id, u]));
    const ref = (id: number | null) => {
      const u = id === null ? undefined : byId.get(id);
      return u ? { id: u.id, name: u.name } : null;
    };
    // Whose hands the order is in, event by event (the events carry the new assignee).
    let holder: number | null = null;
    return events.map((e) => {
      const next = assigneeAfter(e);
      let handover: TimelineEventView['handover'];
      if (next !== undefined) {
        if (HANDOVERS.has(e.action)) handover = { from: ref(holder), to: ref(next) };
        holder = next;
      }
      return { ...this.eventLine(e, byId, viewer), ...(handover ? { handover } : {}) };
    });
  }

  private eventLine(e: WorkOrderEvent, byId: Map<number, Person>, viewer: Actor): TimelineEventView {
    // Routing's notes (得分 0.73, 抢单模式) and a decline's reason are for the staff: a resident's
    // answer never carries them (shared/src/labels.ts RESIDENT_HIDDEN_NOTE_ACTIONS).
    const staffOnly = viewer.role === 'resident' && RESIDENT_HIDDEN_NOTE_ACTIONS.includes(e.action as WorkOrderAction);
    return {
      id: e.id,
      action: e.action as WorkOrderAction | 'create',
      from: e.fromStatus as WorkOrderStatus | null,
      to: e.toStatus as WorkOrderStatus,
      actor: {
        id: e.actorId,
        role: e.actorRole as Role | 'system',
        name: e.actorId === null ? '系统' : (byId.get(e.actorId)?.name ?? ''),
      },
      note: staffOnly
        ? null
        : e.data?.escalated === true
          ? [e.note, '已升级通知主管'].filter(Boolean).join('；')
          : e.note,
      photoIds: e.photoIds,
      photos: this.photos.photoRefs(e.photoIds, viewer.userId, e.workOrderId),
      at: e.createdAt.toISOString(),
    };
  }
}

/** Whether a resident (the reporter, who may do most) could approve or decline the order's quote now. */
function quoteDecidable(o: WorkOrder): boolean {
  return allowedActions(o.status as WorkOrderStatus, { role: 'resident', isAssignee: false, isReporter: true }).some(
    (a) => a === 'approve_quote' || a === 'reject_quote',
  );
}

/** Timeline actions that hand the order to someone: the line says from whom to whom. */
const HANDOVERS: ReadonlySet<string> = new Set(['assign', 'transfer', 'grab']);

/**
 * Who holds the order after this event: the new assignee an assign or transfer recorded, the
 * grabbing technician, nobody after a decline, pool, reopen or cancel; undefined: unchanged.
 */
function assigneeAfter(e: WorkOrderEvent): number | null | undefined {
  if (e.action === 'grab') return e.actorId;
  if (e.data && 'assigneeId' in e.data) {
    const id = e.data.assigneeId;
    return typeof id === 'number' ? id : null;
  }
  if (['decline', 'pool', 'reopen', 'cancel'].includes(e.action)) return null;
  return undefined;
}

/**
 * The phone's position sent with 出发/到达 (both coordinates or neither; never with other
 * actions), else null. Routing keeps it as the technician's position (docs/routing.md).
 */
function reportedPosition(dto: TransitionDto): { latitude: number; longitude: number } | null {
  const given = [dto.latitude, dto.longitude].filter((v) => v !== undefined).length;
  if (given === 0) return null;
  if (given === 1) {
    const missing = dto.latitude === undefined ? 'latitude' : 'longitude';
    throw new AppError('VALIDATION_FAILED', 'latitude and longitude go together', [
      { field: missing, problems: ['latitude and longitude must both be given, or neither'] },
    ]);
  }
  if (dto.action !== 'depart' && dto.action !== 'arrive') {
    throw new AppError('VALIDATION_FAILED', 'a position goes with depart or arrive only', [
      { field: 'latitude', problems: ['a position is only sent with depart or arrive'] },
    ]);
  }
  return { latitude: dto.latitude!, longitude: dto.longitude! };
}

/**
 * An order's quote as the viewer may see it: a resident does not see the lines (nor the total)
 * while a supervisor reviews a quote above the ceiling (docs/fees.md).
 */
function quoteView(o: WorkOrder, actor: Actor): WorkOrderView['quote'] {
  if (!o.quoteItems) return null;
  const state = (o.quoteState ??
    (o.quoteApproved === null ? 'resident' : o.quoteApproved ? 'approved' : 'rejected')) as QuoteState;
  const hidden = actor.role === 'resident' && state === 'supervisor';
  const items = hidden ? [] : o.quoteItems;
  return {
    items,
    totalFen: hidden ? 0 : (o.quoteTotalFen ?? 0),
    approved: o.quoteApproved,
    state,
    rejectReason: o.quoteRejectReason,
    flaggedCount: items.filter((i) => i.flag).length,
  };
}
