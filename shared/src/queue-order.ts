/**
 * The order in which open work is shown and worked: urgent orders (P1, P2) are pinned on top,
 * then everything by its next deadline (earliest first; no deadline last), then by id. A
 * 22-minute-overdue burst pipe (P1) therefore stays above a lift button overdue by four days
 * (P3). Used by the technician's queue, the desk and supervisor boards, and the arrival-time
 * estimate (docs/routing.md, "Queue order").
 */
import type { Priority } from './work-order.js';

/** Priorities pinned above the deadline order. */
export const PINNED_PRIORITIES: readonly Priority[] = ['P1', 'P2'];

export interface QueueItem {
  id: number;
  priority: Priority;
  /** Next deadline in epoch ms (or an ISO string, or a Date); null when no clock runs. */
  dueAt: number | string | Date | null;
}

export const isPinned = (priority: Priority): boolean => PINNED_PRIORITIES.includes(priority);

const dueMs = (d: QueueItem['dueAt']): number => {
  if (d === null) return Number.POSITIVE_INFINITY;
  const ms = typeof d === 'number' ? d : typeof d === 'string' ? Date.parse(d) : d.getTime();
  return Number.isFinite(ms) ? ms : Number.POSITIVE_INFINITY;
};

/** Comparator for Array.prototype.sort: pinned first (P1 before P2), then deadline, then id. */
export function compareQueue(a: QueueItem, b: QueueItem): number {
  const pa = isPinned(a.priority) ? PINNED_PRIORITIES.indexOf(a.priority) : PINNED_PRIORITIES.length;
  const pb = isPinned(b.priority) ? PINNED_PRIORITIES.indexOf(b.priority) : PINNED_PRIORITIES.length;
  if (pa !== pb) return pa - pb;
  const da = dueMs(a.dueAt);
  const db = dueMs(b.dueAt);
  if (da !== db) return da < db ? -1 : 1;
  return a.id - b.id;
}

/** A sorted copy; the input is not changed. */
export function sortQueue<T extends QueueItem>(items: readonly T[]): T[] {
  return [...items].sort(compareQueue);
}
