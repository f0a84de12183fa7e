/**
 * The one API client of the mini-program. Every call goes through `request` (Taro.request, or
 * Taro.uploadFile for photos), which adds the token, turns failures into ApiError with a Chinese
 * text, and sends the resident back to the login page when the session has expired.
 */
import Taro from '@tarojs/taro';
import type {
  BindingRelation,
  BuildingOption,
  CategoryView,
  CommunityOption,
  CreateOrderInput,
  HouseBindingView,
  HouseholdView,
  HouseInviteView,
  HouseOption,
  InviteRelation,
  LoginResponse,
  MarkAllReadResponse,
  NotificationPage,
  NotificationView,
  Page,
  PriceItemView,
  PublicAreaOption,
  RatingInput,
  RatingResult,
  ReportSubscriptionsResponse,
  SubscribeResult,
  SurveyAnswerInput,
  SurveyResponseResult,
  SlaClockView,
  SurveyView,
  TransitionInput,
  UploadView,
  UserView,
  CreatedWorkOrderView,
  WorkOrderDetailView,
  WorkOrderStatus,
  WorkOrderView,
} from '@linli/shared';
import type { JoinResultView, NoticeView, QrPlaceView, SharedFaultsView } from '@linli/shared';
import type { ReceiptView, WechatPayStart } from '@linli/shared';
import { appConfig } from './config';
import { ApiError } from './errors';
import { storage } from './storage';

export { ApiError } from './errors';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
type Query = Record<string, string | number | boolean | undefined | null>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  /** Default true: send the stored token. */
  auth?: boolean;
}

const TIMEOUT_MS = 15000;

/** An absolute URL for a server path (`/api/...`); absolute URLs pass through. */
export function resolveUrl(pathOrUrl: string): string {
  if (/^https?:\/\//i.test(pathOrUrl)) return pathOrUrl;
  return appConfig.apiBase + pathOrUrl;
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const parts = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `${path}?${parts.join('&')}` : path;
}

function authHeader(auth: boolean): Record<string, string> {
  const token = auth ? storage.token() : null;
  return token ? { Authorization: `Bearer ${token}` } : {};
}

function toApiError(status: number, data: unknown): ApiError {
  if (data && typeof data === 'object' && typeof (data as { code?: unknown }).code === 'string') {
    const body = data as { code: string; message?: string; details?: unknown; requestId?: string };
    return new ApiError({ status, ...body });
  }
  return new ApiError({ code: status >= 500 ? 'INTERNAL_ERROR' : 'BAD_RESPONSE', status });
}

let relaunching = false;

/** A 401 UNAUTHENTICATED means the token is gone or expired: start over at the login page. */
function onUnauthenticated(): void {
  storage.clearSession();
  if (relaunching) return;
  relaunching = true;
  void Taro.reLaunch({ url: '/pages/login/index' }).finally(() => {
    relaunching = false;
  });
}

function check<T>(status: number, data: unknown, auth: boolean): T {
  if (status >= 200 && status < 300) return data as T;
  const err = toApiError(status, data);
  // A stored session of an account that must set its password first: the login page shows the form after signing in.
  if (auth && (err.code === 'UNAUTHENTICATED' || err.code === 'PASSWORD_CHANGE_REQUIRED')) onUnauthenticated();
  throw err;
}

export async function request<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<T> {
  const auth = opts.auth !== false;
  let res: { statusCode: number; data: unknown };
  try {
    res = await Taro.request({
      url: resolveUrl(withQuery(path, opts.query)),
      method,
      data: opts.body as Taro.request.Option['data'],
      header: {
        ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...authHeader(auth),
        ...opts.headers,
      },
      timeout: TIMEOUT_MS,
      dataType: 'json',
    });
  } catch (err) {
    throw new ApiError({ code: 'NETWORK_ERROR', status: 0, message: (err as { errMsg?: string })?.errMsg });
  }
  return check<T>(res.statusCode, res.data, auth);
}

/** Upload one local file (Taro.chooseImage's tempFilePath, a blob: URL on H5) as `file`. */
export async function uploadPhoto(filePath: string): Promise<UploadView> {
  let res: Taro.uploadFile.SuccessCallbackResult;
  try {
    res = await Taro.uploadFile({
      url: resolveUrl('/api/uploads'),
      filePath,
      name: 'file',
      header: authHeader(true),
      timeout: 60000,
      // H5: the API may be another origin, whose CORS answer allows no credentials.
      withCredentials: false,
    } as Taro.uploadFile.Option);
  } catch (err) {
    throw new ApiError({ code: 'NETWORK_ERROR', status: 0, message: (err as { errMsg?: string })?.errMsg });
  }
  let data: unknown = res.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      data = null;
    }
  }
  return check<UploadView>(res.statusCode, data, true);
}

