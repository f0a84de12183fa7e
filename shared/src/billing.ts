/**
 * Fees of a repair (docs/fees.md): priced quote lines from the community's price list, the
 * supervisor's ceiling, the bill of what was used (never above the approved quote), free
 * repairs and waived bills. Amounts are integers in fen (0.01 CNY) end to end.
 */
import type { QuoteItem } from './api.js';

export const BILL_STATUSES = ['unpaid', 'paid', 'waived', 'free'] as const;
export type BillStatus = (typeof BILL_STATUSES)[number];

/** Bill statuses that let the order close. */
export const SETTLED_BILL_STATUSES: readonly BillStatus[] = ['paid', 'waived', 'free'];

export type FeeKind = 'labour' | 'material';

/** One line of a bill: what was used, at the quoted unit price. */
export interface BillLine {
  /** The price-list item, or null for a line off the list. */
  priceItemId: number | null;
  name: string;
  kind: FeeKind;
  unit: string;
  unitPriceFen: number;
  quantity: number;
  amountFen: number;
}

/** Why a quote line is shown with a warning: not on the price list, or dearer than it. */
export type QuoteFlag = 'off_list' | 'over_list';

/** A priced quote line as stored on the order and shown to everyone who sees the quote. */
export type PricedQuoteLine = QuoteItem;

/** What the technician sends for one quote line. */
export interface QuoteLineInput {
  /** A line of the community's price list; absent for a line off the list. */
  priceItemId?: number;
  quantity: number;
  /** Off the list: required. On the list: defaults to the list price; above it needs a reason. */
  unitPriceFen?: number;
  /** Off the list only (on the list the list's own are used). */
  kind?: FeeKind;
  name?: string;
  unit?: string;
  /** Required for a line off the list or above the list price. */
  reason?: string;
}

/** The price-list items a quote may use (the community's and the company-wide ones). */
export interface ListedPrice {
  id: number;
  kind: FeeKind;
  name: string;
  unit: string;
  priceFen: number;
}

export type QuoteError =
  | { code: 'QUOTE_ITEM_NOT_ON_LIST'; line: number }
  | { code: 'QUOTE_REASON_REQUIRED'; line: number; flag: QuoteFlag }
  | { code: 'VALIDATION_FAILED'; line: number; problem: string };

/** Most a single quote may total: 1,000,000 yuan (keeps sums far inside a 32-bit int). */
export const MAX_QUOTE_FEN = 100_000_000;

/**
 * Price the technician's lines from the list, server-side: list lines take the list's name,
 * kind, unit and (unless given) price; a line off the list or above the list price needs a
 * reason and is flagged. The amounts are quantity x unit price, in fen.
 */
export function priceQuote(
  inputs: readonly QuoteLineInput[],
  list: readonly ListedPrice[],
): { ok: true; lines: PricedQuoteLine[]; totalFen: number } | { ok: false; error: QuoteError } {
  const byId = new Map(list.map((p) => [p.id, p]));
  const lines: PricedQuoteLine[] = [];
  for (const [line, input] of inputs.entries()) {
    const reason = input.reason?.trim() || null;
    if (!Number.isInteger(input.quantity) || input.quantity < 1) {
      return { ok: false, error: { code: 'VALIDATION_FAILED', line, problem: 'quantity must be a positive integer' } };
    }
    if (input.priceItemId !== undefined) {
      const item = byId.get(input.priceItemId);
      if (!item) return { ok: false, error: { code: 'QUOTE_ITEM_NOT_ON_LIST', line } };
      const unitPriceFen = input.unitPriceFen ?? item.priceFen;
      const flag: QuoteFlag | null = unitPriceFen > item.priceFen ? 'over_list' : null;
      if (flag && !reason) return { ok: false, error: { code: 'QUOTE_REASON_REQUIRED', line, flag } };
      lines.push({
        priceItemId: item.id,
        kind: item.kind,
        name: item.name,
        unit: item.unit,
        quantity: input.quantity,
        unitPriceFen,
        listPriceFen: item.priceFen,
        amountFen: unitPriceFen * input.quantity,
        flag,
        reason: flag ? reason : null,
      });
      continue;
    }
    if (!input.kind || !input.name?.trim() || !input.unit?.trim() || input.unitPriceFen === undefined) {
      return {
        ok: false,
        error: {
          code: 'VALIDATION_FAILED',
          line,
          problem: 'a line off the list needs kind, name, unit and unitPriceFen',
        },
      };
    }
    if (!reason) return { ok: false, error: { code: 'QUOTE_REASON_REQUIRED', line, flag: 'off_list' } };
    lines.push({
      priceItemId: null,
      kind: input.kind,
      name: input.name.trim(),
      unit: input.unit.trim(),
      quantity: input.quantity,
      unitPriceFen: input.unitPriceFen,
      listPriceFen: null,
      amountFen: input.unitPriceFen * input.quantity,
      flag: 'off_list',
      reason,
    });
  }
  const totalFen = lines.reduce((sum, l) => sum + l.amountFen, 0);
  if (totalFen > MAX_QUOTE_FEN) {
    return {
      ok: false,
      error: { code: 'VALIDATION_FAILED', line: lines.length - 1, problem: 'the quote is too large' },
    };
  }
  return { ok: true, lines, totalFen };
}

