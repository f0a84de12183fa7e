import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  isJoinable,
  JOINABLE_STATUSES,
  OPEN_STATUSES,
  servesRow,
  type EffectActor,
  type JoinResultView,
  type MergeResultView,
  type SharedFaultOrderView,
} from '@linli/shared';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AppError, forbidden, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { isUniqueViolation } from '../../common/db-errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { PlacesRepository } from '../places/places.repository.js';
import { BindingsRepository } from '../residents/bindings.repository.js';
import { WorkOrderMerge, WorkOrderReporter } from './shared-fault.entities.js';
import { WorkOrder } from './work-order.entities.js';
import { WorkOrderLifecycle } from './work-order-lifecycle.js';
import { WorkOrdersRepository } from './work-orders.repository.js';

/** Where a resident is about to report: a public area, or a house (its building's shared areas). */
export interface ReportPlace {
  communityId: number;
  buildingId: number | null;
  publicAreaId: number | null;
}

/** How many open orders the report sheet shows at most. */
const OPEN_AT_LIMIT = 5;

/**
 * Shared faults (docs/notices.md): a resident who meets a public-area fault someone already
 * reported joins that order ("我也遇到了") instead of filing another; the desk merges duplicates.
 * One order, many reporters: `work_order_reporter` holds those after the first.
 */
