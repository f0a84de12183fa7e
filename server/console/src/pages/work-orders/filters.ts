import { addDays, SLA_STATE_LABELS, startOfChinaDay } from '@linli/shared';
import type { WorkOrderListQuery } from '../../api/services';

/**
 * The `slaState` filter of GET /api/work-orders: the highest escalation level reached by the
 * order's live clocks, in the catalogue's order (ok, warning, critical, breached).
 */
export const SLA_STATE_OPTIONS = (Object.keys(SLA_STATE_LABELS) as Array<keyof typeof SLA_STATE_LABELS>).map(
  (value) => ({
    value,
    label: SLA_STATE_LABELS[value],
  }),
);

/** The list's filters, kept in the URL so a reload or the way back from a detail keeps them. */
export interface OrderFilters {
  status: string[];
  priority: string[];
  slaState: string[];
  category?: string;
  kind?: string;
  communityId?: number;
  assigneeId?: number;
  q?: string;
  /** China days yyyy-mm-dd, both included. */
  from?: string;
  to?: string;
  sort: 'created' | 'sla';
  page: number;
  pageSize: number;
}

const list = (v: string | null) => (v ? v.split(',').filter(Boolean) : []);
const int = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);
const day = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

export function readFilters(p: URLSearchParams): OrderFilters {
  return {
    status: list(p.get('status')),
    priority: list(p.get('priority')),
    slaState: list(p.get('slaState')),
    category: p.get('category') || undefined,
    kind: p.get('kind') || undefined,
    communityId: int(p.get('communityId')),
    assigneeId: int(p.get('assigneeId')),
    q: p.get('q') || undefined,
    from: day(p.get('from')),
    to: day(p.get('to')),
    sort: p.get('sort') === 'sla' ? 'sla' : 'created',
    page: int(p.get('page')) ?? 1,
    pageSize: int(p.get('pageSize')) ?? 20,
  };
}

export function writeFilters(f: OrderFilters): URLSearchParams {
  const out = new URLSearchParams();
  const set = (k: string, v: string | number | undefined) => {
    if (v !== undefined && v !== '') out.set(k, String(v));
  };
  set('status', f.status.join(','));
  set('priority', f.priority.join(','));
  set('slaState', f.slaState.join(','));
  set('category', f.category);
  set('kind', f.kind);
  set('communityId', f.communityId);
  set('assigneeId', f.assigneeId);
  set('q', f.q);
  set('from', f.from);
  set('to', f.to);
  if (f.sort !== 'created') set('sort', f.sort);
  if (f.page !== 1) set('page', f.page);
  if (f.pageSize !== 20) set('pageSize', f.pageSize);
  return out;
}

/** A China day's start as an ISO instant (the list API filters createdAt by instants). */
const chinaDayStart = (d: string) => startOfChinaDay(d).toISOString();
const nextChinaDayStart = (d: string) => startOfChinaDay(addDays(d, 1)).toISOString();

/** GET /api/work-orders query of the filters (`to` is exclusive there: the day after). */
export function listQuery(f: OrderFilters): WorkOrderListQuery {
  return {
    status: f.status,
    priority: f.priority,
    slaState: f.slaState,
    category: f.category,
    kind: f.kind,
    communityId: f.communityId,
    assigneeId: f.assigneeId,
    q: f.q,
    from: f.from ? chinaDayStart(f.from) : undefined,
    to: f.to ? nextChinaDayStart(f.to) : undefined,
    sort: f.sort,
    page: f.page,
    pageSize: f.pageSize,
  };
}
