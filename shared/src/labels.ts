/**
 * The zh-CN label catalogue: the one place that says what a user reads for a code. The server
 * (notifications, exports), the mini-program and the console all take their labels from here,
 * so a status or an action reads the same on every screen, message and spreadsheet.
 *
 * Each map is a `Record<Code, string>` keyed by a code union of its concept file, so adding a
 * code without a label fails to compile (and labels.spec.ts checks that no label is empty).
 * Where two copies of a label had drifted apart, the choice is recorded in docs/decisions.md
 * ("Label catalogue").
 */
import type { FollowUpPolicyValue, LeaveStatus, PriceKind, SurveyStatusValue } from './admin-api.js';
import type { AuditAction, AuditEntityType } from './audit.js';
import type { FollowUpReason } from './follow-up.js';
import type { RoutingState } from './order-effects.js';
import type { BillStatus, QuoteFlag, QuoteState, QUOTE_PAUSE_REASONS } from './billing.js';
import type { BindingRelation, BindingStatus } from './places.js';
import type { RatingDimension } from './satisfaction/ratings.js';
import type { AcsiItem, ServperfDimension } from './satisfaction/survey.js';
import type { SurveyCadence } from './satisfaction/survey-schedule.js';
import type { Role } from './roles.js';
import type { ExclusionReason, GradeName, RoutingMode, RoutingOutcome } from './routing.js';
import type { SlaStage, SlaState } from './sla.js';
import type { BoardStatus, FollowUpChannel, FollowUpStatus } from './staff-api.js';
import type { Channel, PauseReason, Priority, WorkOrderAction, WorkOrderKind, WorkOrderStatus } from './work-order.js';

// ---------------------------------------------------------------------------------------------
// Work orders

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
  // Waiting for the redo, not "already redone" (docs/product-rules.md "Resident screens").
  reopened: '待返修',
};

/** The verb of each action: its button, its timeline entry, its toast (已 + label). */
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
  release_quote: '审核通过报价',
  return_quote: '退回报价',
  approve_quote: '同意报价',
  reject_quote: '拒绝报价',
  complete: '完工',
  confirm: '确认完成',
  reopen: '返修',
  cancel: '取消',
  urge: '催单',
  auto_close: '自动关闭',
};

