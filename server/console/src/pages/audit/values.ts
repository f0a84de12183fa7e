/**
 * Audit snapshot values as an office reader understands them: statuses, priorities, roles,
 * modes and kinds by their shared Chinese labels, ids by the names they stand for, minutes as
 * hours or days, prices in yuan, yes/no for flags. Kept free of React so a test can call it.
 */
import {
  BINDING_STATUS_LABELS,
  FOLLOW_UP_POLICY_LABELS,
  GRADE_LABELS,
  KIND_LABELS,
  LEAVE_STATUS_LABELS,
  PRICE_KIND_LABELS,
  PRIORITY_LABELS,
  ROLE_LABELS,
  ROUTING_MODE_LABELS,
  STATUS_LABELS,
  SURVEY_STATUS_LABELS,
} from '@linli/shared';
import { dateTime, minutes } from '../../components/format';

/** Names the page has loaded: communities, categories, staff (by id or code). */
export interface AuditNames {
  community: (id: number) => string | undefined;
  category: (code: string) => string | undefined;
  staff: (id: number) => string | undefined;
}

/** Labels the shared catalogue has no map for (console-local). */
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const RELATION_OR_ROLE: Record<string, string> = { ...ROLE_LABELS };

const lookup = (map: Record<string, string>, v: unknown) => (typeof v === 'string' ? (map[v] ?? v) : undefined);

/** The status labels of an entity type's rows. */
function statusLabel(entityType: string, v: unknown): string | undefined {
  const map: Record<string, Record<string, string>> = {
    leave: LEAVE_STATUS_LABELS,
    house_binding: BINDING_STATUS_LABELS,
    survey: SURVEY_STATUS_LABELS,
  };
  return lookup(map[entityType] ?? STATUS_LABELS, v);
}

/** Minutes of the day as hh:mm. */
const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A snapshot value of `field` as display text. */
export function auditValue(entityType: string, field: string, v: unknown, names: AuditNames): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? '是' : '否';
  const nameOf = (f: (x: never) => string | undefined, x: unknown) => f(x as never) ?? `#${String(x)}`;
  switch (field) {
    case 'status':
      return statusLabel(entityType, v) ?? JSON.stringify(v);
    case 'priority':
      return lookup(PRIORITY_LABELS, v) ?? '全部';
    case 'role':
      return lookup(RELATION_OR_ROLE, v) ?? JSON.stringify(v);
    case 'mode':
      return lookup(ROUTING_MODE_LABELS, v) ?? JSON.stringify(v);
    case 'kind':
      return lookup({ ...KIND_LABELS, ...PRICE_KIND_LABELS }, v) ?? JSON.stringify(v);
    case 'policy':
      return lookup(FOLLOW_UP_POLICY_LABELS, v) ?? JSON.stringify(v);
    case 'category':
      return typeof v === 'string' ? (names.category(v) ?? v) : JSON.stringify(v);
    case 'communityId':
      return nameOf(names.community, v);
    case 'supervisorId':
      return nameOf(names.staff, v);
    case 'communityIds':
      return Array.isArray(v) ? v.map((x) => nameOf(names.community, x)).join('、') || '—' : JSON.stringify(v);
    case 'memberIds':
      return Array.isArray(v) ? v.map((x) => nameOf(names.staff, x)).join('、') || '—' : JSON.stringify(v);
    case 'acceptMinutes':
    case 'arriveMinutes':
    case 'resolveMinutes':
      return typeof v === 'number' ? minutes(v) : JSON.stringify(v);
    case 'priceFen':
      return typeof v === 'number' ? `¥${(v / 100).toFixed(2)}` : JSON.stringify(v);
    case 'offerTimeoutSeconds':
      return typeof v === 'number' ? `${v} 秒` : JSON.stringify(v);
    case 'startsAt':
    case 'endsAt':
    case 'startAt':
    case 'endAt':
      return typeof v === 'string' ? dateTime(v) : JSON.stringify(v);
    case 'weights':
      if (isRecord(v))
        return Object.entries(v)
          .map(([k, w]) => `${lookup(GRADE_LABELS, k) ?? k} ${String(w)}`)
          .join('，');
      break;
    case 'skills':
      if (Array.isArray(v))
        return (
          v
            .map((s) =>
              isRecord(s) ? `${names.category(String(s.category)) ?? String(s.category)} ${String(s.level)} 级` : '',
            )
            .join('、') || '—'
        );
      break;
    case 'pattern':
      if (Array.isArray(v))
        return (
          v
            .map((w) =>
              isRecord(w) && typeof w.weekday === 'number'
                ? `${WEEKDAYS[w.weekday] ?? w.weekday} ${clock(Number(w.startMinute))}–${clock(Number(w.endMinute))}`
                : JSON.stringify(w),
            )
            .join('，') || '—'
        );
      break;
  }
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  return JSON.stringify(v);
}