/** The proof of a phone (docs/households.md): WeChat's phone-number code, or the phone and its SMS code. */
export type PhoneProofInput = { phoneCode: string } | { phone: string; smsCode: string };

// ------------------------------------------------------------------ endpoints

export const api = {
  async loginWechat(code: string): Promise<LoginResponse> {
    const res = await request<LoginResponse>('POST', '/api/auth/wechat', { body: { code }, auth: false });
    storage.setSession(res.token, res.user);
    return res;
  },
  /** Staff login (username + password). */
  async loginPassword(username: string, password: string): Promise<LoginResponse> {
    const res = await request<LoginResponse>('POST', '/api/auth/password', {
      body: { username, password },
      auth: false,
    });
    storage.setSession(res.token, res.user);
    return res;
  },
  /** Staff set their own password (first login, after an admin's reset): a fresh session. */
  async changePassword(oldPassword: string, newPassword: string): Promise<LoginResponse> {
    const res = await request<LoginResponse>('POST', '/api/me/password', { body: { oldPassword, newPassword } });
    storage.setSession(res.token, res.user);
    return res;
  },
  me: () => request<UserView>('GET', '/api/me'),

  myHouses: () => request<HouseBindingView[]>('GET', '/api/me/houses'),
  /** Binding needs a proven phone: WeChat's phone-number code, or (H5) the phone and its SMS code. */
  requestBinding: (input: { houseId: number; relation: BindingRelation; name: string } & PhoneProofInput) =>
    request<HouseBindingView>('POST', '/api/me/houses', { body: input }),
  /** An SMS verification code to the phone (H5 binding); 202 with no body. */
  sendSmsCode: (phone: string, purpose: 'bind' | 'login' = 'bind') =>
    request<void>('POST', '/api/sms/codes', { body: { phone, purpose }, auth: false }),
  acceptInvite: (input: { code: string; name: string } & PhoneProofInput) =>
    request<HouseBindingView>('POST', '/api/house-invites/accept', { body: input }),
  household: (houseId: number) => request<HouseholdView>('GET', `/api/me/houses/${houseId}/household`),
  createInvite: (houseId: number, input: { relation: InviteRelation; canApproveFees: boolean }) =>
    request<HouseInviteView>('POST', `/api/me/houses/${houseId}/invites`, { body: input }),
  revokeInvite: (inviteId: number) => request<HouseholdView>('DELETE', `/api/house-invites/${inviteId}`),
  reviewMember: (bindingId: number, decision: 'verified' | 'rejected') =>
    request<HouseholdView>('POST', `/api/household-members/${bindingId}/review`, { body: { decision } }),
  updateMember: (bindingId: number, canApproveFees: boolean) =>
    request<HouseholdView>('PATCH', `/api/household-members/${bindingId}`, { body: { canApproveFees } }),
  removeMember: (bindingId: number) => request<HouseholdView>('DELETE', `/api/household-members/${bindingId}`),
  communities: (q?: string) => request<CommunityOption[]>('GET', '/api/communities', { query: { q } }),
  buildings: (communityId: number) => request<BuildingOption[]>('GET', `/api/communities/${communityId}/buildings`),
  publicAreas: (communityId: number) =>
    request<PublicAreaOption[]>('GET', `/api/communities/${communityId}/public-areas`),
  houses: (buildingId: number) => request<HouseOption[]>('GET', `/api/buildings/${buildingId}/houses`),
  categories: (communityId?: number) => request<CategoryView[]>('GET', '/api/categories', { query: { communityId } }),
  /** The community's price list (收费标准): its own items and the company-wide ones. */
  priceList: (communityId: number) => request<PriceItemView[]>('GET', '/api/price-list', { query: { communityId } }),

  /** The key makes a repeated submit (double tap, retry after a lost answer) return the same order. */
  createOrder: (input: CreateOrderInput, idempotencyKey: string) =>
    request<CreatedWorkOrderView>('POST', '/api/work-orders', {
      body: input,
      headers: { 'Idempotency-Key': idempotencyKey },
    }),
  listOrders: (q: { status?: readonly WorkOrderStatus[]; page?: number; pageSize?: number; sort?: 'sla' } = {}) =>
    request<Page<WorkOrderView>>('GET', '/api/work-orders', {
      query: { status: q.status?.join(','), sort: q.sort, page: q.page, pageSize: q.pageSize },
    }),
  getOrder: (id: number) => request<WorkOrderDetailView>('GET', `/api/work-orders/${id}`),
  /** Start paying the order's unpaid bill with WeChat Pay (docs/payments.md). */
  startWechatPay: (id: number) => request<WechatPayStart>('POST', `/api/work-orders/${id}/payments/wechat`),
  receipt: (id: number) => request<ReceiptView>('GET', `/api/work-orders/${id}/receipt`),
  /** The order's SLA clocks with their escalations (the resident's overdue notice). */
  slaClocks: (id: number) => request<SlaClockView[]>('GET', `/api/work-orders/${id}/sla`),
  transition: (id: number, input: TransitionInput) =>
    request<WorkOrderDetailView>('POST', `/api/work-orders/${id}/transitions`, { body: input }),
  rate: (id: number, input: RatingInput) =>
    request<RatingResult>('POST', `/api/work-orders/${id}/rating`, { body: input }),

  notifications: (q: { page?: number; pageSize?: number; unread?: boolean } = {}) =>
    request<NotificationPage>('GET', '/api/me/notifications', { query: q }),
  markRead: (id: number) => request<NotificationView>('POST', `/api/me/notifications/${id}/read`),
  markAllRead: () => request<MarkAllReadResponse>('POST', '/api/me/notifications/read-all'),

  /** Notices to the resident's houses (upcoming and current), or a staff member's communities'. */
  notices: () => request<NoticeView[]>('GET', '/api/notices'),
  /** What a scanned QR code stands for (docs/notices.md "QR reporting"). */
  resolveQr: (scene: string) => request<QrPlaceView>('GET', '/api/qr/resolve', { query: { scene } }),
  /** Current notices and open public-area orders where the resident is about to report. */
  faultsAt: (place: { publicAreaId: number } | { houseId: number }) =>
    request<SharedFaultsView>('GET', '/api/notices/at', { query: place }),
  /** "我也遇到了": join an open public-area order as one more reporter (a repeat tap changes nothing). */
  joinOrder: (id: number) => request<JoinResultView>('POST', `/api/work-orders/${id}/join`),

  /** A resident's open surveys (of the communities of their verified houses), with `answered`. */
  surveys: () => request<SurveyView[]>('GET', '/api/surveys'),
  answerSurvey: (id: number, input: SurveyAnswerInput) =>
    request<SurveyResponseResult>('POST', `/api/surveys/${id}/responses`, { body: input }),

  reportSubscriptions: (results: Record<string, SubscribeResult>) =>
    request<ReportSubscriptionsResponse>('POST', '/api/me/subscriptions', { body: { results } }),

  uploadPhoto,
};
