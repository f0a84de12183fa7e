/**
 * Payments of repair bills (docs/payments.md): WeChat Pay or cash/transfer recorded at the desk,
 * refunds by a supervisor, the immutable ledger and its daily reconciliation. Amounts are
 * integers in fen (0.01 CNY) end to end; yuan appear only when shown to a person.
 */

export const PAYMENT_METHODS = ['wechat', 'cash', 'transfer'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
/** Methods staff record by hand (the money reached the desk). */
export const OFFLINE_METHODS = ['cash', 'transfer'] as const;
export type OfflineMethod = (typeof OFFLINE_METHODS)[number];

export const PAYMENT_STATUSES = ['pending', 'paid', 'closed'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const REFUND_STATUSES = ['processing', 'success', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** Ledger events; `amountFen` of a row is + for paid, - for refunded, 0 for the others. */
export const LEDGER_EVENTS = ['prepay', 'paid', 'closed', 'refund_requested', 'refunded', 'refund_failed'] as const;
export type LedgerEvent = (typeof LEDGER_EVENTS)[number];

export const PAYMENT_METHOD_LABELS: Record<PaymentMethod, string> = {
  wechat: '微信支付',
  cash: '现金',
  transfer: '转账',
};
export const PAYMENT_STATUS_LABELS: Record<PaymentStatus, string> = {
  pending: '待支付',
  paid: '已支付',
  closed: '已关闭',
};
export const REFUND_STATUS_LABELS: Record<RefundStatus, string> = {
  processing: '退款中',
  success: '已退款',
  failed: '退款失败',
};
export const LEDGER_EVENT_LABELS: Record<LedgerEvent, string> = {
  prepay: '发起支付',
  paid: '收款',
  closed: '支付关闭',
  refund_requested: '申请退款',
  refunded: '退款',
  refund_failed: '退款失败',
};

/** The largest single amount accepted anywhere (1,000,000.00 yuan): far above any repair bill. */
export const MAX_AMOUNT_FEN = 100_000_000;

/** "¥1,234.50" from 123450 fen (integer arithmetic only). */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}¥${yuan}.${(abs % 100).toString().padStart(2, '0')}`;
}

/** "12.34" (no symbol, no separators) for exports. */
export function fenToYuanText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(abs / 100)}.${(abs % 100).toString().padStart(2, '0')}`;
}

/** What is left to pay of a bill. */
export function dueFen(bill: { totalFen: number; paidFen: number }): number {
  return Math.max(0, bill.totalFen - bill.paidFen);
}

/** What may still be refunded of a payment: paid minus refunds accepted so far. */
export function refundableFen(p: { amountFen: number; refundedFen: number; status: string }): number {
  return p.status === 'paid' ? Math.max(0, p.amountFen - p.refundedFen) : 0;
}

/** Why a refund of `amountFen` cannot be asked, or null. */
export function refundProblem(
  p: { amountFen: number; refundedFen: number; status: string },
  amountFen: number,
): 'not_paid' | 'too_much' | 'not_positive' | null {
  if (!Number.isInteger(amountFen) || amountFen < 1) return 'not_positive';
  if (p.status !== 'paid') return 'not_paid';
  if (amountFen > refundableFen(p)) return 'too_much';
  return null;
}

/** A payment as staff and the resident's receipt see it. */
export interface PaymentView {
  id: number;
  orderId: number;
  orderNo: string;
  communityId: number;
  communityName: string;
  method: PaymentMethod;
  status: PaymentStatus;
  amountFen: number;
  refundedFen: number;
  outTradeNo: string;
  transactionId: string | null;
  reference: string | null;
  paidAt: string | null;
  createdAt: string;
}

export interface RefundView {
  id: number;
  paymentId: number;
  orderId: number;
  orderNo: string;
  communityName: string;
  amountFen: number;
  status: RefundStatus;
  reason: string;
  outRefundNo: string;
  createdAt: string;
  succeededAt: string | null;
}

/** What the mini-program hands to wx.requestPayment, plus what the H5 preview needs instead. */
export interface WechatPayStart {
  paymentId: number;
  amountFen: number;
  params: { appId: string; timeStamp: string; nonceStr: string; package: string; signType: 'RSA'; paySign: string };
  /** The fake cashier page (demo and test only), for the H5 preview where requestPayment does not exist. */
  cashierUrl: string | null;
}

/** The electronic receipt of an order (GET /api/work-orders/:id/receipt). */
export interface ReceiptView {
  orderId: number;
  orderNo: string;
  communityName: string;
  companyName: string;
  billStatus: string;
  totalFen: number;
  paidFen: number;
  lines: Array<{ name: string; unit: string; unitPriceFen: number; quantity: number; amountFen: number }>;
  payments: PaymentView[];
  refunds: RefundView[];
  /** Paid minus refunded. */
  netFen: number;
}

export interface LedgerRowView {
  id: number;
  at: string;
  event: LedgerEvent;
  method: PaymentMethod;
  amountFen: number;
  orderNo: string;
  communityName: string;
  /** The category's name (the company's, else the default name). */
  category: string;
  paymentId: number;
  refundId: number | null;
  outTradeNo: string;
  note: string | null;
}

export interface FeeTotalsRow {
  communityId: number;
  communityName: string;
  category: string;
  paidFen: number;
  refundedFen: number;
  netFen: number;
  payments: number;
}

export interface UnpaidBillView {
  billId: number;
  orderId: number;
  orderNo: string;
  communityName: string;
  totalFen: number;
  paidFen: number;
  createdAt: string;
}
