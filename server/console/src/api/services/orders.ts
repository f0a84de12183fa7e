import type {
  Page,
  RatingView,
  RoutingDecisionView,
  RoutingExplanationView,
  SlaClockView,
  TransitionInput,
  WorkOrderDetailView,
  WorkOrderView,
} from '@linli/shared';
import { ApiError, type ApiClient } from '../client';

/** The filters of GET /api/work-orders; lists are sent comma-separated, empty ones left out. */
export interface WorkOrderListQuery {
  status?: readonly string[];
  priority?: readonly string[];
  /** Highest escalation level of the live clocks: ok, warning, critical, breached. */
  slaState?: readonly string[];
  category?: string;
  kind?: string;
  communityId?: number | null;
  assigneeId?: number;
  q?: string;
  /** ISO instants; `to` is exclusive. */
  from?: string;
  to?: string;
  /** Past 50 or 75% of a running SLA target. */
  atRisk?: 50 | 75;
  sort?: 'created' | 'sla';
  page?: number;
  pageSize?: number;
}

/** The filters of GET /api/exports/orders.{csv,xlsx}: China days, both included. */
export interface OrderExportQuery {
  from: string;
  to: string;
  communityId?: number;
  status?: readonly string[];
  priority?: readonly string[];
  category?: string;
  kind?: string;
  assigneeId?: number;
  slaState?: readonly string[];
  q?: string;
}

const csv = (v: readonly string[] | undefined) => v?.join(',');

/** Work orders: the table, one order with its SLA clocks, routing and rating, actions, exports. */
export function ordersService(client: ApiClient) {
  return {
    list: (q: WorkOrderListQuery) =>
      client.get<Page<WorkOrderView>>('/work-orders', {
        ...q,
        status: csv(q.status),
        priority: csv(q.priority),
        slaState: csv(q.slaState),
      }),
    get: (id: number) => client.get<WorkOrderDetailView>(`/work-orders/${id}`),
    /** Routing decisions, newest first. */
    routing: (id: number) => client.get<RoutingDecisionView[]>(`/work-orders/${id}/routing`),
    /** Every candidate, recomputed now with current data (decisions store only the top few). */
    explainRouting: (id: number) => client.get<RoutingExplanationView>(`/work-orders/${id}/routing/explain`),
    /** SLA clocks of every cycle. */
    sla: (id: number) => client.get<SlaClockView[]>(`/work-orders/${id}/sla`),
    /** The resident's rating; null while unrated (the server answers 404). */
    rating: (id: number) =>
      client.get<RatingView>(`/work-orders/${id}/rating`).catch((e: unknown) => {
        if (e instanceof ApiError && e.code === 'NOT_FOUND') return null;
        throw e;
      }),
    transition: (id: number, body: TransitionInput) =>
      client.post<WorkOrderDetailView>(`/work-orders/${id}/transitions`, body),
    /** The file and its name from Content-Disposition. */
    export: (kind: 'csv' | 'xlsx', q: OrderExportQuery) =>
      client.download(`/exports/orders.${kind}`, {
        ...q,
        status: csv(q.status),
        priority: csv(q.priority),
        slaState: csv(q.slaState),
      }),
  };
}
