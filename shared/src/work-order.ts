/** Work-order vocabulary shared by server, mini-program and console (docs/product-rules.md "Work orders"). */

export const WORK_ORDER_STATUSES = [
  'submitted',
  'pooled',
  'assigned',
  'accepted',
  'on_the_way',
  'in_progress',
  'paused',
  'quoted',
  'completed',
  'closed',
  'cancelled',
  'reopened',
] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];

/** Statuses in which nobody works on the order any more. */
export const TERMINAL_STATUSES: readonly WorkOrderStatus[] = ['closed', 'cancelled'];
/** Statuses of an order that still needs work (everything but completed and terminal). */
export const OPEN_STATUSES: readonly WorkOrderStatus[] = WORK_ORDER_STATUSES.filter(
  (s) => s !== 'completed' && s !== 'closed' && s !== 'cancelled',
);

export const WORK_ORDER_ACTIONS = [
  'assign',
  'pool',
  'accept',
  'decline',
  'grab',
  'transfer',
  'depart',
  'arrive',
  'pause',
  'resume',
  'quote',
  'release_quote',
  'return_quote',
  'approve_quote',
  'reject_quote',
  'complete',
  'confirm',
  'reopen',
  'cancel',
  'urge',
  'auto_close',
] as const;
export type WorkOrderAction = (typeof WORK_ORDER_ACTIONS)[number];

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const WORK_ORDER_KINDS = ['repair', 'complaint', 'suggestion'] as const;
export type WorkOrderKind = (typeof WORK_ORDER_KINDS)[number];

export const CHANNELS = ['miniprogram', 'phone', 'staff', 'patrol'] as const;
export type Channel = (typeof CHANNELS)[number];

export const PAUSE_REASONS = ['waiting_parts', 'resident_not_home', 'other'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];
