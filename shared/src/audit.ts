/**
 * The audit log of admin changes to rules and master data: who changed what, when, with the
 * record before and after. The server writes an entry in the same transaction as the change.
 */
import type { Page } from './api.js';

export const AUDIT_ENTITY_TYPES = [
  'routing_rule',
  'sla_policy',
  'price_item',
  'follow_up_policy',
  'staff_account',
  'staff_profile',
  'staff_skills',
  'staff_service_area',
  'staff_roster',
  'team',
  'leave',
  'house_binding',
  'house_invite',
  'master_data_import',
  'inspection_point',
  'inspection_plan',
  'survey',
  'survey_schedule',
  'community',
  'building',
  'work_order',
  'company',
  'notice',
  'work_order_merge',
  'payment',
  'payment_refund',
  'order_bill',
  'fee_setting',
] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

export const AUDIT_ACTIONS = [
  'create',
  'update',
  'delete',
  'review',
  'open',
  'close',
  'import',
  'merge',
  'end',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** `GET /api/audit-log`, newest first. */
export type AuditLogPage = Page<AuditLogEntryView>;

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
