/** Shapes of the HTTP API, shared by the server (which returns them) and its clients. */
import type { BindingRelation, BindingStatus } from './places.js';
import type { InviteRelation, PhoneProof } from './households.js';
import type { Role } from './roles.js';
import type { Channel, PauseReason, Priority, WorkOrderAction, WorkOrderKind, WorkOrderStatus } from './work-order.js';
import type { ExcludedCandidate, ExclusionReason, RankedCandidate, RoutingWeights } from './routing.js';
import type { CompactRoutingDecision } from './routing-compact.js';
import type { RatingDimension, ServperfDimension } from './satisfaction/index.js';
import type { SlaStage } from './sla.js';
import type { PromiseState } from './stage-promises.js';
import type { BillUseInput, FeeKind, OrderBillView, QuoteFlag, QuoteLineInput, QuoteState } from './billing.js';

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** GET /api/work-orders: one page of the caller's orders. */
export type WorkOrderPage = Page<WorkOrderView>;

export interface UserView {
  id: number;
  role: Role;
  name: string;
  phone: string | null;
  companyId: number | null;
  communityIds: number[];
  /** Set by an admin or the CLI: until the user sets their own password, every other API answers PASSWORD_CHANGE_REQUIRED. */
  mustChangePassword?: boolean;
}

export interface LoginResponse {
  token: string;
  user: UserView;
}

export interface CategoryView {
  code: string;
  name: string;
}

export interface HouseBindingView {
  id: number;
  houseId: number;
  houseLabel: string;
  communityId: number;
  communityName: string;
  relation: BindingRelation;
  status: BindingStatus;
  createdAt: string;
  /**
   * The community's property service hotline (物业服务电话, community.servicePhone): whom a
   * resident calls while the binding waits for review. Absent or null: none on record.
   */
  servicePhone?: string | null;
  /** Who asked, as they typed it: the resident's own data, shown to them and to reviewers. */
  applicant: { name: string; phone: string };
  /** May approve fees for the house: an owner, or a member the owner allowed. Absent: false. */
  canApproveFees?: boolean;
  /** How the phone was proven (wechat, sms, invite); null: before proof was required. */
  phoneProof?: PhoneProof | null;
}

/** A priced quote line (docs/fees.md): from the price list, or off it with a reason. */
export interface QuoteItem {
  /** The price-list item, or null for a line off the list. */
  priceItemId: number | null;
  kind: FeeKind;
  name: string;
  unit: string;
  quantity: number;
  /** The price charged per unit in fen (0.01 CNY), an integer. */
  unitPriceFen: number;
  /** The list's price per unit in fen (null off the list). */
  listPriceFen: number | null;
  /** quantity x unitPriceFen. */
  amountFen: number;
  /** off_list | over_list: shown as a warning to the resident and in the console. */
  flag: QuoteFlag | null;
  /** The technician's reason for a flagged line. */
  reason: string | null;
}

/** An order's quote. A resident does not see the lines while a supervisor reviews it (state `supervisor`). */
export interface QuoteView {
  items: QuoteItem[];
  totalFen: number;
  approved: boolean | null;
  state: QuoteState;
  /** The resident's reason for rejecting it. */
  rejectReason: string | null;
  /** Lines off the list or above it. */
  flaggedCount: number;
}

export interface PersonRef {
  id: number;
  name: string;
  /** Masked unless the viewer is allowed to see it in full. */
  phone: string | null;
}

/** A photo as a signed, expiring URL that an <image> tag can load without a token. */
export interface PhotoRef {
  id: number;
  url: string;
}

