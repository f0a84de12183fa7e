/**
 * Fees of a repair (docs/fees.md): priced quote lines from the community's price list, the
 * supervisor's ceiling, the bill of what was used (never above the approved quote), free
 * repairs and waived bills. Amounts are integers in fen (0.01 CNY) end to end.
 */

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
