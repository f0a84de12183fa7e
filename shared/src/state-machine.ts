import type { ActorRole } from './roles.js';
import { WORK_ORDER_ACTIONS } from './work-order.js';
import type { WorkOrderAction, WorkOrderStatus } from './work-order.js';

/** Who is acting, as far as the state machine cares. The server computes the two relations. */
export interface ActorContext {
  role: ActorRole;
  /** The actor is the order's current assignee. */
  isAssignee: boolean;
  /** The actor is the reporting resident, or a resident verified for the order's house. */
  isReporter: boolean;
}

export type TransitionResult =
  { ok: true; to: WorkOrderStatus } | { ok: false; code: 'TRANSITION_NOT_ALLOWED' | 'FORBIDDEN' };

/** What an action needs besides the actor. */
export interface ActionRequirements {
  assignee?: true;
  reason?: true;
  quote?: true;
}

/**
 * Whom a rule grants an action to. `assignee` is a technician who is the order's assignee,
 * `reporter` a resident who is the order's reporter; the others are plain roles.
 */
export const ACTOR_KINDS = ['assignee', 'technician', 'reporter', 'desk', 'supervisor', 'admin', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** The statuses from which the listed actors may take the action. */
export interface TransitionGrant {
  readonly from: readonly WorkOrderStatus[];
  readonly actors: readonly ActorKind[];
}

/** One row of the table: an action, where it leads, and who may take it from where. */
export interface TransitionRule {
  readonly action: WorkOrderAction;
  /** `same`: the order keeps its status (an urge is recorded on the timeline, nothing moves). */
  readonly to: WorkOrderStatus | 'same';
  /** Usually one grant; several when roles may take the action from different statuses. */
  readonly grants: readonly TransitionGrant[];
}

const OFFICE: readonly ActorKind[] = ['desk', 'supervisor', 'admin'];
const ROUTERS: readonly ActorKind[] = [...OFFICE, 'system'];

// Keyed by action so that the compiler insists on exactly one row per action.
const RULES: Record<WorkOrderAction, Omit<TransitionRule, 'action'>> = {
  assign: {
    to: 'assigned',
    grants: [
      {
        from: ['submitted', 'reopened', 'pooled', 'assigned', 'accepted', 'on_the_way', 'paused'],
        actors: ROUTERS,
      },
    ],
  },
  pool: {
    to: 'pooled',
    grants: [{ from: ['submitted', 'reopened', 'assigned'], actors: ROUTERS }],
  },
  accept: { to: 'accepted', grants: [{ from: ['assigned'], actors: ['assignee'] }] },
  // Back to routing; the server leaves the decliner out of the next round. The system
  // declines for a technician whose offer timed out.
  decline: { to: 'submitted', grants: [{ from: ['assigned'], actors: ['assignee', 'system'] }] },
  // Any technician: whether this one serves the community is the server's check.
  grab: { to: 'accepted', grants: [{ from: ['pooled'], actors: ['technician'] }] },
  transfer: { to: 'assigned', grants: [{ from: ['assigned', 'accepted'], actors: ['assignee'] }] },
  depart: { to: 'on_the_way', grants: [{ from: ['accepted'], actors: ['assignee'] }] },
  arrive: {
    to: 'in_progress',
    grants: [{ from: ['accepted', 'on_the_way'], actors: ['assignee'] }],
  },
  pause: { to: 'paused', grants: [{ from: ['in_progress'], actors: ['assignee'] }] },
  resume: { to: 'in_progress', grants: [{ from: ['paused'], actors: ['assignee'] }] },
  quote: { to: 'quoted', grants: [{ from: ['in_progress'], actors: ['assignee'] }] },
  // A quote above the community's ceiling waits for a supervisor: released to the resident, or
  // returned to the technician (docs/fees.md). Which of these the quote's state allows is
  // billing's rule (quoteActionRefusal), checked with the table by planAction.
  release_quote: { to: 'same', grants: [{ from: ['quoted'], actors: ['supervisor', 'admin'] }] },
  return_quote: { to: 'in_progress', grants: [{ from: ['quoted'], actors: ['supervisor', 'admin'] }] },
  approve_quote: { to: 'in_progress', grants: [{ from: ['quoted'], actors: ['reporter'] }] },
  reject_quote: { to: 'in_progress', grants: [{ from: ['quoted'], actors: ['reporter'] }] },
  complete: { to: 'completed', grants: [{ from: ['in_progress'], actors: ['assignee'] }] },
  confirm: { to: 'closed', grants: [{ from: ['completed'], actors: ['reporter'] }] },
  reopen: {
    to: 'reopened',
    grants: [{ from: ['completed', 'closed'], actors: ['reporter', ...OFFICE] }],
  },
  // A resident may withdraw until the technician is on the way; the office until the work is done.
  cancel: {
    to: 'cancelled',
    grants: [
      {
        from: ['submitted', 'pooled', 'assigned', 'accepted', 'reopened'],
        actors: ['reporter'],
      },
      {
        from: [
          'submitted',
          'pooled',
          'assigned',
          'accepted',
          'on_the_way',
          'in_progress',
          'paused',
          'quoted',
          'reopened',
        ],
        actors: OFFICE,
      },
    ],
  },
  urge: {
    to: 'same',
    grants: [
      {
        from: ['submitted', 'pooled', 'assigned', 'accepted', 'on_the_way', 'in_progress', 'paused', 'reopened'],
        actors: ['reporter'],
      },
    ],
  },
  auto_close: { to: 'closed', grants: [{ from: ['completed'], actors: ['system'] }] },
};

function freezeRule(rule: TransitionRule): TransitionRule {
  return Object.freeze({
    action: rule.action,
    to: rule.to,
    grants: Object.freeze(
      rule.grants.map((g) => Object.freeze({ from: Object.freeze([...g.from]), actors: Object.freeze([...g.actors]) })),
    ),
  });
}

/**
 * The work-order state machine as data, one row per action in WORK_ORDER_ACTIONS order.
 * It is the single source of truth: `transition` reads it, and UIs and docs may render it.
 */
export const TRANSITIONS: readonly TransitionRule[] = Object.freeze(
  WORK_ORDER_ACTIONS.map((action) => freezeRule({ action, ...RULES[action] })),
);

// A Map, not the record, so that an unknown action from an untyped caller finds nothing.
const RULE_BY_ACTION: ReadonlyMap<string, TransitionRule> = new Map(TRANSITIONS.map((rule) => [rule.action, rule]));

function actorIs(kind: ActorKind, actor: ActorContext): boolean {
  switch (kind) {
    case 'assignee':
      return actor.role === 'technician' && actor.isAssignee;
    case 'reporter':
      return actor.role === 'resident' && actor.isReporter;
    case 'technician':
    case 'desk':
    case 'supervisor':
    case 'admin':
    case 'system':
      return actor.role === kind;
  }
}

/** Where `action` leads from `from` for whoever may take it; undefined if nobody may. */
export function targetStatus(from: WorkOrderStatus, action: WorkOrderAction): WorkOrderStatus | undefined {
  const rule = RULE_BY_ACTION.get(action);
  if (!rule || !rule.grants.some((g) => g.from.includes(from))) return undefined;
  return rule.to === 'same' ? from : rule.to;
}

/**
 * Check one step. TRANSITION_NOT_ALLOWED: nobody may take `action` from `from`;
 * FORBIDDEN: somebody may, but not this actor.
 */
export function transition(from: WorkOrderStatus, action: WorkOrderAction, actor: ActorContext): TransitionResult {
  const to = targetStatus(from, action);
  if (to === undefined) return { ok: false, code: 'TRANSITION_NOT_ALLOWED' };
  const grants = RULE_BY_ACTION.get(action)?.grants ?? [];
  const permitted = grants.some((g) => g.from.includes(from) && g.actors.some((kind) => actorIs(kind, actor)));
  return permitted ? { ok: true, to } : { ok: false, code: 'FORBIDDEN' };
}

/** The actions this actor may take from `from`, in WORK_ORDER_ACTIONS order. */
export function allowedActions(from: WorkOrderStatus, actor: ActorContext): WorkOrderAction[] {
  return WORK_ORDER_ACTIONS.filter((action) => transition(from, action, actor).ok);
}

const REQUIREMENTS: Record<WorkOrderAction, ActionRequirements> = {
  assign: { assignee: true },
  pool: {},
  accept: {},
  decline: { reason: true },
  grab: {},
  transfer: { assignee: true },
  depart: {},
  arrive: {},
  pause: { reason: true },
  resume: {},
  quote: { quote: true },
  release_quote: {},
  return_quote: { reason: true },
  approve_quote: {},
  reject_quote: { reason: true },
  complete: {},
  confirm: {},
  reopen: { reason: true },
  cancel: { reason: true },
  urge: {},
  auto_close: {},
};
for (const requirements of Object.values(REQUIREMENTS)) Object.freeze(requirements);

/** What each action needs in its request besides the actor (a new assignee, a reason, a quote). */
export const ACTION_REQUIREMENTS: Readonly<Record<WorkOrderAction, Readonly<ActionRequirements>>> =
  Object.freeze(REQUIREMENTS);
