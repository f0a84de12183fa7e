import fc from 'fast-check';
import type { ActorRole } from './roles.js';
import {
  ACTION_REQUIREMENTS,
  TRANSITIONS,
  allowedActions,
  targetStatus,
  transition,
  type ActorContext,
  type TransitionResult,
} from './state-machine.js';
import { WORK_ORDER_ACTIONS, WORK_ORDER_STATUSES, type WorkOrderAction, type WorkOrderStatus } from './work-order.js';

// ---------------------------------------------------------------------------
// The expectation, written by hand from the product table and independent of
// the implementation: status-major here, action-major there, so that a slip in
// one is unlikely to be repeated in the other.
//
// Who may act:  S = desk, supervisor or admin    Y = system
//               A = the assignee (technician)    T = any technician
//               R = the reporter (resident)   V = supervisor or admin
// A status/action pair that is missing is TRANSITION_NOT_ALLOWED for everyone.
// ---------------------------------------------------------------------------
const WHO: Record<WorkOrderStatus, Partial<Record<WorkOrderAction, string>>> = {
  submitted: { assign: 'SY', pool: 'SY', cancel: 'RS', urge: 'R' },
  pooled: { assign: 'SY', grab: 'T', cancel: 'RS', urge: 'R' },
  assigned: {
    assign: 'SY',
    pool: 'SY',
    accept: 'A',
    decline: 'AY',
    transfer: 'A',
    cancel: 'RS',
    urge: 'R',
  },
  accepted: { assign: 'SY', transfer: 'A', depart: 'A', arrive: 'A', cancel: 'RS', urge: 'R' },
  on_the_way: { assign: 'SY', arrive: 'A', cancel: 'S', urge: 'R' },
  in_progress: { pause: 'A', quote: 'A', complete: 'A', cancel: 'S', urge: 'R' },
  paused: { assign: 'SY', resume: 'A', cancel: 'S', urge: 'R' },
  quoted: { release_quote: 'V', return_quote: 'V', approve_quote: 'R', reject_quote: 'R', cancel: 'S' },
  completed: { confirm: 'R', reopen: 'RS', auto_close: 'Y' },
  closed: { reopen: 'RS' },
  cancelled: {},
  reopened: { assign: 'SY', pool: 'SY', cancel: 'RS', urge: 'R' },
};

const SAME = 'same';
const LEADS_TO: Record<WorkOrderAction, WorkOrderStatus | typeof SAME> = {
  assign: 'assigned',
  pool: 'pooled',
  accept: 'accepted',
  decline: 'submitted',
  grab: 'accepted',
  transfer: 'assigned',
  depart: 'on_the_way',
  arrive: 'in_progress',
  pause: 'paused',
  resume: 'in_progress',
  quote: 'quoted',
  release_quote: SAME,
  return_quote: 'in_progress',
  approve_quote: 'in_progress',
  reject_quote: 'in_progress',
  complete: 'completed',
  confirm: 'closed',
  reopen: 'reopened',
  cancel: 'cancelled',
  urge: SAME,
  auto_close: 'closed',
};

function letterFits(letter: string, actor: ActorContext): boolean {
  switch (letter) {
    case 'S':
      return ['desk', 'supervisor', 'admin'].includes(actor.role);
    case 'Y':
      return actor.role === 'system';
    case 'V':
      return ['supervisor', 'admin'].includes(actor.role);
    case 'T':
      return actor.role === 'technician';
    case 'A':
      return actor.role === 'technician' && actor.isAssignee;
    case 'R':
      return actor.role === 'resident' && actor.isReporter;
    default:
      throw new Error(`unknown letter ${letter} in WHO`);
  }
}

function expected(from: WorkOrderStatus, action: WorkOrderAction, actor: ActorContext): TransitionResult {
  const who = WHO[from][action];
  if (who === undefined) return { ok: false, code: 'TRANSITION_NOT_ALLOWED' };
  if (![...who].some((letter) => letterFits(letter, actor))) return { ok: false, code: 'FORBIDDEN' };
  const to = LEADS_TO[action];
  return { ok: true, to: to === SAME ? from : to };
}

// Every actor the server can describe: 6 roles x isAssignee x isReporter.
const ACTOR_ROLES: readonly ActorRole[] = ['resident', 'technician', 'desk', 'supervisor', 'admin', 'system'];
const ALL_ACTORS: readonly ActorContext[] = ACTOR_ROLES.flatMap((role) =>
  [false, true].flatMap((isAssignee) => [false, true].map((isReporter) => ({ role, isAssignee, isReporter }))),
);
const label = (a: ActorContext): string =>
  `${a.role}${a.isAssignee ? '+assignee' : ''}${a.isReporter ? '+reporter' : ''}`;

