/**
 * The staff-mode endpoints beyond the order lifecycle (which is in api.ts): the technician's
 * day and colleagues, the desk's callers and follow-ups, the supervisor's board and leave.
 * Only the staff subpackages import this module, so residents never download it. The board,
 * day, colleague and house-resident views come from @linli/shared (staff-api.ts); the other
 * shapes mirror the server (satisfaction/follow-ups.dto.ts, staff/leave.service.ts).
 */
import type {
  BoardView,
  ColleagueView,
  HouseResidentView,
  MyDayView,
  Page,
  PersonRef,
  WorkOrderDetailView,
  WorkOrderView,
} from '@linli/shared';
import { request, type CreateOrderInput } from './api';

export type {
  BoardEscalation,
  BoardStatus,
  BoardTechnician,
  BoardView,
  ColleagueView,
  HouseResidentView,
  MyDayView,
} from '@linli/shared';

/** A staff member as GET /api/staff lists them (the fields this app reads). */
export interface StaffMember {
  id: number;
  name: string;
  role: string;
  communityIds: number[];
  openOrders: number;
  capacity: number;
  onShift: boolean;
  onLeave: boolean;
}

export type FollowUpReason = 'not_fixed' | 'low_rating' | 'complaint' | 'unrated' | 'policy';
export type FollowUpChannel = 'phone' | 'visit' | 'wechat';

export interface FollowUpView {
  id: number;
  workOrderId: number;
  orderNo: string;
  orderKind: string;
  category: string;
  communityId: number;
  location: string;
  reporter: PersonRef | null;
  assignee: PersonRef | null;
  ratingStars: number | null;
  reason: FollowUpReason;
  status: 'open' | 'done' | 'cancelled';
  dueAt: string;
  overdue: boolean;
  createdAt: string;
  channel: FollowUpChannel | null;
  reached: boolean | null;
  outcome: string | null;
  stars: number | null;
  fixed: boolean | null;
  doneBy: { id: number; name: string } | null;
  doneAt: string | null;
}

export interface CompleteFollowUpInput {
  channel: FollowUpChannel;
  reached: boolean;
  outcome: string;
  stars?: number;
  fixed?: boolean;
}

export interface LeaveView {
  id: number;
  userId: number;
  userName: string;
  startAt: string;
  endAt: string;
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
  reviewedById: number | null;
  createdAt: string;
}

export type SlaState = 'ok' | 'warning' | 'critical' | 'breached';

/** A report the desk files for a caller: channel phone, the caller (if registered) as reporter. */
export interface PhoneOrderInput extends CreateOrderInput {
  channel: 'phone';
  reporterId?: number;
}

export const staffApi = {
  myDay: () => request<MyDayView>('GET', '/api/staff/me/today'),
  colleagues: () => request<ColleagueView[]>('GET', '/api/staff/me/colleagues'),
  houseResidents: (houseId: number) =>
    request<HouseResidentView[]>('GET', '/api/staff/desk/house-residents', { query: { houseId } }),
  /** The same Idempotency-Key for a retried submit files one order. */
  createPhoneOrder: (input: PhoneOrderInput, idempotencyKey: string) =>
    request<WorkOrderDetailView>('POST', '/api/work-orders', {
      body: input,
      headers: { 'Idempotency-Key': idempotencyKey },
    }),
  /** Technicians serving a community (desk, supervisor, admin). */
  technicians: (communityId?: number) =>
    request<StaffMember[]>('GET', '/api/staff', { query: { role: 'technician', communityId } }),

  /** Orders for the office: complaints, at-risk lists. */
  orders: (q: {
    status?: readonly string[];
    kind?: string;
    atRisk?: 50 | 75;
    slaState?: readonly SlaState[];
    sort?: 'sla';
    pageSize?: number;
  }) =>
    request<Page<WorkOrderView>>('GET', '/api/work-orders', {
      query: {
        status: q.status?.join(','),
        kind: q.kind,
        atRisk: q.atRisk,
        slaState: q.slaState?.join(','),
        sort: q.sort,
        pageSize: q.pageSize,
      },
    }),

  followUps: (status: 'open' | 'done' = 'open') =>
    request<Page<FollowUpView>>('GET', '/api/follow-ups', { query: { status, pageSize: 50 } }),
  completeFollowUp: (id: number, input: CompleteFollowUpInput) =>
    request<FollowUpView>('POST', `/api/follow-ups/${id}/complete`, { body: input }),

  board: () => request<BoardView>('GET', '/api/staff/board'),
  leave: (status: 'pending' | 'approved' | 'rejected' = 'pending') =>
    request<LeaveView[]>('GET', '/api/leave', { query: { status } }),
  reviewLeave: (id: number, decision: 'approved' | 'rejected') =>
    request<LeaveView>('POST', `/api/leave/${id}/review`, { body: { decision } }),
};
