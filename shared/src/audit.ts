/**
 * The audit log of admin changes to rules and master data: who changed what, when, with the
 * record before and after. The server writes an entry in the same transaction as the change.
 */

export const AUDIT_ENTITY_TYPES = [
  'routing_rule',
  'sla_policy',
  'price_item',
  'follow_up_policy',
  'staff_profile',
  'staff_skills',
  'staff_service_area',
  'staff_roster',
  'team',
  'leave',
  'house_binding',
  'master_data_import',
  'survey',
] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

export const AUDIT_ENTITY_LABELS: Record<AuditEntityType, string> = {
  routing_rule: '派单规则',
  sla_policy: 'SLA 策略',
  price_item: '收费项目',
  follow_up_policy: '回访策略',
  staff_profile: '员工档案',
  staff_skills: '员工技能',
  staff_service_area: '服务区域',
  staff_roster: '排班',
  team: '班组',
  leave: '请假',
  house_binding: '房屋绑定',
  master_data_import: '基础数据导入',
  survey: '满意度调查',
};

export const AUDIT_ACTIONS = ['create', 'update', 'delete', 'review', 'open', 'close', 'import'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  create: '新增',
  update: '修改',
  delete: '删除',
  review: '审核',
  open: '开启',
  close: '关闭',
  import: '导入',
};

/** Chinese labels of the fields audit snapshots carry (unknown fields show their name). */
export const AUDIT_FIELD_LABELS: Record<string, string> = {
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

/** One entry of `GET /api/audit-log`. */
export interface AuditLogEntryView {
  id: number;
  at: string;
  actor: { id: number; name: string } | null;
  action: AuditAction;
  entityType: AuditEntityType;
  entityId: number | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

/** One changed top-level field between two audit snapshots. */
export interface AuditFieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** The top-level fields that differ between `before` and `after` (compared as JSON), sorted by name. */
export function auditChanges(before: unknown, after: unknown): AuditFieldChange[] {
  const obj = (v: unknown): Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  const b = before === null || before === undefined ? {} : obj(before);
  const a = after === null || after === undefined ? {} : obj(after);
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  return fields
    .filter((f) => JSON.stringify(b[f] ?? null) !== JSON.stringify(a[f] ?? null))
    .map((field) => ({ field, before: b[field] ?? null, after: a[field] ?? null }));
}