const reporter: ActorContext = { role: 'resident', isAssignee: false, isReporter: true };
const otherResident: ActorContext = { role: 'resident', isAssignee: false, isReporter: false };
const assignee: ActorContext = { role: 'technician', isAssignee: true, isReporter: false };
const otherTechnician: ActorContext = { role: 'technician', isAssignee: false, isReporter: false };
const desk: ActorContext = { role: 'desk', isAssignee: false, isReporter: false };
const supervisor: ActorContext = { role: 'supervisor', isAssignee: false, isReporter: false };
const admin: ActorContext = { role: 'admin', isAssignee: false, isReporter: false };
const system: ActorContext = { role: 'system', isAssignee: false, isReporter: false };

const NOT_ALLOWED = { ok: false, code: 'TRANSITION_NOT_ALLOWED' } as const;
const FORBIDDEN = { ok: false, code: 'FORBIDDEN' } as const;
const to = (status: WorkOrderStatus) => ({ ok: true, to: status }) as const;

describe('transition: every status x action x actor', () => {
  const pairs = WORK_ORDER_STATUSES.flatMap((from) => WORK_ORDER_ACTIONS.map((action) => [from, action] as const));

  it('covers 12 statuses x 21 actions x 24 actors', () => {
    expect(pairs.length * ALL_ACTORS.length).toBe(12 * 21 * 24);
  });

  it.each(pairs)('%s --%s-->', (from, action) => {
    const actual = Object.fromEntries(ALL_ACTORS.map((actor) => [label(actor), transition(from, action, actor)]));
    const wanted = Object.fromEntries(ALL_ACTORS.map((actor) => [label(actor), expected(from, action, actor)]));
    expect(actual).toEqual(wanted);
  });
});

describe('targetStatus', () => {
  it.each(WORK_ORDER_STATUSES)('from %s matches the expectation for every action', (from) => {
    for (const action of WORK_ORDER_ACTIONS) {
      const leads = LEADS_TO[action];
      const wanted = WHO[from][action] === undefined ? undefined : leads === SAME ? from : leads;
      expect({ action, to: targetStatus(from, action) }).toEqual({ action, to: wanted });
    }
  });

  it('ignores the actor: defined exactly where some actor succeeds', () => {
    for (const from of WORK_ORDER_STATUSES) {
      for (const action of WORK_ORDER_ACTIONS) {
        const somebody = ALL_ACTORS.map((a) => transition(from, action, a)).find((r) => r.ok);
        expect(targetStatus(from, action)).toBe(somebody?.ok ? somebody.to : undefined);
      }
    }
  });
});