/** Lines of a quote that carry a warning (off the list or above it). */
export function flaggedLines(lines: readonly PricedQuoteLine[]): PricedQuoteLine[] {
  return lines.filter((l) => l.flag !== null);
}

/**
 * Where a quote stands. `supervisor`: above the community's ceiling, waiting for a supervisor
 * (the resident does not see it yet); `resident`: waiting for the resident's decision;
 * `approved` / `rejected`: the resident decided; `returned`: the supervisor sent it back.
 */
export const QUOTE_STATES = ['supervisor', 'resident', 'approved', 'rejected', 'returned'] as const;
export type QuoteState = (typeof QUOTE_STATES)[number];

/**
 * What the quote's state forbids besides the state machine's table: while a supervisor reviews
 * it the resident cannot decide (QUOTE_AWAITS_SUPERVISOR); only a quote under review can be
 * released or returned. Null: no objection.
 */
export function quoteActionRefusal(
  action: string,
  state: QuoteState | null,
): 'QUOTE_AWAITS_SUPERVISOR' | 'TRANSITION_NOT_ALLOWED' | null {
  if ((action === 'approve_quote' || action === 'reject_quote') && state === 'supervisor')
    return 'QUOTE_AWAITS_SUPERVISOR';
  if ((action === 'release_quote' || action === 'return_quote') && state !== 'supervisor')
    return 'TRANSITION_NOT_ALLOWED';
  return null;
}

/** A quote above the community's ceiling (fen; null = none) waits for a supervisor first. */
export function quoteNeedsSupervisor(totalFen: number, ceilingFen: number | null): boolean {
  return ceilingFen !== null && totalFen > ceilingFen;
}

/** The resolve clock's pause reason while a quote waits (shown with the SLA clock). */
export const QUOTE_PAUSE_REASONS = {
  supervisor: 'quote_supervisor',
  resident: 'quote_resident',
} as const;

/** What the resident reads before rejecting a quote, and after: what happens next. */
export const QUOTE_REJECT_NEXT =
  '不同意后，师傅不会按这份报价收费，也不会使用报价中的材料。师傅会联系您：可以只做不收费的部分，或者重新报价（需要您再次同意）；如果您不再需要维修，可以联系物业服务中心取消工单。';

/** What the technician used, by quote line. */
export interface BillUseInput {
  /** Index of the line in the approved quote. */
  line: number;
  quantity: number;
}

export type BillError =
  { code: 'BILL_LINE_UNKNOWN'; line: number } | { code: 'BILL_OVER_QUOTE'; totalFen: number; approvedQuoteFen: number };

/**
 * The bill of what was used: lines of the approved quote at their quoted unit prices, with the
 * quantities used. Its total never exceeds the approved quote's total (BILL_OVER_QUOTE: a larger
 * bill needs a new quote the resident approves). Lines used twice are added up.
 */
export function planBill(
  quote: readonly PricedQuoteLine[],
  approvedQuoteFen: number,
  used: readonly BillUseInput[],
): { ok: true; lines: BillLine[]; totalFen: number } | { ok: false; error: BillError } {
  const quantities = new Map<number, number>();
  for (const u of used) {
    if (!Number.isInteger(u.line) || u.line < 0 || u.line >= quote.length) {
      return { ok: false, error: { code: 'BILL_LINE_UNKNOWN', line: u.line } };
    }
    quantities.set(u.line, (quantities.get(u.line) ?? 0) + u.quantity);
  }
  const lines: BillLine[] = [...quantities.entries()]
    .sort(([a], [b]) => a - b)
    .filter(([, quantity]) => quantity > 0)
    .map(([i, quantity]) => {
      const q = quote[i];
      return {
        priceItemId: q.priceItemId,
        name: q.name,
        kind: q.kind,
        unit: q.unit,
        unitPriceFen: q.unitPriceFen,
        quantity,
        amountFen: q.unitPriceFen * quantity,
      };
    });
  const totalFen = lines.reduce((sum, l) => sum + l.amountFen, 0);
  if (totalFen > approvedQuoteFen) {
    return { ok: false, error: { code: 'BILL_OVER_QUOTE', totalFen, approvedQuoteFen } };
  }
  return { ok: true, lines, totalFen };
}

/** The order may close only with no bill or a settled one (paid, waived, free). */
export function billBlocksClose(status: BillStatus | null): boolean {
  return status === 'unpaid';
}

/** What is still owed on a bill, in fen. */
export function billDueFen(bill: { status: BillStatus; totalFen: number; paidFen: number }): number {
  return bill.status === 'unpaid' ? Math.max(0, bill.totalFen - bill.paidFen) : 0;
}

/** The bill as the order detail shows it (GET /api/work-orders/:id). */
export interface OrderBillView {
  id: number;
  status: BillStatus;
  totalFen: number;
  paidFen: number;
  /** What is still owed (0 unless unpaid). */
  dueFen: number;
  lines: BillLine[];
  approvedQuoteFen: number;
  waivedReason: string | null;
  waivedAt: string | null;
  waivedBy: { id: number; name: string } | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A community's fee settings (GET/PUT /api/admin/fee-settings/:communityId). */
export interface FeeSettingView {
  communityId: number;
  /** Quotes above this total (fen) need a supervisor's approval; null = no ceiling. */
  quoteCeilingFen: number | null;
}
