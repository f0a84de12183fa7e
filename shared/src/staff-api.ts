/**
 * Shapes of the staff-mode views (`/api/staff/board`, `/api/staff/me/*`,
 * `/api/staff/desk/house-residents`), returned by the server's BoardService and MyDayService
 * and read by the mini-program's staff and office subpackages.
 */
import type { Page, PersonRef } from './api.js';
import type { FollowUpReason } from './follow-up.js';
import type { RatingDimension } from './satisfaction/ratings.js';

/** The technician's own day: what the staff app's summary card shows. */
export interface MyDayView {
  /** China day, yyyy-mm-dd. */
  date: string;
  /** Orders this technician completed today (China day). */
  doneToday: number;
  /** Orders on their plate now (assigned .. quoted). */
  open: number;
  /** Their own scores over the last 90 China days (to today), from the rollups. */
  satisfaction: {
    from: string;
    to: string;
    rated: number;
    completed: number;
    /** 0..100, shrunk towards their team/community: the same index the office sees (null: no community). */
    index: number | null;
    csat: number | null;
    meanStars: number | null;
    firstTimeFixRate: number | null;
  };
}

/** A colleague a technician may transfer an order to. */
export interface ColleagueView {
  id: number;
  name: string;
  communityIds: number[];
  openOrders: number;
  capacity: number;
  onShift: boolean;
  onLeave: boolean;
}

/** A resident verified for a house, as the desk sees them when filing for a caller. */
export interface HouseResidentView {
  /** The resident's user id: the order's `reporterId`. */
  userId: number;
  name: string;
  /** Full number: the desk calls it back. */
  phone: string;
  relation: string;
}

/**
 * GET /api/staff/desk/callers?phone=: a resident whose verified binding (or account) has this
 * phone number, with the houses of the desk's communities they are verified for.
 */
export interface CallerView {
  /** The resident's user id: the order's `reporterId`. */
  userId: number;
  name: string;
  /** Full number: the desk calls it back. */
  phone: string;
  houses: Array<{
    houseId: number;
    label: string;
    buildingId: number;
    buildingName: string;
    communityId: number;
    communityName: string;
    relation: string;
  }>;
}

/** What a technician is doing now, most limiting first. */
export const BOARD_STATUSES = ['on_leave', 'off_shift', 'busy', 'available'] as const;
export type BoardStatus = (typeof BOARD_STATUSES)[number];

export interface BoardTechnician {
  id: number;
  name: string;
  phone: string | null;
  status: BoardStatus;
  onShift: boolean;
  onLeave: boolean;
  capacity: number;
  /** Held orders (assigned .. quoted), in any community: the load routing counts. */
  openOrders: number;
  /** Of those, on the way, in progress, paused or quoted. */
  inProgress: number;
  /** Of those, past 50% of a live SLA target (warning, critical or breached). */
  atRisk: number;
  /** Of those, past 100%. */
  breached: number;
}

export interface BoardEscalation {
  workOrderId: number;
  orderNo: string;
  status: string;
  priority: string;
  location: string | null;
  stage: string;
  /** 2 = 75% (supervisor warned), 3 = breached. */
  level: number;
  /** ISO 8601: when the level fired. */
  at: string;
  assignee: PersonRef | null;
}

export interface BoardView {
  generatedAt: string;
  technicians: BoardTechnician[];
  /** Open orders of the caller's communities (or company), by SLA state. */
  totals: { open: number; unassigned: number; warning: number; critical: number; breached: number };
  /** The newest 75% and breach escalations of open orders still running late, newest first. */
  escalations: BoardEscalation[];
}

// The desk's follow-up calls (`/api/follow-ups`).

export const FOLLOW_UP_STATUSES = ['open', 'done', 'cancelled'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];
export const FOLLOW_UP_CHANNELS = ['phone', 'visit', 'wechat'] as const;
export type FollowUpChannel = (typeof FOLLOW_UP_CHANNELS)[number];

