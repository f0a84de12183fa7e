import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import {
  DEFAULT_CATEGORY_NAMES,
  fenToYuanText,
  LEDGER_EVENT_LABELS,
  PAYMENT_METHOD_LABELS,
  startOfChinaDay,
  type FeeTotalsRow,
  type LedgerEvent,
  type LedgerRowView,
  type PaymentMethod,
  type UnpaidBillView,
} from '@linli/shared';
import type { Actor } from '../../common/auth/actor.js';
import { PaymentLedgerEntry } from './payment.entities.js';
import { toIso } from './payments.service.js';

/** The company's name of the order's category, else the default name, else the code. */
function categoryName(r: Record<string, unknown>): string {
  const code = String(r.category);
  return (r.categoryName as string | null) ?? DEFAULT_CATEGORY_NAMES[code] ?? code;
}

/** The communities an actor's money reads cover: admins the whole company (null), staff theirs. */
export function communityScope(actor: Actor): number[] | null {
  return actor.role === 'admin' ? null : actor.communityIds;
}

/**
 * Money reads for the console (docs/payments.md, "Reconciliation"): the ledger of a China day and
 * its export, totals per community and category, unpaid bills. Every figure is a sum of ledger
 * rows, so the export adds up to the ledger by construction (and a test checks it).
 */
