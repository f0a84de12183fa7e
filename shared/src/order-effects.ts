/**
 * What each work-order action does, as data: the row patch, the timeline event, and the
 * side effects other modules act on (SLA clocks, routing, the rating window). Pure: the
 * server applies a plan in one transaction (docs/state-machine.md "Effects"), so every
 * write to an order (create, each transition, reopen from a rating, timeouts) comes from
 * `planCreate` or `planAction` here and nowhere else.
 */
import type { QuoteItem, WorkOrderView } from './api.js';
import { QUOTE_PAUSE_REASONS, quoteActionRefusal, type BillLine, type QuoteState } from './billing.js';
import type { SlaStage } from './sla.js';
import { transition, type ActorContext } from './state-machine.js';
import type { Channel, Priority, WorkOrderAction, WorkOrderKind, WorkOrderStatus } from './work-order.js';

export type RoutingState = NonNullable<WorkOrderView['routingState']>;

/** The columns of an order that an action's effects read. */
export interface OrderFacts {
  status: WorkOrderStatus;
  assigneeId: number | null;
  excludedUserIds: number[] | null;
  refusalCount: number;
  reopenCount: number;
  urgeCount: number;
  visits: number;
  acceptedAt: Date | null;
  arrivedAt: Date | null;
  firstCompletedAt: Date | null;
  ratingStars: number | null;
  /** Where the order's quote stands (docs/fees.md); absent or null: no quote. */
  quoteState?: string | null;
}

/** The columns an action may write (the lifecycle adds `version + 1` and `updatedAt`). */
export interface OrderPatch {
  status: WorkOrderStatus;
  assigneeId?: number | null;
  routingState?: RoutingState | null;
  offerExpiresAt?: Date | null;
  excludedUserIds?: number[];
  refusalCount?: number;
  reopenCount?: number;
  urgeCount?: number;
  visits?: number;
  acceptedAt?: Date | null;
  arrivedAt?: Date | null;
  firstCompletedAt?: Date | null;
  completedAt?: Date | null;
  completedById?: number | null;
  closedAt?: Date | null;
  quoteItems?: QuoteItem[];
  quoteTotalFen?: number;
  quoteApproved?: boolean | null;
  quoteState?: QuoteState | null;
  quoteRejectReason?: string | null;
  ratingStars?: number;
  unrated?: boolean;
}

/** Who acts, as the effects need it: the role for the state machine, the id for the patch. */
export interface EffectActor extends ActorContext {
  userId: number | null;
}

/** What the caller brings to an action besides the actor (checked by the server beforehand). */
export interface ActionInput {
  action: WorkOrderAction;
  /** assign, transfer: the new assignee. */
  assigneeId?: number;
  /** assign by routing in offer mode: when the offer lapses. */
  offerExpiresAt?: Date | null;
  /** decline: who declines (default: the acting technician, or for the system the assignee). */
  declinedBy?: number;
  /** quote: the lines, priced by the server (billing's priceQuote). */
  quoteItems?: QuoteItem[];
  /** quote: above the community's ceiling, so a supervisor sees it first. */
  quoteNeedsSupervisor?: boolean;
  /** reject_quote: the resident's reason. */
  reason?: string;
  /** complete: the bill of what was used (or a free repair); absent: the order gets no bill. */
  bill?: BillEffect;
  /** confirm through a rating: the stars. */
  stars?: number;
}

/** SLA clocks an action starts, stops, pauses or resumes (the SLA module applies them). */
export interface ClockEffects {
  /** Start a new cycle of clocks (create: cycle 0; reopen: cycle = the new reopen count). */
  startCycle: number | null;
  /** Stage clocks of the current cycle to stop. */
  stop: readonly SlaStage[];
  /** Cancel every clock of the current cycle (the order was withdrawn). */
  cancelAll: boolean;
  pauseResolve: boolean;
  resumeResolve: boolean;
  /** Why the resolve clock pauses when not the request's reason (a quote waiting for a decision). */
  pauseReason?: string;
}

/** The bill a completion writes (billing applies it): lines used, or a free repair. */
export interface BillEffect {
  status: 'unpaid' | 'free';
  lines: BillLine[];
  totalFen: number;
  approvedQuoteFen: number;
}

/** What routing does after the change. */
export interface RoutingEffects {
  /** Queue a routing job for the order. */
  route: boolean;
  /** A pending offer timeout no longer applies. */
  endOffer: boolean;
  /** A technician has room for another order: try the waiting backlog. */
  freesCapacity: boolean;
  /** The new assignee was given work now (fairness: least recently assigned first). */
  touchAssignee: boolean;
}

/** The rating window after completion: opened on complete, ended by closing or reopening. */
export type RatingWindowEffect = 'open' | 'end' | null;

export interface Effects {
  action: WorkOrderAction;
  from: WorkOrderStatus;
  to: WorkOrderStatus;
  patch: OrderPatch;
  clocks: ClockEffects;
  routing: RoutingEffects;
  ratingWindow: RatingWindowEffect;
  /** complete: the bill to write; null otherwise. */
  bill: BillEffect | null;
}