/** One follow-up call, as GET /api/follow-ups lists it. */
export interface FollowUpView {
  id: number;
  workOrderId: number;
  orderNo: string;
  orderKind: string;
  category: string;
  communityId: number;
  location: string;
  /** Full phone: only desk, supervisor and admin read follow-ups. */
  reporter: PersonRef | null;
  assignee: PersonRef | null;
  /** The order's rating by the resident, if any. */
  ratingStars: number | null;
  /** What the resident wrote with the rating (null: no rating, or nothing written). */
  ratingComment: string | null;
  /** The rating's tags (e.g. 态度好, 没修好); empty without a rating. */
  ratingTags: string[];
  reason: FollowUpReason;
  status: FollowUpStatus;
  /** ISO 8601. */
  dueAt: string;
  overdue: boolean;
  createdAt: string;
  channel: FollowUpChannel | null;
  reached: boolean | null;
  outcome: string | null;
  stars: number | null;
  dimensions: Record<RatingDimension, number | null>;
  fixed: boolean | null;
  doneBy: { id: number; name: string } | null;
  doneAt: string | null;
}

/** GET /api/follow-ups, most urgent first. */
export type FollowUpPage = Page<FollowUpView>;

/** Body of POST /api/follow-ups/:id/complete: what the desk recorded on the call. */
export interface CompleteFollowUpInput {
  channel: FollowUpChannel;
  /** Whether the resident was reached; an unreached call carries no rating. */
  reached: boolean;
  outcome: string;
  stars?: number;
  dimensions?: Partial<Record<RatingDimension, number>>;
  fixed?: boolean;
}

/**
 * One proposed move of `GET /api/routing/rematch` (docs/routing.md "Re-match on demand"): an
 * order of the waiting backlog and the technician the min-cost assignment would give it.
 */
export interface RematchMoveView {
  workOrderId: number;
  no: string;
  priority: 'P1' | 'P2' | 'P3' | 'P4';
  category: string;
  location: string;
  /** The order's version read for the preview: the apply refuses the move when it changed. */
  version: number;
  /** Urgency the matching weighs: priority weight x (1 + days waited). */
  urgency: number;
  /** Hours since the order was filed. */
  waitedHours: number;
  /** Who has it now (an assigned order not yet accepted) and their score now; null: nobody. */
  from: { id: number; name: string; score: number | null } | null;
  to: { id: number; name: string; score: number };
  /** Why: `urgency` (nobody had it), `better_fit` (to scores higher than from), `frees_slot`. */
  why: 'urgency' | 'better_fit' | 'frees_slot';
  /** The proposed technician's grades (0..1) for the order, by grade name. */
  grades: Record<string, number>;
  /** This move's share of the cost saved (current cost - proposed cost, >= 0 is better). */
  costSaved: number;
}

/** `GET /api/routing/rematch?communityId=`: a preview, nothing is written. */
export interface RematchPreviewView {
  generatedAt: string;
  communityIds: number[];
  /** Orders of the backlog looked at (waiting for a technician, or assigned and not yet accepted). */
  backlog: number;
  /** Technicians with a free slot after the backlog's own slots are released. */
  technicians: number;
  /** Total assignment cost now and as proposed (lower is better; see docs/routing.md). */
  currentCost: number;
  proposedCost: number;
  costSaved: number;
  moves: RematchMoveView[];
}

/** One move's outcome in `POST /api/routing/rematch`. */
export interface RematchResultView {
  workOrderId: number;
  technicianId: number;
  /**
   * applied; stale: the order changed since the preview (version, status, assignee);
   * ineligible: the technician no longer qualifies; not_found: not an order in the caller's view.
   */
  outcome: 'applied' | 'stale' | 'ineligible' | 'not_found';
  /** The order's version after the move (applied) or as found (stale). */
  version: number | null;
}

/** `POST /api/routing/rematch` answer. */
export interface RematchApplyView {
  applied: number;
  skipped: number;
  results: RematchResultView[];
}