/** A timeline entry: every action, plus the order's creation. */
export const TIMELINE_ACTION_LABELS: Record<WorkOrderAction | 'create', string> = {
  create: '提交报修',
  ...ACTION_LABELS,
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

/**
 * The repair categories of the demo company by code. Categories are company data (each company
 * names its own, GET /api/categories); these are the names the demo seed gives them and what the
 * mini-program shows before that list has loaded.
 */
export const DEFAULT_CATEGORY_NAMES: Readonly<Record<string, string>> = {
  plumbing: '水管漏水',
  electrical: '电路停电',
  door_window: '门窗门锁',
  lift: '电梯故障',
  public_area: '公共区域',
  other: '其他',
};

/** Where a report came from. */
export const CHANNEL_LABELS: Record<Channel, string> = {
  miniprogram: '小程序',
  phone: '电话',
  staff: '员工代报',
  patrol: '巡检',
};

export const PAUSE_REASON_LABELS: Record<PauseReason, string> = {
  waiting_parts: '等配件',
  resident_not_home: '住户不在家',
  other: '其他',
};

// ---------------------------------------------------------------------------------------------
// What the resident reads (docs/product-rules.md "Resident screens"): routing words (抢单, 推送,
// 拒单, 转单) stay with the staff, and a complaint never reads as a repair.

/** A status as the resident reads it; `residentStatusLabel` words complaints and suggestions. */
export const RESIDENT_STATUS_LABELS: Record<WorkOrderStatus, string> = {
  submitted: '待派单',
  // 待抢单 is the technicians' pool: the resident waits for someone to take it.
  pooled: '等待师傅接单',
  assigned: '已派单',
  accepted: '已接单',
  on_the_way: '师傅在路上',
  in_progress: '维修中',
  paused: '暂停中',
  quoted: '待确认报价',
  completed: '已完工',
  closed: '已关闭',
  cancelled: '已取消',
  reopened: '待返修',
};

/** Where a complaint or a suggestion reads differently from a repair. */
const RESIDENT_FEEDBACK_STATUS: Partial<Record<WorkOrderStatus, string>> = {
  submitted: '等待物业处理',
  pooled: '等待物业处理',
  assigned: '物业已受理',
  accepted: '物业已受理',
  on_the_way: '处理中',
  in_progress: '处理中',
  completed: '已答复，待确认',
  reopened: '重新处理中',
};

export function residentStatusLabel(o: { status: WorkOrderStatus; kind?: WorkOrderKind }): string {
  const feedback = o.kind === 'complaint' || o.kind === 'suggestion';
  return (feedback ? RESIDENT_FEEDBACK_STATUS[o.status] : undefined) ?? RESIDENT_STATUS_LABELS[o.status];
}

/** A timeline line as the resident reads it: who comes, not how routing picked them. */
export const RESIDENT_TIMELINE_LABELS: Record<WorkOrderAction | 'create', string> = {
  create: '提交报修',
  assign: '派单',
  pool: '等待师傅接单',
  accept: '接单',
  decline: '重新安排师傅',
  grab: '师傅接单',
  transfer: '更换师傅',
  depart: '出发',
  arrive: '到达',
  pause: '暂停',
  resume: '继续',
  quote: '报价',
  release_quote: '报价审核通过',
  return_quote: '报价退回修改',
  approve_quote: '同意报价',
  reject_quote: '拒绝报价',
  complete: '完工',
  confirm: '确认完成',
  reopen: '申请返修',
  cancel: '取消报修',
  urge: '催单',
  auto_close: '自动关闭',
};

const RESIDENT_FEEDBACK_TIMELINE: Partial<Record<WorkOrderAction | 'create', string>> = {
  assign: '物业已受理',
  pool: '等待物业处理',
  accept: '物业已受理',
  grab: '物业已受理',
  decline: '转交处理',
  transfer: '转交处理',
  depart: '处理中',
  arrive: '处理中',
  pause: '暂停处理',
  resume: '继续处理',
  complete: '物业已答复',
  reopen: '要求重新处理',
};

/** The first line of a resident's order by kind: 提交报修 / 提交投诉 / 提交建议. */
export const RESIDENT_CREATE_LABELS: Record<WorkOrderKind, string> = {
  repair: '提交报修',
  complaint: '提交投诉',
  suggestion: '提交建议',
};

/** Withdrawing an order before work starts, by kind (its button and its timeline line). */
export const RESIDENT_CANCEL_LABELS: Record<WorkOrderKind, string> = {
  repair: '取消报修',
  complaint: '撤回投诉',
  suggestion: '撤回建议',
};

export function residentTimelineLabel(action: WorkOrderAction | 'create', kind: WorkOrderKind = 'repair'): string {
  if (action === 'create') return RESIDENT_CREATE_LABELS[kind];
  if (action === 'cancel') return RESIDENT_CANCEL_LABELS[kind];
  return (kind !== 'repair' ? RESIDENT_FEEDBACK_TIMELINE[action] : undefined) ?? RESIDENT_TIMELINE_LABELS[action];
}

/**
 * Actions whose note is written for the staff (routing reasons such as 抢单模式 or a decline's
 * reason): the resident's timeline leaves it out.
 */
export const RESIDENT_HIDDEN_NOTE_ACTIONS: readonly (WorkOrderAction | 'create')[] = [
  'assign',
  'pool',
  'decline',
  'grab',
  'transfer',
];

/** A timeline note as the resident reads it: a pause reason code becomes its label; staff notes are left out. */
export function residentNoteText(action: WorkOrderAction | 'create', note: string | null): string | null {
  if (!note || RESIDENT_HIDDEN_NOTE_ACTIONS.includes(action)) return null;
  return noteText(action, note);
}

/** A timeline note as staff read it: a pause's note is its reason code when none was typed, so show the label. */
export function noteText(action: string, note: string): string {
  return action === 'pause' && Object.hasOwn(PAUSE_REASON_LABELS, note)
    ? PAUSE_REASON_LABELS[note as PauseReason]
    : note;
}

/** An SLA clock's pause reason in words: a pause's reason code or a waiting quote. */
export function slaPauseText(reason: string | null): string | null {
  if (reason === null) return null;
  if (Object.hasOwn(QUOTE_PAUSE_LABELS, reason)) return QUOTE_PAUSE_LABELS[reason as keyof typeof QUOTE_PAUSE_LABELS];
  if (Object.hasOwn(PAUSE_REASON_LABELS, reason)) return `暂停：${PAUSE_REASON_LABELS[reason as PauseReason]}`;
  return reason;
}

/** A change of hands in words: 由 张师傅 改派给 李师傅, 派给 李师傅, 由 张师傅 转给 李师傅. */
export function handoverText(e: {
  action: WorkOrderAction | 'create';
  handover?: { from: { name: string } | null; to: { name: string } | null };
}): string | null {
  const h = e.handover;
  if (!h?.to) return null;
  if (e.action === 'transfer') return h.from ? `由 ${h.from.name} 转给 ${h.to.name}` : `转给 ${h.to.name}`;
  if (e.action === 'assign') return h.from ? `由 ${h.from.name} 改派给 ${h.to.name}` : `派给 ${h.to.name}`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Routing

/** Where routing has got to with an order (WorkOrderView.routingState). */
export const ROUTING_STATE_LABELS: Record<RoutingState, string> = {
  waiting: '等待合适师傅',
  offered: '推送中',
  assigned: '已派单',
  pooled: '抢单池',
  manual: '人工派单',
};

/** An open order routing has not decided yet (routingState still null): see `routingPending`. */
export const ROUTING_PENDING_LABEL = '派单中';

/**
 * Whether routing is still deciding who takes an order: new or reopened, nobody assigned, and
 * no routing outcome recorded yet. Routing runs in batches right after the order is filed (or
 * in another server process), so an answer or a page may see this for a moment.
 */
export function routingPending(o: { status: string; assignee: unknown; routingState: string | null }): boolean {
  return (o.status === 'submitted' || o.status === 'reopened') && o.assignee === null && o.routingState === null;
}

/** What one routing decision did (RoutingDecisionView.outcome). */
export const ROUTING_OUTCOME_LABELS: Record<RoutingOutcome, string> = {
  assigned: '已派给',
  offered: '已推送给',
  rematched: '重新匹配给',
  pooled: '放入抢单池',
  waiting: '暂无合适师傅，等待中',
  manual: '转人工派单',
};

export const ROUTING_MODE_LABELS: Record<RoutingMode, string> = {
  auto: '自动派单',
  offer: '逐个推送',
  pool: '抢单',
  manual: '人工派单',
};

export const GRADE_LABELS: Record<GradeName, string> = {
  skill: '技能',
  load: '负载',
  quality: '质量',
  rotation: '轮换',
  distance: '距离',
};

export const EXCLUSION_LABELS: Record<ExclusionReason, string> = {
  inactive: '已停用',
  declined: '已拒单',
  not_in_team: '不属于指定班组',
  no_skill: '无该类技能',
  not_serving_community: '不服务该小区',
  not_serving_building: '不服务该楼栋',
  on_leave: '请假中',
  off_shift: '不在班',
  at_capacity: '工单已满',
};

// ---------------------------------------------------------------------------------------------
// SLA

/** The three clocks; in sentences too ("到场时限已过半"). */
export const SLA_STAGE_LABELS: Record<SlaStage, string> = {
  accept: '接单',
  arrive: '到场',
  resolve: '完工',
};

/** The highest escalation level an order's live clocks reached (the `slaState` filter). */
export const SLA_STATE_LABELS: Record<SlaState, string> = {
  ok: '正常',
  warning: '预警（已过 50%）',
  critical: '严重（已过 75%）',
  breached: '已超时',
};

// ---------------------------------------------------------------------------------------------
// People and places

export const ROLE_LABELS: Record<Role, string> = {
  resident: '住户',
  technician: '维修师傅',
  desk: '客服',
  supervisor: '主管',
  admin: '管理员',
  operator: '平台运营',
};

export const RELATION_LABELS: Record<BindingRelation, string> = {
  owner: '业主',
  tenant: '租户',
  family: '家属',
};

/**
 * The name a WeChat login gives a new resident before they have told us theirs (the server's
 * users repository): never a real name, so no form prefills it and no greeting uses it.
 */
export const PLACEHOLDER_NICKNAME = '微信用户';

/** The resident's name for forms and greetings: '' while it is still the placeholder nickname. */
export function realNameOf(name: string | null | undefined): string {
  const n = (name ?? '').trim();
  return n === PLACEHOLDER_NICKNAME ? '' : n;
}

/** A house binding as its resident reads it. */
export const BINDING_STATUS_LABELS: Record<BindingStatus, string> = {
  pending: '审核中',
  verified: '已认证',
  rejected: '未通过',
};

/** A technician on the supervisor's board. */
export const BOARD_STATUS_LABELS: Record<BoardStatus, string> = {
  available: '空闲',
  busy: '忙碌',
  off_shift: '不在班',
  on_leave: '请假',
};

export const LEAVE_STATUS_LABELS: Record<LeaveStatus, string> = {
  pending: '待审批',
  approved: '已批准',
  rejected: '已驳回',
};

// ---------------------------------------------------------------------------------------------
// Closing the loop

/** Why the desk calls the resident back. */
export const FOLLOW_UP_REASON_LABELS: Record<FollowUpReason, string> = {
  not_fixed: '住户说没修好',
  low_rating: '差评',
  complaint: '投诉已处理',
  unrated: '未评价',
  policy: '例行回访',
};

/** How the desk reached the resident. */
export const FOLLOW_UP_CHANNEL_LABELS: Record<FollowUpChannel, string> = {
  phone: '电话',
  visit: '上门',
  wechat: '微信',
};

export const FOLLOW_UP_STATUS_LABELS: Record<FollowUpStatus, string> = {
  open: '待回访',
  done: '已回访',
  cancelled: '已取消',
};

export const FOLLOW_UP_POLICY_LABELS: Record<FollowUpPolicyValue, string> = {
  low: '仅差评、未修好和投诉',
  unrated: '另加超时未评价的工单',
  all: '所有完成的工单',
};

/** The rating's dimensions, as the resident rates them. */
export const DIMENSION_LABELS: Record<RatingDimension, string> = {
  speed: '响应速度',
  workmanship: '维修质量',
  attitude: '服务态度',
  communication: '沟通',
};

/** The survey's three ACSI items, short (the questionnaire words them in full). */
export const ACSI_ITEM_LABELS: Record<AcsiItem, string> = {
  overall: '总体满意度',
  expectation: '符合预期程度',
  ideal: '与理想服务相比',
};

/** The SERVPERF dimensions by their research names: for analysts (the console's survey results). */
export const SERVPERF_LABELS: Record<ServperfDimension, string> = {
  tangibles: '有形性',
  reliability: '可靠性',
  responsiveness: '响应性',
  assurance: '保证性',
  empathy: '移情性',
};

/** The same dimensions in the resident's words (the survey page): no research jargon. */
export const SURVEY_DIMENSION_LABELS: Record<ServperfDimension, string> = {
  tangibles: '设施环境',
  reliability: '说到做到',
  responsiveness: '响应及时',
  assurance: '专业放心',
  empathy: '贴心周到',
};

/** What 1-5 means on a satisfaction scale (the survey's dimensions and the order rating's stars). */
export const SATISFACTION_SCALE_WORDS: readonly string[] = ['', '非常不满意', '不满意', '一般', '满意', '非常满意'];

export const SURVEY_STATUS_LABELS: Record<SurveyStatusValue, string> = {
  draft: '草稿',
  open: '进行中',
  closed: '已结束',
};

/** How often the community survey opens by itself. */
export const SURVEY_CADENCE_LABELS: Record<SurveyCadence, string> = {
  month: '每月',
  quarter: '每季度',
  half: '每半年',
  year: '每年',
};

// ---------------------------------------------------------------------------------------------
// Fees (docs/fees.md)

export const BILL_STATUS_LABELS: Record<BillStatus, string> = {
  unpaid: '待支付',
  paid: '已支付',
  waived: '已减免',
  free: '免费维修',
};

export const QUOTE_STATE_LABELS: Record<QuoteState, string> = {
  supervisor: '待主管审核',
  resident: '待住户确认',
  approved: '住户已同意',
  rejected: '住户未同意',
  returned: '主管已退回',
};

export const QUOTE_FLAG_LABELS: Record<QuoteFlag, string> = {
  off_list: '收费标准外',
  over_list: '高于标准价',
};

/** Why the resolve clock stands still while a quote waits (sla_clock.pauseReason). */
export const QUOTE_PAUSE_LABELS: Record<(typeof QUOTE_PAUSE_REASONS)[keyof typeof QUOTE_PAUSE_REASONS], string> = {
  quote_supervisor: '报价待主管审核，处理时限暂停',
  quote_resident: '报价待住户确认，处理时限暂停',
};

// ---------------------------------------------------------------------------------------------
// Rules and master data

export const PRICE_KIND_LABELS: Record<PriceKind, string> = { labour: '人工', material: '材料' };

/** A price item's name and its kind label, the kind left out when the name already says it (更换水龙头（人工）). */
export function priceItemName(name: string, kind: PriceKind): { name: string; kind: string | null } {
  const label = PRICE_KIND_LABELS[kind];
  return name.endsWith(`（${label}）`) || name.endsWith(`(${label})`)
    ? { name, kind: null }
    : { name, kind: `（${label}）` };
}

export const AUDIT_ENTITY_LABELS: Record<AuditEntityType, string> = {
  routing_rule: '派单规则',
  sla_policy: 'SLA 策略',
  price_item: '收费项目',
  follow_up_policy: '回访策略',
  staff_account: '员工账号',
  staff_profile: '员工档案',
  staff_skills: '员工技能',
  staff_service_area: '服务区域',
  staff_roster: '排班',
  team: '班组',
  leave: '请假',
  house_binding: '房屋绑定',
  house_invite: '房屋邀请',
  master_data_import: '基础数据导入',
  inspection_point: '巡检点',
  inspection_plan: '巡检/保养计划',
  survey: '满意度调查',
  survey_schedule: '定期调查设置',
  community: '小区',
  building: '楼栋',
  work_order: '工单（重新匹配）',
  company: '公司',
  notice: '小区通知',
  work_order_merge: '工单合并',
  payment: '收款',
  payment_refund: '退款',
  order_bill: '维修账单',
  fee_setting: '收费设置',
};

export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  create: '新增',
  update: '修改',
  delete: '删除',
  review: '审核',
  open: '开启',
  close: '关闭',
  import: '导入',
  merge: '合并',
  end: '提前结束',
};

/** The fields audit snapshots carry (an unknown field shows its name). */
export const AUDIT_FIELD_LABELS: Record<string, string> = {
  id: '编号',
  communityId: '小区',
  category: '类别',
  priority: '优先级',
  mode: '派单方式',
  teamId: '班组',
  offerTimeoutSeconds: '接单时限（秒）',
  maxRefusals: '最多拒单次数',
  weights: '评分权重',
  enabled: '启用',
  acceptMinutes: '接单时限（分钟）',
  arriveMinutes: '到场时限（分钟）',
  resolveMinutes: '完成时限（分钟）',
  calendar: '计时时段',
  kind: '类型',
  name: '名称',
  unit: '单位',
  priceFen: '单价（分）',
  policy: '回访范围',
  ratingWindowDays: '评价期限（天）',
  servicePhone: '服务电话',
  capacity: '在办上限',
  latitude: '纬度',
  longitude: '经度',
  skills: '技能',
  communityIds: '服务小区',
  buildingIds: '服务楼栋',
  pattern: '每周排班',
  exceptions: '按日调整',
  supervisorId: '主管',
  memberIds: '成员',
  status: '状态',
  title: '标题',
  startsAt: '开始时间',
  endsAt: '结束时间',
  file: '文件',
  communities: '小区数',
  buildings: '楼栋数',
  units: '单元数',
  houses: '房屋数',
  residents: '住户数',
  communityCodes: '小区编码',
  dryRun: '仅校验',
};