export interface WorkOrderView {
  id: number;
  no: string;
  kind: WorkOrderKind;
  channel: Channel;
  status: WorkOrderStatus;
  priority: Priority;
  category: string;
  description: string;
  companyId: number;
  communityId: number;
  houseId: number | null;
  publicAreaId: number | null;
  location: string;
  reporter: PersonRef | null;
  assignee: PersonRef | null;
  /** A wish without a time (尽快上门, 电话联系约时间), or an older client's words. */
  preferredTime: string | null;
  /** When the resident wants the visit: two instants (docs/staff-mode.md "Visit window"). */
  visitWindow?: { from: string; to: string } | null;
  /** A complaint about a technician: who (the complaint is never assigned to them). */
  about?: { id: number; name: string } | null;
  photoIds: number[];
  photos: PhotoRef[];
  quote: QuoteView | null;
  urgeCount: number;
  /** Times the resident reopened it (the fix failed). */
  reopenCount: number;
  /** waiting (nobody qualifies yet), offered, assigned, pooled, manual; null before routing. */
  routingState: 'waiting' | 'offered' | 'assigned' | 'pooled' | 'manual' | null;
  /** The nearest deadline of the running SLA clocks. */
  slaDueAt: string | null;
  /**
   * The community's property service hotline (物业服务电话, community.servicePhone), for the
   * resident to call when an order is late. Absent or null: none on record.
   */
  servicePhone?: string | null;
  /** The closed order of the same place and category (within 30 days) this one repeats. */
  repeatOfId: number | null;
  /** A complaint a bad rating filed: the rated order it is about (staff views; absent otherwise). */
  complaintOfId?: number | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The actions the viewer may take now (from the shared state machine). */
  actions: WorkOrderAction[];
}

export interface TimelineEventView {
  id: number;
  action: WorkOrderAction | 'create';
  from: WorkOrderStatus | null;
  to: WorkOrderStatus;
  actor: { id: number | null; role: Role | 'system'; name: string };
  note: string | null;
  photoIds: number[];
  photos: PhotoRef[];
  at: string;
  /** Urges are shown as one line: how many it stands for (absent: one), `at` the latest. */
  count?: number;
  /** assign, transfer, grab: whose hands the order left (null: nobody's) and whose it is in now. */
  handover?: { from: { id: number; name: string } | null; to: { id: number; name: string } | null };
}

/**
 * When the technician is expected at the door (docs/arrival.md): a window recomputed on every
 * read from the technician's queue ahead, travel and the category's on-site durations.
 */
export interface ArrivalView {
  /** ISO 8601; never in the past. */
  earliestAt: string;
  /** ISO 8601; the time to promise: 预计 11:05 前上门. */
  latestAt: string;
  /** Why, for the resident: 师傅前面还有 2 单, 师傅已出发, 按您预约的时间上门. */
  basis: string;
  /** Jobs the technician does before this one. */
  ahead: number;
}

/** One stage's promise (接单, 上门, 完成) of the current cycle and whether it was kept (docs/arrival.md). */
export interface StagePromiseView {
  stage: SlaStage;
  /** ISO 8601; null: nothing promised for the stage. */
  promisedAt: string | null;
  /** sla: the stage's SLA target; appointment: the end of the resident's visit window. */
  basis: 'sla' | 'appointment';
  state: PromiseState;
  /** ISO 8601 when the stage was done; null until then. */
  doneAt: string | null;
}

export interface WorkOrderDetailView extends WorkOrderView {
  timeline: TimelineEventView[];
  /** While an urge's cooldown runs (docs/product-rules.md "Abuse limits"): when the next urge is allowed. */
  nextUrgeAt?: string | null;
  /** The predicted arrival while the visit is ahead; null: none (派单中, already on site, not a repair). */
  arrival?: ArrivalView | null;
  /** The current cycle's stage promises in stage order (empty: the order has no SLA clocks). */
  promises?: StagePromiseView[];
  /** The repair's bill once completed with one (docs/fees.md); null: none. */
  bill?: OrderBillView | null;
}

/** The answer to POST /api/work-orders: the order, and whether it was an earlier identical one. */
export interface CreatedWorkOrderView extends WorkOrderDetailView {
  /** The same reporter or house filed this order minutes ago and it is still open: no new order was made. */
  duplicate?: true;
}

export interface UploadView {
  id: number;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  url: string;
}

