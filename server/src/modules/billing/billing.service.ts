import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  billBlocksClose,
  billDueFen,
  planBill,
  priceQuote,
  quoteNeedsSupervisor,
  servesRow,
  type BillEffect,
  type BillStatus,
  type BillUseInput,
  type FeeSettingView,
  type OrderBillView,
  type QuoteItem,
  type QuoteLineInput,
} from '@linli/shared';
import { DataSource, type EntityManager } from 'typeorm';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { recordAudit } from '../audit/audit.service.js';
import { PlacesRepository } from '../places/places.repository.js';
import { PriceListService } from '../price-list/price-list.service.js';
import { UsersRepository } from '../users/users.repository.js';
import {
  WorkOrderLifecycle,
  type LifecycleContext,
  type OrderChange,
  type WorkOrder,
} from '../work-orders/work-order-lifecycle.js';
import { WorkOrdersService } from '../work-orders/work-orders.service.js';
import { FeeSetting, OrderBill } from './bill.entity.js';

const OFFICE = new Set(['desk', 'supervisor', 'admin']);

/**
 * Quotes priced from the list, the supervisor's ceiling, the bill of a completed repair, free
 * repairs, waives, and the rule that an unpaid bill keeps the order open (docs/fees.md). Plugs
 * into the work-order lifecycle (the close guard, the bill on completion) and the order detail.
 */
