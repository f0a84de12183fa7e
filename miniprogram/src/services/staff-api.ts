/**
 * The staff-mode endpoints beyond the order lifecycle (which is in api.ts): the technician's
 * day and colleagues, the desk's callers and follow-ups, the supervisor's board and leave.
 * Only the staff subpackages import this module, so residents never download it. Every view
 * and body is the shared one (@linli/shared: api.ts, staff-api.ts, admin-api.ts).
 */
import type {
  BoardView,
  ColleagueView,
  CompleteFollowUpInput,
  CreateOrderInput,
  FollowUpView,
  CallerView,
  HouseResidentView,
  LeaveStatus,
  LeaveView,
  MyDayView,
  Page,
  RematchApplyView,
  RematchPreviewView,
  SlaState,
  StaffView,
  CreatedWorkOrderView,
  WorkOrderView,
} from '@linli/shared';
import type { NoticeKind, NoticeView } from '@linli/shared';
import { request } from './api';

/** A report the desk files for a caller: channel phone, the caller (if registered) as reporter. */
export type PhoneOrderInput = CreateOrderInput & { channel: 'phone' };

export const staffApi = {
  myDay: () => request<MyDayView>('GET', '/api/staff/me/today'),
  colleagues: () => request<ColleagueView[]>('GET', '/api/staff/me/colleagues'),
  /** The verified residents (and their houses) with the caller's phone number. */
  callers: (phone: string) => request<CallerView[]>('GET', '/api/staff/desk/callers', { query: { phone } }),
  houseResidents: (houseId: number) =>
    request<HouseResidentView[]>('GET', '/api/staff/desk/house-residents', { query: { houseId } }),
  /** The same Idempotency-Key for a retried submit files one order. */
  createPhoneOrder: (input: PhoneOrderInput, idempotencyKey: string) =>
    request<CreatedWorkOrderView>('POST', '/api/work-orders', {
      body: input,
      headers: { 'Idempotency-Key': idempotencyKey },
    }),
  /** Technicians serving a community (desk, supervisor, admin). */
  technicians: (communityId?: number) =>
    request<StaffView[]>('GET', '/api/staff', { query: { role: 'technician', communityId } }),

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
  /** A technician's (or supervisor's) own leave request: pending until a supervisor reviews it. */
  requestLeave: (userId: number, input: { startAt: string; endAt: string; reason: string }) =>
    request<LeaveView>('POST', `/api/staff/${userId}/leave`, { body: input }),
  leave: (status: LeaveStatus = 'pending') => request<LeaveView[]>('GET', '/api/leave', { query: { status } }),
  reviewLeave: (id: number, decision: Exclude<LeaveStatus, 'pending'>) =>
    request<LeaveView>('POST', `/api/leave/${id}/review`, { body: { decision } }),

  /** Re-match on demand (supervisor, admin): the preview writes nothing; apply moves the chosen orders. */
  rematchPreview: () => request<RematchPreviewView>('GET', '/api/routing/rematch'),
  rematchApply: (moves: Array<{ workOrderId: number; technicianId: number; version: number }>) =>
    request<RematchApplyView>('POST', '/api/routing/rematch', { body: { moves } }),
  /** Notices (desk, supervisors): publish to a community or buildings; end one early (docs/notices.md). */
  publishNotice: (input: {
    communityId: number;
    buildingIds: number[] | null;
    kind: NoticeKind;
    title: string;
    body: string;
    startsAt: string;
    endsAt: string;
  }) => request<NoticeView>('POST', '/api/notices', { body: input }),
  endNotice: (id: number) => request<NoticeView>('POST', `/api/notices/${id}/end`),
};