export type Plan =
  | { ok: true; effects: Effects }
  | { ok: false; code: 'TRANSITION_NOT_ALLOWED' | 'FORBIDDEN' | 'QUOTE_AWAITS_SUPERVISOR' };

/** Which stage clocks an action stops. */
const STOPS: Partial<Record<WorkOrderAction, readonly SlaStage[]>> = {
  accept: ['accept'],
  grab: ['accept'],
  arrive: ['accept', 'arrive'],
  complete: ['accept', 'arrive', 'resolve'],
};
/** Actions after which a pending offer timeout no longer applies. */
const ENDS_OFFER = new Set<WorkOrderAction>(['accept', 'grab', 'assign', 'pool', 'cancel', 'transfer']);
/** Actions after which a technician has room for another order. */
const FREES_CAPACITY = new Set<WorkOrderAction>(['complete', 'cancel', 'decline', 'transfer', 'assign', 'pool']);
/** Actions after which no rating window runs. */
const ENDS_WINDOW = new Set<WorkOrderAction>(['confirm', 'reopen', 'cancel', 'auto_close']);

function required<T>(value: T | undefined, action: WorkOrderAction, field: string): T {
  if (value === undefined) throw new Error(`${action} needs ${field}`);
  return value;
}

/** The row changes of `action` on `order`, besides status, version and updatedAt. */
function patchOf(order: OrderFacts, input: ActionInput, actor: EffectActor, now: Date): Omit<OrderPatch, 'status'> {
  const { action } = input;
  switch (action) {
    case 'assign': {
      const offerExpiresAt = input.offerExpiresAt ?? null;
      // Routing decides 'assigned' or 'offered'; a person who assigns takes the order out of routing.
      const routingState: RoutingState =
        offerExpiresAt !== null ? 'offered' : actor.role === 'system' ? 'assigned' : 'manual';
      return { assigneeId: required(input.assigneeId, action, 'assigneeId'), routingState, offerExpiresAt };
    }
    case 'transfer':
      return {
        assigneeId: required(input.assigneeId, action, 'assigneeId'),
        routingState: 'manual',
        offerExpiresAt: null,
      };
    case 'grab':
      return {
        assigneeId: required(actor.userId ?? undefined, action, 'an acting user'),
        routingState: 'assigned',
        acceptedAt: order.acceptedAt ?? now,
      };
    case 'decline': {
      // The system declines for the assignee whose offer timed out.
      const who = required(
        input.declinedBy ?? (actor.role === 'system' ? order.assigneeId : actor.userId) ?? undefined,
        action,
        'declinedBy',
      );
      return {
        assigneeId: null,
        excludedUserIds: [...new Set([...(order.excludedUserIds ?? []), who])],
        refusalCount: order.refusalCount + 1,
        offerExpiresAt: null,
        routingState: null,
      };
    }
    case 'pool':
      return { assigneeId: null, routingState: 'pooled', offerExpiresAt: null };
    case 'quote': {
      const items = required(input.quoteItems, action, 'quoteItems');
      const quoteTotalFen = items.reduce((sum, i) => sum + i.amountFen, 0);
      const quoteState: QuoteState = input.quoteNeedsSupervisor ? 'supervisor' : 'resident';
      return { quoteItems: items, quoteTotalFen, quoteApproved: null, quoteState, quoteRejectReason: null };
    }
    case 'release_quote':
      return { quoteState: 'resident' };
    case 'return_quote':
      return { quoteState: 'returned' };
    case 'approve_quote':
      return { quoteApproved: true, quoteState: 'approved' };
    case 'reject_quote':
      return { quoteApproved: false, quoteState: 'rejected', quoteRejectReason: input.reason ?? null };
    case 'complete':
      return { completedAt: now, firstCompletedAt: order.firstCompletedAt ?? now, completedById: actor.userId };
    case 'confirm':
      return input.stars === undefined ? { closedAt: now } : { closedAt: now, ratingStars: input.stars };
    case 'auto_close':
      // Rated once, then reopened and redone: the order keeps its rating and is not "unrated".
      return { closedAt: now, unrated: order.ratingStars === null };
    case 'reopen':
      return {
        assigneeId: null,
        reopenCount: order.reopenCount + 1,
        completedAt: null,
        closedAt: null,
        routingState: null,
        excludedUserIds: [],
        refusalCount: 0,
      };
    case 'urge':
      return { urgeCount: order.urgeCount + 1 };
    case 'accept':
      return { routingState: 'assigned', offerExpiresAt: null, acceptedAt: order.acceptedAt ?? now };
    case 'arrive':
      return { arrivedAt: order.arrivedAt ?? now, visits: order.visits + 1 };
    case 'depart':
    case 'pause':
    case 'resume':
    case 'cancel':
      return {};
  }
}

