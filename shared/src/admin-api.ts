/**
 * Shapes of the admin API the console reads and writes: staff, teams, leave, routing rules,
 * SLA policies, the price list, follow-up policy and surveys. They mirror what the server's
 * services return (docs/staff-and-rules.md, docs/closed-loop.md).
 */
import type { RoutingMode, RoutingWeights } from './routing.js';
import type { StaffRole } from './roles.js';
import type { ShiftException, WeeklyShift } from './shifts.js';
import type { BusinessCalendar } from './sla.js';
import type { SurveyResults } from './satisfaction/survey.js';
import type { SurveyCadence, SurveyPeriodTrend } from './satisfaction/survey-schedule.js';
import type { Priority } from './work-order.js';

export interface StaffView {
  id: number;
  /** The login name (null: an account without password login). */
  username: string | null;
  name: string;
  role: StaffRole;
  phone: string | null;
  active: boolean;
  communityIds: number[];
  /** Empty = every building of the communities served. */
  buildingIds: number[];
  teamIds: number[];
  skills: Array<{ category: string; level: number }>;
  capacity: number;
  /** The position the technician's phone last reported (出发/到达, with their consent); null: none. */
  latitude: number | null;
  longitude: number | null;
  openOrders: number;
  onShift: boolean;
  onLeave: boolean;
}

export interface RosterView {
  pattern: WeeklyShift[];
  exceptions: ShiftException[];
}

export interface TeamView {
  id: number;
  name: string;
  supervisorId: number | null;
  supervisorName: string | null;
  memberIds: number[];
  members: Array<{ id: number; name: string }>;
}

export const LEAVE_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type LeaveStatus = (typeof LEAVE_STATUSES)[number];

export interface LeaveView {
  id: number;
  userId: number;
  userName: string;
  startAt: string;
  endAt: string;
  reason: string;
  status: LeaveStatus;
  reviewedById: number | null;
  createdAt: string;
}

export interface RoutingRuleView {
  id: number;
  communityId: number | null;
  category: string | null;
  priority: Priority | null;
  mode: RoutingMode;
  teamId: number | null;
  offerTimeoutSeconds: number;
  maxRefusals: number;
  /** null = DEFAULT_ROUTING_WEIGHTS. */
  weights: RoutingWeights | null;
  enabled: boolean;
  updatedAt: string;
}

/** GET /routing-rules/preview: the rule an order of the scope would be routed by (null: none). */
export interface RoutingRulePreviewView {
  rule: RoutingRuleView | null;
}

/** Body of POST /routing-rules and PUT /routing-rules/:id (PUT replaces every field). */
export interface RoutingRuleInput {
  communityId?: number | null;
  category?: string | null;
  priority?: Priority | null;
  mode: RoutingMode;
  teamId?: number | null;
  offerTimeoutSeconds?: number;
  maxRefusals?: number;
  weights?: RoutingWeights | null;
  enabled?: boolean;
}

export interface SlaPolicyView {
  id: number;
  communityId: number | null;
  category: string | null;
  priority: Priority;
  acceptMinutes: number;
  /** null = by appointment: no arrive clock. */
  arriveMinutes: number | null;
  resolveMinutes: number;
  /** null = around the clock. */
  calendar: BusinessCalendar | null;
  enabled: boolean;
}

export interface EffectiveSlaPolicyView {
  acceptMinutes: number;
  arriveMinutes: number | null;
  resolveMinutes: number;
  calendar: BusinessCalendar | null;
  policyId: number | null;
  source: 'policy' | 'default';
}

export const PRICE_KINDS = ['labour', 'material'] as const;
export type PriceKind = (typeof PRICE_KINDS)[number];

export interface PriceItemView {
  id: number;
  /** null = every community of the company. */
  communityId: number | null;
  category: string;
  kind: PriceKind;
  name: string;
  unit: string;
  /** Per unit, in fen (0.01 CNY). */
  priceFen: number;
}

export const FOLLOW_UP_POLICY_VALUES = ['all', 'unrated', 'low'] as const;
export type FollowUpPolicyValue = (typeof FOLLOW_UP_POLICY_VALUES)[number];