@Injectable()
export class BillingService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(WorkOrderLifecycle) private readonly lifecycle: WorkOrderLifecycle,
    @Inject(WorkOrdersService) private readonly workOrders: WorkOrdersService,
    @Inject(PriceListService) private readonly prices: PriceListService,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.lifecycle.register('billing', {
      beforeTransition: async (ctx, order, effects) => {
        if (effects.to === 'closed') await this.refuseUnpaidClose(ctx.em, order.id);
      },
      afterTransition: (ctx, change) => this.onChange(ctx, change),
    });
    this.workOrders.setFeeRules({
      priceQuote: (order, lines) => this.priceQuote(order, lines),
      completionBill: (order, input) => this.completionBill(order, input),
    });
    this.workOrders.addDetailPart(async (_actor, order) => ({ bill: await this.billView(order.id) }));
  }

  // ---- quotes -------------------------------------------------------------------------------

  /** Price the technician's lines from the community's list; above the ceiling a supervisor sees it first. */
  async priceQuote(
    order: WorkOrder,
    lines: QuoteLineInput[],
  ): Promise<{ items: QuoteItem[]; needsSupervisor: boolean }> {
    const list = await this.prices.listedFor(order.companyId, order.communityId);
    const priced = priceQuote(lines, list);
    if (!priced.ok) {
      const { error } = priced;
      const field = `quoteItems[${error.line}]`;
      if (error.code === 'QUOTE_REASON_REQUIRED') {
        throw new AppError(
          'QUOTE_REASON_REQUIRED',
          `line ${error.line} is ${error.flag === 'off_list' ? 'off the price list' : 'above the list price'}: give a reason`,
          { field, line: error.line, flag: error.flag },
        );
      }
      if (error.code === 'QUOTE_ITEM_NOT_ON_LIST') {
        throw new AppError(
          'QUOTE_ITEM_NOT_ON_LIST',
          `line ${error.line} is not an item of this community's price list`,
          {
            field,
            line: error.line,
          },
        );
      }
      throw new AppError('VALIDATION_FAILED', error.problem, [{ field, problems: [error.problem] }]);
    }
    const ceiling = await this.ceilingOf(order.communityId);
    return { items: priced.lines, needsSupervisor: quoteNeedsSupervisor(priced.totalFen, ceiling) };
  }

  private async ceilingOf(communityId: number): Promise<number | null> {
    const row = await this.ds.getRepository(FeeSetting).findOneBy({ communityId });
    return row?.quoteCeilingFen ?? null;
  }

  // ---- the bill -----------------------------------------------------------------------------

  /**
   * complete: the bill of what was used (lines of the approved quote, never above it), a free
   * repair, or none (no approved quote). A settled bill (paid, waived, free) stays as it is.
   */
  async completionBill(
    order: WorkOrder,
    input: { bill?: { lines: BillUseInput[] }; free?: boolean },
  ): Promise<BillEffect | undefined> {
    const existing = await this.ds.getRepository(OrderBill).findOneBy({ orderId: order.id });
    const asked = input.bill !== undefined || input.free === true;
    if (existing && existing.status !== 'unpaid') {
      if (asked) throw new AppError('BILL_NOT_UNPAID', `the order's bill is already ${existing.status}`);
      return undefined;
    }
    if (input.bill && input.free) {
      throw new AppError('VALIDATION_FAILED', 'a bill or free, not both', [
        { field: 'free', problems: ['a free repair has no bill lines'] },
      ]);
    }
    const approved = order.quoteState === 'approved' || (order.quoteState === null && order.quoteApproved === true);
    const approvedQuoteFen = approved ? (order.quoteTotalFen ?? 0) : 0;
    if (input.free) return { status: 'free', lines: [], totalFen: 0, approvedQuoteFen };
    if (!input.bill) {
      if (approved) {
        throw new AppError('BILL_REQUIRED', 'an approved quote: record what was used, or mark the repair free', {
          field: 'bill',
        });
      }
      return undefined;
    }
    if (!approved || !order.quoteItems) {
      throw new AppError('BILL_LINE_UNKNOWN', 'no approved quote to bill from: quote first, or mark the repair free', {
        field: 'bill',
      });
    }
    const planned = planBill(order.quoteItems, approvedQuoteFen, input.bill.lines);
    if (!planned.ok) {
      const { error } = planned;
      if (error.code === 'BILL_OVER_QUOTE') {
        throw new AppError(
          'BILL_OVER_QUOTE',
          `the bill (${error.totalFen} fen) exceeds the approved quote (${error.approvedQuoteFen} fen): quote again for the resident's approval`,
          error,
        );
      }
      throw new AppError('BILL_LINE_UNKNOWN', `bill line ${error.line} is not a line of the approved quote`, {
        field: `bill.lines`,
        line: error.line,
      });
    }
    if (planned.totalFen === 0) {
      throw new AppError('BILL_REQUIRED', 'nothing to bill: mark the repair free instead', { field: 'bill' });
    }
    return { status: 'unpaid', lines: planned.lines, totalFen: planned.totalFen, approvedQuoteFen };
  }

  /** Every path that closes an order (confirm, a rating, auto-close) stops here while the bill is unpaid. */
  private async refuseUnpaidClose(em: EntityManager, orderId: number): Promise<void> {
    const bill = await em.getRepository(OrderBill).findOneBy({ orderId });
    if (bill && billBlocksClose(bill.status as BillStatus)) {
      throw new AppError('BILL_UNPAID', 'the order closes once its bill is paid or waived', {
        billId: bill.id,
        dueFen: billDueFen({ status: 'unpaid', totalFen: bill.totalFen, paidFen: bill.paidFen }),
      });
    }
  }

  /** The completion's bill, in the completion's transaction: a new one, or an unpaid one replaced. */
  private async onChange(ctx: LifecycleContext, change: OrderChange): Promise<void> {
    const bill = change.effects.bill;
    if (!bill) return;
    const { order } = change;
    const repo = ctx.em.getRepository(OrderBill);
    const existing = await repo.findOneBy({ orderId: order.id });
    const fields = {
      status: bill.status,
      totalFen: bill.totalFen,
      lines: bill.lines,
      approvedQuoteFen: bill.approvedQuoteFen,
      updatedAt: ctx.now,
    };
    if (!existing) {
      await repo.insert({
        ...fields,
        companyId: order.companyId,
        communityId: order.communityId,
        orderId: order.id,
        paidFen: 0,
        waivedReason: null,
        waivedBy: null,
        waivedAt: null,
        createdAt: ctx.now,
        version: 1,
      });
      return;
    }
    // Only an unpaid bill is replaced (completionBill refused a new one over a settled bill).
    const result = await repo
      .createQueryBuilder()
      .update(OrderBill)
      .set({ ...fields, version: () => 'version + 1' })
      .where('id = :id AND version = :version AND status = :status', {
        id: existing.id,
        version: existing.version,
        status: 'unpaid',
      })
      .execute();
    if (!result.affected) throw new AppError('VERSION_CONFLICT', 'the bill changed while the order was completed');
  }

  /** The order's bill as its detail shows it. */
  async billView(orderId: number, em: EntityManager = this.ds.manager): Promise<OrderBillView | null> {
    const bill = await em.getRepository(OrderBill).findOneBy({ orderId });
    if (!bill) return null;
    const waiver = bill.waivedBy === null ? null : await this.users.findById(bill.waivedBy);
    return toView(bill, waiver ? { id: waiver.id, name: waiver.name } : null);
  }

  /**
   * The desk waives an unpaid bill with a reason (audited): the order may then close. One of
   * concurrent waives (or a waive against a payment) wins; the others answer BILL_NOT_UNPAID or
   * VERSION_CONFLICT and change nothing.
   */
  async waive(actor: Actor, orderId: number, reason: string, version?: number): Promise<OrderBillView> {
    if (!OFFICE.has(actor.role))
      throw new AppError('FORBIDDEN', 'only the desk, a supervisor or an admin waives a bill');
    const order = await this.workOrders.visibleOrder(actor, orderId);
    if (!servesRow(actor, order)) throw notFound('work order');
    await this.ds.transaction(async (em) => {
      const bill = await em.getRepository(OrderBill).findOneBy({ orderId: order.id, companyId: order.companyId });
      if (!bill) throw notFound('bill');
      if (bill.status !== 'unpaid')
        throw new AppError('BILL_NOT_UNPAID', `the bill is ${bill.status}`, { status: bill.status });
      if (version !== undefined && version !== bill.version) {
        throw new AppError('VERSION_CONFLICT', `the bill is at version ${bill.version}, not ${version}`, {
          currentVersion: bill.version,
        });
      }
      const now = this.clock.now();
      const after = { status: 'waived', waivedReason: reason.trim(), waivedBy: actor.userId, waivedAt: now };
      const result = await em
        .createQueryBuilder()
        .update(OrderBill)
        .set({ ...after, updatedAt: now, version: () => 'version + 1' })
        .where('id = :id AND version = :version AND status = :status', {
          id: bill.id,
          version: bill.version,
          status: 'unpaid',
        })
        .execute();
      if (!result.affected) throw new AppError('VERSION_CONFLICT', 'the bill changed while you waived it; reload');
      await recordAudit(
        em,
        actor,
        'update',
        'order_bill',
        bill.id,
        { orderId: bill.orderId, status: bill.status, totalFen: bill.totalFen, paidFen: bill.paidFen },
        {
          orderId: bill.orderId,
          status: 'waived',
          totalFen: bill.totalFen,
          paidFen: bill.paidFen,
          waivedReason: after.waivedReason,
        },
      );
    });
    return (await this.billView(order.id))!;
  }

  // ---- fee settings -------------------------------------------------------------------------

  async settings(actor: Actor, communityId: number): Promise<FeeSettingView> {
    const community = await this.places.findCommunity(communityId);
    if (!community || actor.companyId === null || community.companyId !== actor.companyId) throw notFound('community');
    const row = await this.ds.getRepository(FeeSetting).findOneBy({ communityId });
    return { communityId, quoteCeilingFen: row?.quoteCeilingFen ?? null };
  }

  /** Set a community's quote ceiling (admins; audited). */
  async setSettings(actor: Actor, communityId: number, quoteCeilingFen: number | null): Promise<FeeSettingView> {
    const before = await this.settings(actor, communityId);
    const after: FeeSettingView = { communityId, quoteCeilingFen };
    await this.ds.transaction(async (em) => {
      await em
        .getRepository(FeeSetting)
        .upsert({ communityId, companyId: actor.companyId!, quoteCeilingFen, updatedAt: this.clock.now() }, [
          'communityId',
        ]);
      await recordAudit(em, actor, 'update', 'fee_setting', communityId, before, after);
    });
    return after;
  }
}

function toView(b: OrderBill, waivedBy: { id: number; name: string } | null): OrderBillView {
  const status = b.status as BillStatus;
  return {
    id: b.id,
    status,
    totalFen: b.totalFen,
    paidFen: b.paidFen,
    dueFen: billDueFen({ status, totalFen: b.totalFen, paidFen: b.paidFen }),
    lines: b.lines,
    approvedQuoteFen: b.approvedQuoteFen,
    waivedReason: b.waivedReason,
    waivedAt: b.waivedAt?.toISOString() ?? null,
    waivedBy,
    version: b.version,
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
  };
}