describe('transition: examples, one block per row of the table', () => {
  it('assign: the office or the router assigns, and may reassign until work starts', () => {
    for (const actor of [desk, supervisor, admin, system]) {
      expect(transition('submitted', 'assign', actor)).toEqual(to('assigned'));
    }
    expect(transition('reopened', 'assign', desk)).toEqual(to('assigned'));
    expect(transition('pooled', 'assign', desk)).toEqual(to('assigned'));
    expect(transition('assigned', 'assign', supervisor)).toEqual(to('assigned'));
    expect(transition('accepted', 'assign', desk)).toEqual(to('assigned'));
    expect(transition('on_the_way', 'assign', admin)).toEqual(to('assigned'));
    expect(transition('paused', 'assign', system)).toEqual(to('assigned'));
    expect(transition('in_progress', 'assign', desk)).toEqual(NOT_ALLOWED);
    expect(transition('quoted', 'assign', desk)).toEqual(NOT_ALLOWED);
    expect(transition('submitted', 'assign', assignee)).toEqual(FORBIDDEN);
    expect(transition('submitted', 'assign', reporter)).toEqual(FORBIDDEN);
  });

  it('pool: the office or the router puts an order up for grabs', () => {
    expect(transition('submitted', 'pool', system)).toEqual(to('pooled'));
    expect(transition('reopened', 'pool', desk)).toEqual(to('pooled'));
    expect(transition('assigned', 'pool', supervisor)).toEqual(to('pooled'));
    expect(transition('accepted', 'pool', desk)).toEqual(NOT_ALLOWED);
    expect(transition('pooled', 'pool', desk)).toEqual(NOT_ALLOWED);
    expect(transition('submitted', 'pool', otherTechnician)).toEqual(FORBIDDEN);
  });

  it('accept: only the assignee accepts an assigned order', () => {
    expect(transition('assigned', 'accept', assignee)).toEqual(to('accepted'));
    expect(transition('assigned', 'accept', otherTechnician)).toEqual(FORBIDDEN);
    expect(transition('assigned', 'accept', desk)).toEqual(FORBIDDEN);
    expect(transition('pooled', 'accept', assignee)).toEqual(NOT_ALLOWED);
    expect(transition('accepted', 'accept', assignee)).toEqual(NOT_ALLOWED);
  });

  it('decline: the assignee sends an assigned order back to routing', () => {
    expect(transition('assigned', 'decline', assignee)).toEqual(to('submitted'));
    expect(transition('assigned', 'decline', otherTechnician)).toEqual(FORBIDDEN);
    expect(transition('accepted', 'decline', assignee)).toEqual(NOT_ALLOWED);
    // An offer that times out is declined by the system.
    expect(transition('assigned', 'decline', { role: 'system', isAssignee: false, isReporter: false })).toEqual(
      to('submitted'),
    );
  });

  it('grab: any technician grabs a pooled order', () => {
    expect(transition('pooled', 'grab', otherTechnician)).toEqual(to('accepted'));
    expect(transition('pooled', 'grab', assignee)).toEqual(to('accepted'));
    expect(transition('pooled', 'grab', desk)).toEqual(FORBIDDEN);
    expect(transition('pooled', 'grab', reporter)).toEqual(FORBIDDEN);
    expect(transition('assigned', 'grab', otherTechnician)).toEqual(NOT_ALLOWED);
  });

  it('transfer: the assignee hands an assigned or accepted order on', () => {
    expect(transition('assigned', 'transfer', assignee)).toEqual(to('assigned'));
    expect(transition('accepted', 'transfer', assignee)).toEqual(to('assigned'));
    expect(transition('accepted', 'transfer', otherTechnician)).toEqual(FORBIDDEN);
    expect(transition('on_the_way', 'transfer', assignee)).toEqual(NOT_ALLOWED);
  });

  it('depart: the assignee sets off after accepting', () => {
    expect(transition('accepted', 'depart', assignee)).toEqual(to('on_the_way'));
    expect(transition('accepted', 'depart', otherTechnician)).toEqual(FORBIDDEN);
    expect(transition('assigned', 'depart', assignee)).toEqual(NOT_ALLOWED);
  });

  it('arrive: the assignee arrives, with or without a departure first', () => {
    expect(transition('on_the_way', 'arrive', assignee)).toEqual(to('in_progress'));
    expect(transition('accepted', 'arrive', assignee)).toEqual(to('in_progress'));
    expect(transition('on_the_way', 'arrive', otherTechnician)).toEqual(FORBIDDEN);
    expect(transition('assigned', 'arrive', assignee)).toEqual(NOT_ALLOWED);
  });

  it('pause and resume: the assignee stops the clock and starts it again', () => {
    expect(transition('in_progress', 'pause', assignee)).toEqual(to('paused'));
    expect(transition('paused', 'resume', assignee)).toEqual(to('in_progress'));
    expect(transition('in_progress', 'pause', otherTechnician)).toEqual(FORBIDDEN);
    expect(transition('paused', 'resume', desk)).toEqual(FORBIDDEN);
    expect(transition('paused', 'pause', assignee)).toEqual(NOT_ALLOWED);
    expect(transition('in_progress', 'resume', assignee)).toEqual(NOT_ALLOWED);
  });

  it('quote: the assignee quotes during the work', () => {
    expect(transition('in_progress', 'quote', assignee)).toEqual(to('quoted'));
    expect(transition('in_progress', 'quote', otherTechnician)).toEqual(FORBIDDEN);
    expect(transition('quoted', 'quote', assignee)).toEqual(NOT_ALLOWED);
  });

  it('approve_quote and reject_quote: only the reporter answers a quote', () => {
    expect(transition('quoted', 'approve_quote', reporter)).toEqual(to('in_progress'));
    expect(transition('quoted', 'reject_quote', reporter)).toEqual(to('in_progress'));
    expect(transition('quoted', 'approve_quote', otherResident)).toEqual(FORBIDDEN);
    expect(transition('quoted', 'approve_quote', assignee)).toEqual(FORBIDDEN);
    expect(transition('quoted', 'reject_quote', desk)).toEqual(FORBIDDEN);
    expect(transition('in_progress', 'approve_quote', reporter)).toEqual(NOT_ALLOWED);
  });

  it('complete: the assignee finishes the work', () => {
    expect(transition('in_progress', 'complete', assignee)).toEqual(to('completed'));
    expect(transition('in_progress', 'complete', otherTechnician)).toEqual(FORBIDDEN);
    expect(transition('quoted', 'complete', assignee)).toEqual(NOT_ALLOWED);
    expect(transition('paused', 'complete', assignee)).toEqual(NOT_ALLOWED);
  });

  it('confirm: the reporter closes a completed order', () => {
    expect(transition('completed', 'confirm', reporter)).toEqual(to('closed'));
    expect(transition('completed', 'confirm', otherResident)).toEqual(FORBIDDEN);
    expect(transition('completed', 'confirm', assignee)).toEqual(FORBIDDEN);
    expect(transition('in_progress', 'confirm', reporter)).toEqual(NOT_ALLOWED);
  });

  it('reopen: the reporter or the office reopens a completed or closed order', () => {
    expect(transition('completed', 'reopen', reporter)).toEqual(to('reopened'));
    expect(transition('closed', 'reopen', reporter)).toEqual(to('reopened'));
    expect(transition('closed', 'reopen', desk)).toEqual(to('reopened'));
    expect(transition('closed', 'reopen', supervisor)).toEqual(to('reopened'));
    expect(transition('closed', 'reopen', admin)).toEqual(to('reopened'));
    expect(transition('closed', 'reopen', system)).toEqual(FORBIDDEN);
    expect(transition('closed', 'reopen', assignee)).toEqual(FORBIDDEN);
    expect(transition('closed', 'reopen', otherResident)).toEqual(FORBIDDEN);
    expect(transition('cancelled', 'reopen', desk)).toEqual(NOT_ALLOWED);
  });

  it('cancel: the reporter until acceptance, the office until completion', () => {
    for (const from of ['submitted', 'pooled', 'assigned', 'accepted', 'reopened'] as const) {
      expect(transition(from, 'cancel', reporter)).toEqual(to('cancelled'));
      expect(transition(from, 'cancel', desk)).toEqual(to('cancelled'));
    }
    for (const from of ['on_the_way', 'in_progress', 'paused', 'quoted'] as const) {
      expect(transition(from, 'cancel', reporter)).toEqual(FORBIDDEN);
      expect(transition(from, 'cancel', supervisor)).toEqual(to('cancelled'));
      expect(transition(from, 'cancel', admin)).toEqual(to('cancelled'));
    }
    expect(transition('submitted', 'cancel', otherResident)).toEqual(FORBIDDEN);
    expect(transition('accepted', 'cancel', assignee)).toEqual(FORBIDDEN);
    expect(transition('submitted', 'cancel', system)).toEqual(FORBIDDEN);
    for (const from of ['completed', 'closed', 'cancelled'] as const) {
      expect(transition(from, 'cancel', desk)).toEqual(NOT_ALLOWED);
    }
  });

  it('urge: the reporter urges an open order, which keeps its status', () => {
    for (const from of [
      'submitted',
      'pooled',
      'assigned',
      'accepted',
      'on_the_way',
      'in_progress',
      'paused',
      'reopened',
    ] as const) {
      expect(transition(from, 'urge', reporter)).toEqual(to(from));
    }
    expect(transition('submitted', 'urge', otherResident)).toEqual(FORBIDDEN);
    expect(transition('submitted', 'urge', desk)).toEqual(FORBIDDEN);
    expect(transition('quoted', 'urge', reporter)).toEqual(NOT_ALLOWED);
    expect(transition('completed', 'urge', reporter)).toEqual(NOT_ALLOWED);
  });

  it('auto_close: only the system closes a completed order by itself', () => {
    expect(transition('completed', 'auto_close', system)).toEqual(to('closed'));
    expect(transition('completed', 'auto_close', admin)).toEqual(FORBIDDEN);
    expect(transition('completed', 'auto_close', reporter)).toEqual(FORBIDDEN);
    expect(transition('in_progress', 'auto_close', system)).toEqual(NOT_ALLOWED);
  });

  it('relations only count with the matching role', () => {
    // A desk user flagged as assignee or reporter is still just the desk.
    const deskWithFlags = { role: 'desk', isAssignee: true, isReporter: true } as const;
    expect(transition('assigned', 'accept', deskWithFlags)).toEqual(FORBIDDEN);
    expect(transition('completed', 'confirm', deskWithFlags)).toEqual(FORBIDDEN);
    // A technician who reported the order is not its reporter for the machine.
    const technicianReporter = { role: 'technician', isAssignee: false, isReporter: true } as const;
    expect(transition('quoted', 'approve_quote', technicianReporter)).toEqual(FORBIDDEN);
    // A resident flagged as assignee cannot do a technician's step.
    const residentAssignee = { role: 'resident', isAssignee: true, isReporter: true } as const;
    expect(transition('assigned', 'accept', residentAssignee)).toEqual(FORBIDDEN);
  });

  it('an action name it does not know is not allowed (untyped callers)', () => {
    const unknown = 'teleport' as unknown as WorkOrderAction;
    expect(transition('submitted', unknown, admin)).toEqual(NOT_ALLOWED);
    expect(targetStatus('submitted', unknown)).toBeUndefined();
  });
});

