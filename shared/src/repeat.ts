/**
 * Repeat detection (docs/closed-loop.md "Repeats"): a new repair or complaint filed within
 * REPEAT_WINDOW_DAYS of a closed order of the same kind family, place and category repeats
 * that order (the latest such). The server's query and the seeds both follow these rules.
 */
import type { WorkOrderKind } from './work-order.js';

export const REPEAT_WINDOW_DAYS = 30;
/** Kinds that can repeat a fault: a suggestion or consultation never links. */
export const REPEATABLE_KINDS: readonly WorkOrderKind[] = ['repair', 'complaint'];

const DAY_MS = 24 * 3600_000;

export function isRepeatableKind(kind: string): boolean {
  return (REPEATABLE_KINDS as readonly string[]).includes(kind);
}

/** The place a repeat must share: the house, else the public area; null when the order has neither. */
export function repeatPlace(order: {
  houseId: number | null;
  publicAreaId: number | null;
}): { houseId: number; publicAreaId: null } | { houseId: null; publicAreaId: number } | null {
  if (order.houseId !== null) return { houseId: order.houseId, publicAreaId: null };
  if (order.publicAreaId !== null) return { houseId: null, publicAreaId: order.publicAreaId };
  return null;
}

/** The earliest closing time of an order that a new order created at `createdAt` can repeat. */
export function repeatWindowStart(createdAt: Date): Date {
  return new Date(createdAt.getTime() - REPEAT_WINDOW_DAYS * DAY_MS);
}

export interface RepeatCandidate {
  id: number;
  companyId: number;
  kind: string;
  category: string;
  status: string;
  houseId: number | null;
  publicAreaId: number | null;
  closedAt: Date | null;
  createdAt: Date;
}

/**
 * The order `order` repeats among `earlier` (any orders), or null: the latest closed one of a
 * repeatable kind with the same company, place and category closed in the window. For seeds
 * and tests; the server asks the database the same question.
 */
export function findRepeatOf(order: RepeatCandidate, earlier: readonly RepeatCandidate[]): number | null {
  const place = repeatPlace(order);
  if (!isRepeatableKind(order.kind) || !place) return null;
  const since = repeatWindowStart(order.createdAt).getTime();
  let best: RepeatCandidate | null = null;
  for (const o of earlier) {
    if (o.id === order.id || o.status !== 'closed' || o.closedAt === null) continue;
    if (o.companyId !== order.companyId || o.category !== order.category || !isRepeatableKind(o.kind)) continue;
    if (place.houseId !== null ? o.houseId !== place.houseId : o.publicAreaId !== place.publicAreaId) continue;
    const closed = o.closedAt.getTime();
    if (closed < since || closed > order.createdAt.getTime()) continue;
    if (!best || closed > best.closedAt!.getTime() || (closed === best.closedAt!.getTime() && o.id > best.id)) best = o;
  }
  return best?.id ?? null;
}