// Notifications: the in-app message list and WeChat subscribe-message counts.

/** One entry of a user's in-app message list. */
export interface NotificationView {
  id: number;
  /** What happened, e.g. `order.accept`, `routing.offered`, `sla.escalation`. */
  type: string;
  title: string;
  body: string;
  workOrderId: number | null;
  read: boolean;
  /** ISO 8601. */
  createdAt: string;
}

export interface NotificationPage extends Page<NotificationView> {
  /** The user's unread notifications, whatever the filter. */
  unread: number;
}

export interface MarkAllReadResponse {
  updated: number;
}

/** What `wx.requestSubscribeMessage` answered for each template id. */
export const SUBSCRIBE_RESULTS = ['accept', 'reject', 'ban', 'filter'] as const;
export type SubscribeResult = (typeof SUBSCRIBE_RESULTS)[number];

export interface SubscriptionsView {
  /** Sends left per known template id (one per accepted request). */
  remaining: Record<string, number>;
}

export interface ReportSubscriptionsResponse extends SubscriptionsView {
  /** Template ids this server does not send, left out of the count. */
  ignored: string[];
}

// An order's detail beyond the order itself, pickers, and the transition body (console and mini-program).

/** GET /api/communities: a community for pickers (staff see their company's). */
export interface CommunityOption {
  id: number;
  name: string;
  address: string;
  /** The property service hotline (物业服务电话); null: none on record. */
  servicePhone: string | null;
}

/** Body of PUT /api/communities/:id/service-phone (admin); null or '' clears the number. */
export interface ServicePhoneInput {
  servicePhone: string | null;
}

/** Body of POST /api/work-orders/:id/transitions; what an action needs is ACTION_REQUIREMENTS'. */
export interface TransitionInput {
  action: WorkOrderAction;
  /** The version the client saw; another current version answers VERSION_CONFLICT. */
  version?: number;
  /** assign, transfer: the technician. */
  assigneeId?: number;
  reason?: string;
  note?: string;
  pauseReason?: PauseReason;
  /** complete: the after photos. */
  photoIds?: number[];
  /** quote: the lines, priced by the server from the community's price list. */
  quoteItems?: QuoteLineInput[];
  /** complete after an approved quote: what was used, by quote line (or `free`). */
  bill?: { lines: BillUseInput[] };
  /** complete: a free repair (within the property fee), no payment. */
  free?: boolean;
  /** depart, arrive: where the technician's phone is (GCJ-02), with their consent; both or neither. */
  latitude?: number;
  longitude?: number;
}

/** GET /api/work-orders/:id/rating (404 while unrated). */
export interface RatingView {
  id: number;
  workOrderId: number;
  stars: number;
  dimensions: Record<RatingDimension, number | null>;
  fixed: boolean | null;
  tags: string[];
  comment: string | null;
  /** ISO 8601. */
  createdAt: string;
}

/** GET /api/work-orders/:id/sla: one SLA clock of the order (every cycle). */
export interface SlaClockView {
  id: number;
  cycle: number;
  stage: SlaStage;
  status: 'running' | 'paused' | 'stopped' | 'cancelled';
  startedAt: string;
  targetMinutes: number;
  /** Pauses push it back. */
  dueAt: string;
  businessHours: boolean;
  pausedSeconds: number;
  pausedSince: string | null;
  pauseReason: string | null;
  /** Escalation level reached: 1 = 50%, 2 = 75%, 3 = breached. */
  level: number;
  breached: boolean;
  breachedAt: string | null;
  stoppedAt: string | null;
  escalations: Array<{ level: number; notified: boolean; at: string }>;
}

/**
 * GET /api/work-orders/:id/routing: one routing decision, newest first, as stored: the top
 * candidates with their grades and the exclusion counts (the full list: the explanation).
 */
export interface RoutingDecisionView extends CompactRoutingDecision {
  id: number;
  attempt: number;
  ruleId: number | null;
  mode: string;
  outcome: string;
  chosenUserId: number | null;
  at: string;
}