@Injectable()
export class PaymentsReportsService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async ledgerOfDay(actor: Actor, day: string, communityId?: number): Promise<LedgerRowView[]> {
    const from = startOfChinaDay(day);
    const to = new Date(from.getTime() + 24 * 3600_000);
    const qb = this.ds
      .getRepository(PaymentLedgerEntry)
      .createQueryBuilder('l')
      .innerJoin('work_order', 'o', 'o.id = l.orderId')
      .innerJoin('community', 'c', 'c.id = l.communityId')
      .innerJoin('payment', 'p', 'p.id = l.paymentId')
      .leftJoin('category', 'cat', 'cat.companyId = l.companyId AND cat.code = o.category')
      .select('l.*')
      .addSelect('o.no', 'orderNo')
      .addSelect('o.category', 'category')
      .addSelect('cat.name', 'categoryName')
      .addSelect('c.name', 'communityName')
      .addSelect('p.outTradeNo', 'outTradeNo')
      .where('l.companyId = :co AND l.createdAt >= :from AND l.createdAt < :to', { co: actor.companyId, from, to })
      .orderBy('l.id', 'ASC');
    const scope = communityScope(actor);
    if (scope) qb.andWhere('l.communityId IN (:...cs)', { cs: scope.length ? scope : [-1] });
    if (communityId) qb.andWhere('l.communityId = :cid', { cid: communityId });
    const rows = await qb.getRawMany<Record<string, unknown>>();
    return rows.map((r) => ({
      id: Number(r.id),
      at: toIso(r.createdAt),
      event: r.event as LedgerEvent,
      method: r.method as PaymentMethod,
      amountFen: Number(r.amountFen),
      orderNo: String(r.orderNo),
      communityName: String(r.communityName),
      category: categoryName(r),
      paymentId: Number(r.paymentId),
      refundId: r.refundId === null ? null : Number(r.refundId),
      outTradeNo: String(r.outTradeNo),
      note: (r.note as string | null) ?? null,
    }));
  }

  /** The day's reconciliation: every ledger row, then the total line (the sum of the rows). */
  async reconciliation(actor: Actor, day: string, format: 'csv' | 'xlsx', communityId?: number) {
    const rows = await this.ledgerOfDay(actor, day, communityId);
    const header = ['流水号', '时间', '事件', '方式', '金额（元）', '工单号', '小区', '类别', '商户订单号', '备注'];
    const body = rows.map((r) => [
      String(r.id),
      r.at,
      LEDGER_EVENT_LABELS[r.event],
      PAYMENT_METHOD_LABELS[r.method],
      fenToYuanText(r.amountFen),
      r.orderNo,
      r.communityName,
      r.category,
      r.outTradeNo,
      r.note ?? '',
    ]);
    const total = rows.reduce((s, r) => s + r.amountFen, 0);
    const paid = rows.filter((r) => r.amountFen > 0).reduce((s, r) => s + r.amountFen, 0);
    const refunded = rows.filter((r) => r.amountFen < 0).reduce((s, r) => s - r.amountFen, 0);
    const footer = [
      [
        '合计',
        '',
        '',
        '',
        fenToYuanText(total),
        '',
        '',
        '',
        '',
        `收款 ${fenToYuanText(paid)}，退款 ${fenToYuanText(refunded)}`,
      ],
    ];
    const all = [header, ...body, ...footer];
    if (format === 'csv') {
      const esc = (v: string) => (/[",\n\r]/.test(v) || /^[=+\-@]/.test(v) ? `"'${v.replace(/"/g, '""')}"` : v);
      // Numbers such as -12.00 are data, not formulas: only text cells are guarded.
      const line = (cells: string[]) => cells.map((c, i) => (i === 4 ? c : esc(c))).join(',');
      return {
        body: Buffer.from(`\ufeff${all.map(line).join('\r\n')}\r\n`, 'utf8'),
        totalFen: total,
        rows: rows.length,
      };
    }
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet(`对账 ${day}`);
    ws.addRow(header);
    for (const r of rows) {
      ws.addRow([
        r.id,
        r.at,
        LEDGER_EVENT_LABELS[r.event],
        PAYMENT_METHOD_LABELS[r.method],
        r.amountFen / 100,
        r.orderNo,
        r.communityName,
        r.category,
        r.outTradeNo,
        r.note ?? '',
      ]);
    }
    ws.addRow([
      '合计',
      '',
      '',
      '',
      total / 100,
      '',
      '',
      '',
      '',
      `收款 ${fenToYuanText(paid)}，退款 ${fenToYuanText(refunded)}`,
    ]);
    ws.getColumn(5).numFmt = '0.00';
    const buffer = Buffer.from(await wb.xlsx.writeBuffer());
    return { body: buffer, totalFen: total, rows: rows.length };
  }

  /** Money in and out per community and category between two China days (inclusive). */
  async totals(actor: Actor, fromDay: string, toDay: string): Promise<FeeTotalsRow[]> {
    const from = startOfChinaDay(fromDay);
    const to = new Date(startOfChinaDay(toDay).getTime() + 24 * 3600_000);
    const qb = this.ds
      .getRepository(PaymentLedgerEntry)
      .createQueryBuilder('l')
      .innerJoin('work_order', 'o', 'o.id = l.orderId')
      .innerJoin('community', 'c', 'c.id = l.communityId')
      .leftJoin('category', 'cat', 'cat.companyId = l.companyId AND cat.code = o.category')
      .select('l.communityId', 'communityId')
      .addSelect('c.name', 'communityName')
      .addSelect('o.category', 'category')
      .addSelect('cat.name', 'categoryName')
      .addSelect('SUM(CASE WHEN l.amountFen > 0 THEN l.amountFen ELSE 0 END)', 'paidFen')
      .addSelect('SUM(CASE WHEN l.amountFen < 0 THEN -l.amountFen ELSE 0 END)', 'refundedFen')
      .addSelect("SUM(CASE WHEN l.event = 'paid' THEN 1 ELSE 0 END)", 'payments')
      .where('l.companyId = :co AND l.createdAt >= :from AND l.createdAt < :to', { co: actor.companyId, from, to })
      .andWhere("l.event IN ('paid', 'refunded')")
      .groupBy('l.communityId')
      .addGroupBy('c.name')
      .addGroupBy('o.category')
      .addGroupBy('cat.name')
      .orderBy('c.name')
      .addOrderBy('o.category');
    const scope = communityScope(actor);
    if (scope) qb.andWhere('l.communityId IN (:...cs)', { cs: scope.length ? scope : [-1] });
    const rows = await qb.getRawMany<Record<string, unknown>>();
    return rows.map((r) => {
      const paidFen = Number(r.paidFen);
      const refundedFen = Number(r.refundedFen);
      return {
        communityId: Number(r.communityId),
        communityName: String(r.communityName),
        category: categoryName(r),
        paidFen,
        refundedFen,
        netFen: paidFen - refundedFen,
        payments: Number(r.payments),
      };
    });
  }

  async unpaidBills(actor: Actor): Promise<UnpaidBillView[]> {
    const scope = communityScope(actor);
    const params: unknown[] = [actor.companyId];
    let where = "b.companyId = ? AND b.status = 'unpaid'";
    if (scope) {
      where += ` AND b.communityId IN (${scope.length ? scope.map(() => '?').join(',') : '-1'})`;
      params.push(...scope);
    }
    const rows = await this.ds.query<Array<Record<string, unknown>>>(
      `SELECT b.id AS billId, b.orderId AS orderId, o.no AS orderNo, c.name AS communityName, b.totalFen AS totalFen, b.paidFen AS paidFen, b.createdAt AS createdAt FROM order_bill b JOIN work_order o ON o.id = b.orderId JOIN community c ON c.id = b.communityId WHERE ${where} ORDER BY b.id DESC LIMIT 500`,
      params,
    );
    return rows.map((r) => ({
      billId: Number(r.billId),
      orderId: Number(r.orderId),
      orderNo: String(r.orderNo),
      communityName: String(r.communityName),
      totalFen: Number(r.totalFen),
      paidFen: Number(r.paidFen),
      createdAt: toIso(r.createdAt),
    }));
  }
}