describe('TRANSITIONS and ACTION_REQUIREMENTS', () => {
  it('has one row per action, in WORK_ORDER_ACTIONS order, leading where expected', () => {
    expect(TRANSITIONS.map((r) => r.action)).toEqual([...WORK_ORDER_ACTIONS]);
    for (const rule of TRANSITIONS) expect(rule.to).toBe(LEADS_TO[rule.action]);
  });

  it('lists each status at most once per actor kind in a row', () => {
    for (const rule of TRANSITIONS) {
      const seen = rule.grants.flatMap((g) => g.actors.flatMap((k) => g.from.map((f) => `${k}:${f}`)));
      expect(new Set(seen).size).toBe(seen.length);
    }
  });

  it('is frozen, so a renderer cannot change the rules by accident', () => {
    expect(Object.isFrozen(TRANSITIONS)).toBe(true);
    const cancel = TRANSITIONS.find((r) => r.action === 'cancel')!;
    expect(Object.isFrozen(cancel)).toBe(true);
    expect(Object.isFrozen(cancel.grants[0].from)).toBe(true);
    expect(() => (cancel.grants[0].from as WorkOrderStatus[]).push('completed')).toThrow(TypeError);
    expect(transition('completed', 'cancel', reporter)).toEqual(NOT_ALLOWED);
  });

  it('says what each action needs besides the actor', () => {
    expect(ACTION_REQUIREMENTS).toEqual({
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
    });
  });
});