/**
 * GET /api/work-orders/:id/routing/explain: every candidate ranked or excluded, recomputed now
 * with the current rule, staff, shifts, leave and load; not what routing saw at the time.
 */
export interface RoutingExplanationView {
  workOrderId: number;
  /** ISO 8601: when this list was computed (now). */
  recomputedAt: string;
  /** The rule that applies now (null: none, default weights). */
  ruleId: number | null;
  mode: string;
  weights: RoutingWeights;
  considered: number;
  eligible: number;
  excludedByReason: Partial<Record<ExclusionReason, number>>;
  /** Best first, each with its travel facts. */
  ranked: ExplainedCandidate[];
  excluded: ExcludedCandidate[];
}

/** A ranked candidate of the explanation with the facts behind its distance grade (docs/routing.md). */
export interface ExplainedCandidate extends RankedCandidate {
  /** km from the technician's position to the order's building (else community), 2 decimals; null: unknown. */
  distanceKm: number | null;
  /** Estimated travel minutes for that distance (shared/src/geo.ts travelMinutes); null: unknown. */
  travelMinutes: number | null;
  /** Where the technician's position came from; null: unknown. */
  positionSource: 'reported' | 'current_job' | 'last_job' | null;
}

// Pickers, the report and the rating (the mini-program's resident screens).

/** GET /api/communities/:id/buildings */
export interface BuildingOption {
  id: number;
  name: string;
}

/** GET /api/buildings/:id/houses */
export interface HouseOption {
  id: number;
  label: string;
  unit: string | null;
  roomNo: string;
}

/** GET /api/communities/:id/public-areas */
export interface PublicAreaOption {
  id: number;
  name: string;
  buildingId: number | null;
}

/** Body of POST /api/work-orders (with an Idempotency-Key header). */
export interface CreateOrderInput {
  /** Default repair; complaint and suggestion come from 投诉 / 建议. */
  kind?: WorkOrderKind;
  category: string;
  description: string;
  houseId?: number;
  publicAreaId?: number;
  priority?: Priority;
  photoIds?: number[];
  preferredTime?: string;
  /** The visit window (both instants with a zone; at most 12 hours, not over yet). */
  visitWindow?: { from: string; to: string };
  /** Staff only, complaints only: the technician the complaint is about. */
  aboutUserId?: number;
  /** Staff only: how the report reached us (phone, staff-found, patrol). */
  channel?: Channel;
  /** Staff only: the resident the order is for (e.g. the caller on the phone). */
  reporterId?: number;
}

/** Body of POST /api/work-orders/:id/rating. */
export interface RatingInput {
  stars: number;
  dimensions?: Partial<Record<RatingDimension, number>>;
  fixed?: boolean;
  tags?: string[];
  comment?: string;
  /** Only with 1-2 stars or fixed: false. */
  reopen?: boolean;
}

/** Answer of POST /api/work-orders/:id/rating. */
export interface RatingResult extends RatingView {
  /** The order after the rating: closed, or reopened when the resident asked for it. */
  orderStatus: WorkOrderStatus;
  /** A follow-up task for the desk was opened (1-2 stars or not fixed). */
  followUpOpened: boolean;
  /** The complaint the bad rating filed for the desk (null: none, e.g. a good rating). */
  complaintId: number | null;
}

/** Body of POST /api/surveys/:id/responses: one household's answers. */
export interface SurveyAnswerInput {
  houseId: number;
  /** ACSI items, 1-10. */
  overall: number;
  expectation: number;
  ideal: number;
  /** 0-10. */
  nps: number;
  /** 1-5 each. */
  servperf: Record<ServperfDimension, number>;
  comment?: string;
}

/** Answer of POST /api/surveys/:id/responses. */
export interface SurveyResponseResult {
  id: number;
  surveyId: number;
}

