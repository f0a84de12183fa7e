import type { EntityManager } from 'typeorm';

/**
 * The one place payments touch the bill (`order_bill`, owned by billing: docs/fees.md). Reads
 * the bill of an order, and adds a settled payment to it inside the payment's own transaction:
 * `paidFen` grows and the status becomes 'paid' once paidFen reaches totalFen. The payment's
 * conditional update (pending -> paid) already picked one winner, so this is a plain additive
 * update; `status` is assigned before `paidFen` because MySQL evaluates SET left to right.
 */

export interface BillFacts {
  id: number;
  companyId: number;
  communityId: number;
  orderId: number;
  status: string;
  totalFen: number;
  paidFen: number;
  lines: string | unknown[];
}

export async function billOfOrder(em: EntityManager, companyId: number, orderId: number): Promise<BillFacts | null> {
  const rows = await em.query<BillFacts[]>(
    // `lines` is a reserved word in MySQL: qualified, it needs no quoting in either dialect.
    'SELECT b.id, b.companyId, b.communityId, b.orderId, b.status, b.totalFen, b.paidFen, b.lines FROM order_bill b WHERE b.orderId = ? AND b.companyId = ?',
    [orderId, companyId],
  );
  const r = rows[0];
  return r ? { ...r, totalFen: Number(r.totalFen), paidFen: Number(r.paidFen) } : null;
}

/** Adds `amountFen` to an unpaid bill; answers whether the bill took it (false: no longer unpaid). */
export async function addPaymentToBill(
  em: EntityManager,
  companyId: number,
  billId: number,
  amountFen: number,
): Promise<boolean> {
  // Locked until commit on MySQL (a waive racing the payment waits, then finds it settled);
  // SQLite has one writer at a time.
  const mysql = em.connection.options.type === 'mariadb' || em.connection.options.type === 'mysql';
  const before = await em.query<Array<{ status: string }>>(
    `SELECT status FROM order_bill WHERE id = ? AND companyId = ?${mysql ? ' FOR UPDATE' : ''}`,
    [billId, companyId],
  );
  if (before[0]?.status !== 'unpaid') return false;
  await em.query(
    "UPDATE order_bill SET status = CASE WHEN paidFen + ? >= totalFen THEN 'paid' ELSE status END, paidFen = paidFen + ?, version = version + 1, updatedAt = CURRENT_TIMESTAMP WHERE id = ? AND companyId = ? AND status = 'unpaid'",
    [amountFen, amountFen, billId, companyId],
  );
  return true;
}