export interface FollowUpPolicyView {
  communityId: number;
  policy: FollowUpPolicyValue;
  /** The community's own rating window in days; null = `defaultRatingWindowDays`. */
  ratingWindowDays: number | null;
  defaultRatingWindowDays: number;
}

export const SURVEY_STATUS_VALUES = ['draft', 'open', 'closed'] as const;
export type SurveyStatusValue = (typeof SURVEY_STATUS_VALUES)[number];

export interface SurveyView {
  id: number;
  communityId: number;
  communityName: string;
  title: string;
  startsAt: string;
  endsAt: string;
  status: SurveyStatusValue;
  weights: [number, number, number];
  createdAt: string;
  /** The period of a scheduled survey (`2026-Q4`); null for a survey an admin created by hand. */
  periodKey: string | null;
  responses?: number;
  answered?: boolean;
}

/**
 * A survey schedule (docs/surveys.md): the company's (communityId null) or one community's own,
 * which then replaces the company's for that community.
 */
export interface SurveyScheduleView {
  id: number;
  communityId: number | null;
  communityName: string | null;
  cadence: SurveyCadence;
  /** Days a period's survey stays open from the period's start. */
  openDays: number;
  /** Days before the close of the one reminder; 0 = none. */
  remindDaysBefore: number;
  enabled: boolean;
  /** When the next period's survey opens; null when disabled. */
  nextOpensAt: string | null;
  nextPeriodKey: string | null;
  updatedAt: string;
}

/** Body of PUT /survey-schedules: one schedule per company (communityId null) or community. */
export interface SurveyScheduleInput {
  communityId: number | null;
  cadence: SurveyCadence;
  openDays: number;
  remindDaysBefore: number;
  enabled: boolean;
}

/** Body of POST /survey-schedules/open-now: open the current period's survey of a community. */
export interface SurveyOpenNowInput {
  communityId: number;
}

/** One row of GET /surveys/periods: a scheduled period's survey with its figures and trend. */
export interface SurveyPeriodView {
  surveyId: number;
  communityId: number;
  communityName: string;
  periodKey: string;
  title: string;
  status: SurveyStatusValue;
  startsAt: string;
  endsAt: string;
  /** When the reminder went out; null until then (or never, without one). */
  remindedAt: string | null;
  responses: number;
  households: number;
  respondingHouseholds: number;
  /** Responding households / households on record; null without households. */
  responseRate: number | null;
  /** ACSI index 0..100; null without answers. */
  acsi: number | null;
  /** NPS -100..100; null without answers. */
  nps: number | null;
  /** The previous scheduled period of the same community; null for the first. */
  previousPeriodKey: string | null;
  trend: SurveyPeriodTrend;
}

export interface SurveyResultsView extends SurveyResults {
  surveyId: number;
  households: number;
  respondingHouseholds: number;
  responseRate: number | null;
}

// Request bodies of the admin API (the server's DTOs validate them; these are their shapes).

/** Body of POST /sla-policies and PUT /sla-policies/:id (PUT replaces every field). */
export type SlaPolicyInput = Omit<SlaPolicyView, 'id'>;

/** Body of POST /price-items and PUT /price-items/:id; no community = every community. */
export type PriceItemInput = Omit<PriceItemView, 'id' | 'communityId'> & { communityId?: number };

/** Body of POST /teams and PUT /teams/:id. */
export interface TeamInput {
  name: string;
  supervisorId?: number | null;
  memberIds: number[];
}

/** Body of PUT /staff/:id/profile. */
export interface StaffProfileInput {
  capacity?: number;
}

/** Body of PUT /communities/:id/follow-up-policy; a null window = the default. */
export interface FollowUpPolicyInput {
  policy: FollowUpPolicyValue;
  ratingWindowDays: number | null;
}

/** Body of POST /surveys; ACSI weights are equal when left out. */
export interface SurveyInput {
  communityId: number;
  title: string;
  /** ISO 8601. */
  startsAt: string;
  endsAt: string;
  weights?: [number, number, number];
}