/** GET /api/health (the old combined check): 200 while the database answers, 503 otherwise. */
export interface HealthView {
  status: 'ok' | 'unavailable';
  db: 'up' | 'down' | 'timeout';
  /** How long `SELECT 1` took (absent when the database refused outright). */
  dbLatencyMs?: number;
}

/** GET /api/health/live: the process runs. */
export interface LivenessView {
  status: 'ok';
  uptimeSeconds: number;
}

/** One check of GET /api/health/ready, with what it found (latency, counts, a reason). */
export interface ReadinessCheck {
  status: 'up' | 'down' | 'timeout' | 'pending' | 'unknown';
  [detail: string]: unknown;
}

/** GET /api/health/ready: 200 when every check is up, else 503 naming the failed ones. */
export interface ReadinessView {
  status: 'ok' | 'unavailable';
  failed?: string[];
  checks: Record<string, ReadinessCheck>;
}

// ---- accounts and the platform (docs/security.md "Accounts and tokens") ----

/** POST /me/password. */
export interface ChangePasswordRequest {
  oldPassword: string;
  newPassword: string;
}

/** POST /staff/:id/password-reset: the temporary password, shown once. */
export interface PasswordResetResponse {
  userId: number;
  temporaryPassword: string;
}

/** A company as the platform operator sees it. */
export interface PlatformCompanyView {
  id: number;
  name: string;
  active: boolean;
  createdAt: string;
  /** Active staff accounts. */
  staff: number;
  communities: number;
}

/** POST /platform/companies. */
export interface CreateCompanyRequest {
  name: string;
  adminUsername: string;
  adminName: string;
}

export interface CreateCompanyResponse {
  company: PlatformCompanyView;
  adminUserId: number;
  adminUsername: string;
  /** The first admin's one-time password: they must change it at first login. */
  temporaryPassword: string;
}

/** A resident of a house as its owner sees them (docs/households.md). */
export interface HouseMemberView {
  bindingId: number;
  userId: number;
  name: string;
  /** Masked (138****1234): the owner manages members, they do not collect their numbers. */
  phone: string | null;
  relation: BindingRelation;
  status: BindingStatus;
  canApproveFees: boolean;
  phoneProof: PhoneProof | null;
  /** The viewer's own binding. */
  isMe: boolean;
  createdAt: string;
}

/** An invite to join a house: a one-use code valid for 7 days. */
export interface HouseInviteView {
  id: number;
  houseId: number;
  code: string;
  relation: InviteRelation;
  canApproveFees: boolean;
  expiresAt: string;
  createdAt: string;
  /** When it was used (by whom is on the member list); null while open. */
  usedAt: string | null;
  /** The QR image of the code (inviteQrText) as a PNG data URL, for the invitee to scan. */
  qrPng?: string;
}

/** GET /me/houses/:houseId/household: the owner's page of the house's people. */
export interface HouseholdView {
  houseId: number;
  houseLabel: string;
  communityName: string;
  /** Verified bindings, owners first. */
  members: HouseMemberView[];
  /** Requests waiting for the owner (or the desk). */
  pending: HouseMemberView[];
  /** Open invites (unused, unexpired). */
  invites: HouseInviteView[];
}

// ---- SMS (docs/sms.md) ----

/** POST /api/sms/codes: what the code is for. */
export type SmsCodePurpose = 'bind' | 'login';

/** POST /api/sms/codes answer: the code is queued; when it expires and when another may be asked for. */
export interface SmsCodeSentView {
  expiresInSeconds: number;
  resendInSeconds: number;
}

/** One SMS the server sent or tried to send (staff view; the phone masked). */
export interface SmsMessageView {
  id: number;
  kind: 'code' | 'order';
  phone: string;
  templateCode: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  errorCode: string | null;
  errorMessage: string | null;
  bizId: string | null;
  nextAttemptAt: string | null;
  sentAt: string | null;
  createdAt: string;
}

export interface SmsMessagePage {
  items: SmsMessageView[];
  total: number;
  page: number;
  pageSize: number;
}
