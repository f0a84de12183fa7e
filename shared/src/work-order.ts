/** Work-order vocabulary shared by server, mini-program and console (PRODUCT.md "Work-order lifecycle"). */

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

export const STATUS_LABELS: Record<WorkOrderStatus, string> = {
  submitted: '待派单',
  pooled: '待抢单',
  assigned: '已派单',
  accepted: '已接单',
  on_the_way: '师傅在路上',
  in_progress: '维修中',
  paused: '暂停中',
  quoted: '待确认报价',
  completed: '已完工',
  closed: '已关闭',
  cancelled: '已取消',
  reopened: '已返修',
};

export const ACTION_LABELS: Record<WorkOrderAction, string> = {
  assign: '派单',
  pool: '放入抢单池',
  accept: '接单',
  decline: '拒单',
  grab: '抢单',
  transfer: '转单',
  depart: '出发',
  arrive: '到达',
  pause: '暂停',
  resume: '继续',
  quote: '报价',
  approve_quote: '同意报价',
  reject_quote: '拒绝报价',
  complete: '完工',
  confirm: '确认完成',
  reopen: '返修',
  cancel: '取消',
  urge: '催单',
  auto_close: '自动关闭',
};

export const PRIORITY_LABELS: Record<Priority, string> = {
  P1: '紧急',
  P2: '加急',
  P3: '普通',
  P4: '计划',
};

export const KIND_LABELS: Record<WorkOrderKind, string> = {
  repair: '报修',
  complaint: '投诉',
  suggestion: '建议/咨询',
};