@Injectable()
export class SharedFaultsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(WorkOrdersRepository) private readonly orders: WorkOrdersRepository,
    @Inject(WorkOrderLifecycle) private readonly lifecycle: WorkOrderLifecycle,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(BindingsRepository) private readonly bindings: BindingsRepository,
  ) {}

  /**
   * Open public-area repairs at a place the resident may report at: the area itself, or (from a
   * house) the areas of its building and the community-wide ones. Newest first.
   */
  async openAt(actor: Actor, place: ReportPlace): Promise<SharedFaultOrderView[]> {
    let areaIds: number[];
    if (place.publicAreaId !== null) areaIds = [place.publicAreaId];
    else {
      const areas = await this.places.publicAreasOf(place.communityId);
      areaIds = areas.filter((a) => a.buildingId === null || a.buildingId === place.buildingId).map((a) => a.id);
    }
    if (!areaIds.length) return [];
    const rows = await this.ds.getRepository(WorkOrder).find({
      where: {
        communityId: place.communityId,
        publicAreaId: In(areaIds),
        kind: 'repair',
        status: In([...JOINABLE_STATUSES]),
      },
      order: { id: 'DESC' },
      take: OPEN_AT_LIMIT,
    });
    return this.views(actor, rows);
  }

  /** "我也遇到了": the resident becomes one more reporter of the order. A repeat tap changes nothing. */
  async join(actor: Actor, id: number): Promise<JoinResultView> {
    if (actor.role !== 'resident') throw forbidden('only residents join an order they also met');
    const order = Number.isSafeInteger(id) ? await this.orders.findById(id) : null;
    // Only in a community the resident lives in: anything else is "not found", like every order.
    if (!order || !(await this.bindings.verifiedCommunityIds(actor.userId)).includes(order.communityId)) {
      throw notFound('work order');
    }
    // A house's order is that household's business: to a neighbour it does not exist.
    if (order.kind !== 'repair' || order.publicAreaId === null) throw notFound('work order');
    if (order.reporterId === actor.userId || (await this.isCoReporter(id, actor.userId))) {
      return { workOrderId: id, joined: false, reporters: await this.reporterCount(order) };
    }
    if (!isJoinable(order)) {
      throw new AppError('TRANSITION_NOT_ALLOWED', 'only an open public-area repair can be joined', {
        status: order.status,
      });
    }
    let joined = true;
    try {
      await this.orders.transaction((em) =>
        em.insert(WorkOrderReporter, { workOrderId: id, userId: actor.userId, source: 'join', createdAt: new Date() }),
      );
    } catch (e) {
      // The unique (order, user) index: joined before, or a concurrent double tap.
      if (!isUniqueViolation(e)) throw e;
      joined = false;
    }
    return { workOrderId: id, joined, reporters: await this.reporterCount(order) };
  }

  /**
   * The desk merges a duplicate into a surviving order of the same community: the duplicate's
   * reporters move to the survivor and the duplicate is cancelled with a link. Of two merges
   * at once (the same duplicate twice, or A into B while B goes into A) exactly one wins: the
   * merge row is unique per duplicate, and both orders are changed under their version.
   */
  async merge(actor: Actor, duplicateId: number, survivorId: number): Promise<MergeResultView> {
    if (duplicateId === survivorId) {
      throw new AppError('VALIDATION_FAILED', 'an order cannot be merged into itself', [
        { field: 'intoId', problems: ['must be another order'] },
      ]);
    }
    const [dup, survivor] = await Promise.all([
      this.staffOrder(actor, duplicateId),
      this.staffOrder(actor, survivorId),
    ]);
    if (dup.communityId !== survivor.communityId) {
      throw new AppError('VALIDATION_FAILED', 'both orders must be in the same community', [
        { field: 'intoId', problems: ["must be an order of the duplicate's community"] },
      ]);
    }
    if (!(OPEN_STATUSES as readonly string[]).includes(survivor.status)) {
      throw new AppError('TRANSITION_NOT_ALLOWED', `cannot merge into an order that is ${survivor.status}`, {
        status: survivor.status,
      });
    }
    const who: EffectActor = { role: actor.role, userId: actor.userId, isAssignee: false, isReporter: false };
    const conflict = () => new AppError('VERSION_CONFLICT', 'one of the orders changed meanwhile; reload and retry');
    try {
      return await this.lifecycle.run(async (ctx) => {
        const { em } = ctx;
        await em.insert(WorkOrderMerge, { duplicateId, survivorId, mergedById: actor.userId, createdAt: ctx.now });
        // Holds the survivor as read: a concurrent merge of it elsewhere (or into the duplicate) loses.
        if (!(await this.orders.updateIfVersion(em, survivor.id, survivor.version, { updatedAt: ctx.now }))) {
          throw conflict();
        }
        const reason = `合并到工单 ${survivor.no}`;
        const cancelled = await this.lifecycle.act(ctx, dup, { action: 'cancel', reason }, who, {
          reason,
          data: { reason, mergedIntoId: survivor.id, mergedIntoNo: survivor.no },
        });
        if (!cancelled) throw conflict();
        const moved = await this.moveReporters(em, dup, survivor);
        await recordAudit(
          em,
          actor,
          'merge',
          'work_order_merge',
          duplicateId,
          { status: dup.status },
          { status: 'cancelled', mergedIntoId: survivor.id, mergedIntoNo: survivor.no, movedReporters: moved },
        );
        return { survivorId, duplicateId, movedReporters: moved };
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('TRANSITION_NOT_ALLOWED', 'the order was merged already');
      throw e;
    }
  }

  /** Whether the resident joined the order (or had a duplicate merged into it). */
  async isCoReporter(workOrderId: number, userId: number): Promise<boolean> {
    return this.ds.getRepository(WorkOrderReporter).existsBy({ workOrderId, userId });
  }

  /** The surviving order a merged duplicate points to (null: not merged). */
  async mergedInto(duplicateId: number): Promise<number | null> {
    return (await this.ds.getRepository(WorkOrderMerge).findOneBy({ duplicateId }))?.survivorId ?? null;
  }

  private async moveReporters(em: EntityManager, dup: WorkOrder, survivor: WorkOrder): Promise<number> {
    const rows = em.getRepository(WorkOrderReporter);
    const fromDup = (await rows.find({ where: { workOrderId: dup.id }, order: { id: 'ASC' } })).map((r) => r.userId);
    const onSurvivor = new Set((await rows.find({ where: { workOrderId: survivor.id } })).map((r) => r.userId));
    if (survivor.reporterId !== null) onSurvivor.add(survivor.reporterId);
    const moving = [...new Set([...(dup.reporterId !== null ? [dup.reporterId] : []), ...fromDup])].filter(
      (u) => !onSurvivor.has(u),
    );
    if (fromDup.length) await rows.delete({ workOrderId: dup.id });
    if (moving.length) {
      await em.insert(
        WorkOrderReporter,
        moving.map((userId) => ({ workOrderId: survivor.id, userId, source: 'merge', createdAt: new Date() })),
      );
    }
    return moving.length;
  }

  /** An order the desk, a supervisor or an admin serves; anything else is "not found". */
  private async staffOrder(actor: Actor, id: number): Promise<WorkOrder> {
    const order = Number.isSafeInteger(id) ? await this.orders.findById(id) : null;
    if (!order || !servesRow(actor, order)) throw notFound('work order');
    return order;
  }

  private async reporterCount(order: WorkOrder): Promise<number> {
    const joined = (await this.orders.coReportersOf([order.id])).get(order.id) ?? [];
    return joined.length + (order.reporterId !== null && !joined.includes(order.reporterId) ? 1 : 0);
  }

  private async views(actor: Actor, rows: WorkOrder[]): Promise<SharedFaultOrderView[]> {
    if (!rows.length) return [];
    const [co, areas] = await Promise.all([
      this.orders.coReportersOf(rows.map((o) => o.id)),
      this.places.findPublicAreas([...new Set(rows.map((o) => o.publicAreaId!))]),
    ]);
    const areaName = new Map(areas.map((a) => [a.id, a.name]));
    return rows.map((o) => {
      const joined = co.get(o.id) ?? [];
      return {
        id: o.id,
        no: o.no,
        category: o.category,
        description: o.description,
        status: o.status,
        place: areaName.get(o.publicAreaId!) ?? '',
        createdAt: o.createdAt.toISOString(),
        reporters: joined.length + (o.reporterId !== null ? 1 : 0),
        joined: o.reporterId === actor.userId || joined.includes(actor.userId),
      };
    });
  }
}