describe('allowedActions', () => {
  it('lists what a role may do, in WORK_ORDER_ACTIONS order', () => {
    expect(allowedActions('assigned', assignee)).toEqual(['accept', 'decline', 'transfer']);
    expect(allowedActions('assigned', otherTechnician)).toEqual([]);
    expect(allowedActions('assigned', desk)).toEqual(['assign', 'pool', 'cancel']);
    expect(allowedActions('assigned', reporter)).toEqual(['cancel', 'urge']);
    expect(allowedActions('accepted', assignee)).toEqual(['transfer', 'depart', 'arrive']);
    expect(allowedActions('in_progress', assignee)).toEqual(['pause', 'quote', 'complete']);
    expect(allowedActions('completed', reporter)).toEqual(['confirm', 'reopen']);
    expect(allowedActions('completed', system)).toEqual(['auto_close']);
    expect(allowedActions('cancelled', admin)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------
const statusArb = fc.constantFrom(...WORK_ORDER_STATUSES);
const actionArb = fc.constantFrom(...WORK_ORDER_ACTIONS);
const actorArb: fc.Arbitrary<ActorContext> = fc.record({
  role: fc.constantFrom(...ACTOR_ROLES),
  isAssignee: fc.boolean(),
  isReporter: fc.boolean(),
});

/** Every (action, actor) step that succeeds from `from`, in a fixed order. */
function successfulSteps(from: WorkOrderStatus): { action: WorkOrderAction; actor: ActorContext }[] {
  return WORK_ORDER_ACTIONS.flatMap((action) =>
    ALL_ACTORS.filter((actor) => transition(from, action, actor).ok).map((actor) => ({
      action,
      actor,
    })),
  );
}

describe('properties', () => {
  it('a random walk from submitted, applying only successful steps, stays in known statuses', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(actionArb, actorArb), { maxLength: 60 }), (steps) => {
        let status: WorkOrderStatus = 'submitted';
        for (const [action, actor] of steps) {
          const result = transition(status, action, actor);
          if (result.ok) {
            expect(result.to).toBe(targetStatus(status, action));
            status = result.to;
          }
          expect(WORK_ORDER_STATUSES).toContain(status);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a walk that always picks a successful step stays in known statuses and never leaves cancelled', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 80 }), (choices) => {
        let status: WorkOrderStatus = 'submitted';
        for (const choice of choices) {
          const steps = successfulSteps(status);
          if (steps.length === 0) {
            expect(status).toBe('cancelled');
            return;
          }
          const { action, actor } = steps[choice % steps.length];
          const result = transition(status, action, actor);
          if (!result.ok) throw new Error(`${status} --${action}--> failed after listing it`);
          expect(WORK_ORDER_STATUSES).toContain(result.to);
          status = result.to;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('cancelled has no outgoing transitions for anyone', () => {
    fc.assert(
      fc.property(actionArb, actorArb, (action, actor) => {
        expect(transition('cancelled', action, actor)).toEqual(NOT_ALLOWED);
        expect(targetStatus('cancelled', action)).toBeUndefined();
        expect(allowedActions('cancelled', actor)).toEqual([]);
      }),
    );
  });

  it('closed allows only reopen, which leads to reopened', () => {
    fc.assert(
      fc.property(actionArb, actorArb, (action, actor) => {
        const result = transition('closed', action, actor);
        if (action === 'reopen') {
          expect(targetStatus('closed', action)).toBe('reopened');
          if (result.ok) expect(result.to).toBe('reopened');
        } else {
          expect(result).toEqual(NOT_ALLOWED);
        }
      }),
    );
  });

  it('every status is reachable from submitted, by a path that replays step by step', () => {
    // Breadth-first search over successful steps, remembering how each status was reached.
    const pathTo = new Map<WorkOrderStatus, { action: WorkOrderAction; actor: ActorContext }[]>([['submitted', []]]);
    const queue: WorkOrderStatus[] = ['submitted'];
    while (queue.length > 0) {
      const from = queue.shift()!;
      for (const step of successfulSteps(from)) {
        const result = transition(from, step.action, step.actor);
        if (result.ok && !pathTo.has(result.to)) {
          pathTo.set(result.to, [...pathTo.get(from)!, step]);
          queue.push(result.to);
        }
      }
    }
    fc.assert(
      fc.property(statusArb, (target) => {
        const path = pathTo.get(target);
        expect(path).toBeDefined();
        let status: WorkOrderStatus = 'submitted';
        for (const { action, actor } of path!) {
          const result = transition(status, action, actor);
          if (!result.ok) throw new Error(`replay failed at ${status} --${action}-->`);
          status = result.to;
        }
        expect(status).toBe(target);
      }),
    );
    expect([...pathTo.keys()].sort()).toEqual([...WORK_ORDER_STATUSES].sort());
  });

  it('no dead ends: from every status but cancelled, closed can still be reached', () => {
    for (const start of WORK_ORDER_STATUSES.filter((s) => s !== 'cancelled')) {
      const seen = new Set<WorkOrderStatus>([start]);
      const queue: WorkOrderStatus[] = [start];
      while (queue.length > 0) {
        const from = queue.shift()!;
        for (const { action, actor } of successfulSteps(from)) {
          const result = transition(from, action, actor);
          if (result.ok && !seen.has(result.to)) {
            seen.add(result.to);
            queue.push(result.to);
          }
        }
      }
      expect({ start, closedReachable: seen.has('closed') }).toEqual({
        start,
        closedReachable: true,
      });
    }
  });

  it('allowedActions agrees with transition for every input', () => {
    fc.assert(
      fc.property(statusArb, actorArb, (from, actor) => {
        const allowed = allowedActions(from, actor);
        expect(allowed).toEqual(WORK_ORDER_ACTIONS.filter((a) => transition(from, a, actor).ok));
        for (const action of WORK_ORDER_ACTIONS) {
          expect(allowed.includes(action)).toBe(transition(from, action, actor).ok);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('FORBIDDEN means someone else may; TRANSITION_NOT_ALLOWED means nobody may', () => {
    fc.assert(
      fc.property(statusArb, actionArb, actorArb, (from, action, actor) => {
        const result = transition(from, action, actor);
        const somebodyMay = ALL_ACTORS.some((other) => transition(from, action, other).ok);
        if (result.ok) expect(result.to).toBe(targetStatus(from, action));
        else if (result.code === 'FORBIDDEN') expect(somebodyMay).toBe(true);
        else expect(somebodyMay).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