/** Actions after which the resolve clock runs again (the technician has the order back). */
const RESUMES = new Set<WorkOrderAction>(['resume', 'approve_quote', 'reject_quote', 'return_quote']);

function clocksOf(action: WorkOrderAction, reopenCount: number, patch: OrderPatch): ClockEffects {
  const clocks: ClockEffects = {
    startCycle: action === 'reopen' ? reopenCount : null,
    stop: STOPS[action] ?? [],
    cancelAll: action === 'cancel',
    // A quote waits for the supervisor, then the resident: the technician's resolve clock stands still.
    pauseResolve: action === 'pause' || action === 'quote' || action === 'release_quote',
    resumeResolve: RESUMES.has(action),
  };
  if (action === 'quote' || action === 'release_quote') {
    clocks.pauseReason =
      patch.quoteState === 'supervisor' ? QUOTE_PAUSE_REASONS.supervisor : QUOTE_PAUSE_REASONS.resident;
  }
  return clocks;
}

/**
 * The effects of `input.action` taken by `actor` on `order` at `now`, if the state machine
 * allows it. Throws (a programming error) only when the input lacks what the action needs;
 * the server validates requests before planning.
 */
export function planAction(order: OrderFacts, input: ActionInput, actor: EffectActor, now: Date): Plan {
  const checked = transition(order.status, input.action, actor);
  if (!checked.ok) return checked;
  const refusal = quoteActionRefusal(input.action, (order.quoteState ?? null) as QuoteState | null);
  if (refusal) return { ok: false, code: refusal };
  const patch: OrderPatch = { ...patchOf(order, input, actor, now), status: checked.to };
  const { action } = input;
  return {
    ok: true,
    effects: {
      action,
      from: order.status,
      to: checked.to,
      patch,
      clocks: clocksOf(action, patch.reopenCount ?? order.reopenCount, patch),
      routing: {
        route: action === 'decline' || action === 'reopen',
        endOffer: ENDS_OFFER.has(action),
        // A system assignment is the backlog re-match itself; it frees nothing.
        freesCapacity: FREES_CAPACITY.has(action) && !(action === 'assign' && actor.role === 'system'),
        touchAssignee: (action === 'assign' || action === 'transfer' || action === 'grab') && patch.assigneeId != null,
      },
      ratingWindow: action === 'complete' ? 'open' : ENDS_WINDOW.has(action) ? 'end' : null,
      bill: action === 'complete' ? (input.bill ?? null) : null,
    },
  };
}

/** What a new order is given when it is filed. */
export interface OrderDraft {
  companyId: number;
  communityId: number;
  houseId: number | null;
  publicAreaId: number | null;
  kind: WorkOrderKind;
  channel: Channel;
  category: string;
  priority: Priority;
  description: string;
  reporterId: number | null;
  createdById: number;
  preferredTime: string | null;
  /** The visit window's instants (null or absent: none asked for). */
  visitFrom?: Date | null;
  visitTo?: Date | null;
  /** A complaint about a technician: who. */
  aboutUserId?: number | null;
  photoIds: number[];
  /** A complaint opened by a bad rating: the rated order and the rating (docs/closed-loop.md). */
  complaintOfId?: number | null;
  ratingId?: number | null;
}

export interface CreateEffects {
  /** Every column of the new row but id, no and timestamps. */
  row: OrderDraft &
    Required<Omit<OrderPatch, 'ratingStars' | 'quoteItems' | 'quoteTotalFen' | 'quoteState' | 'quoteRejectReason'>> & {
      ratingStars: null;
      quoteItems: null;
      quoteTotalFen: null;
      repeatOfId: null;
      version: 1;
    };
  clocks: ClockEffects;
  routing: RoutingEffects;
}

/** A new order: submitted, unassigned, its first cycle of SLA clocks started, routing queued. */
export function planCreate(draft: OrderDraft): CreateEffects {
  return {
    row: {
      ...draft,
      status: 'submitted',
      assigneeId: null,
      routingState: null,
      offerExpiresAt: null,
      excludedUserIds: [],
      refusalCount: 0,
      reopenCount: 0,
      urgeCount: 0,
      visits: 0,
      acceptedAt: null,
      arrivedAt: null,
      firstCompletedAt: null,
      completedAt: null,
      completedById: null,
      closedAt: null,
      quoteItems: null,
      quoteTotalFen: null,
      quoteApproved: null,
      ratingStars: null,
      unrated: false,
      repeatOfId: null,
      version: 1,
    },
    clocks: { startCycle: 0, stop: [], cancelAll: false, pauseResolve: false, resumeResolve: false },
    routing: { route: true, endOffer: false, freesCapacity: false, touchAssignee: false },
  };
}

/** The system as an actor: routing, timers. */
export const SYSTEM_ACTOR: EffectActor = Object.freeze({
  userId: null,
  role: 'system',
  isAssignee: false,
  isReporter: false,
});
