import fc from 'fast-check';
import { planAction, planCreate, SYSTEM_ACTOR, type EffectActor, type OrderFacts } from './order-effects.js';
import { targetStatus, transition } from './state-machine.js';
import { WORK_ORDER_ACTIONS, WORK_ORDER_STATUSES, type WorkOrderStatus } from './work-order.js';
import type { ActorRole } from './roles.js';
import { quoteActionRefusal, QUOTE_STATES, type QuoteState } from './billing.js';
import type { QuoteItem } from './api.js';

const NOW = new Date('2026-03-01T02:00:00Z');
/** Statuses in which somebody must be assigned to the order. */
const WORKED: readonly WorkOrderStatus[] = ['assigned', 'accepted', 'on_the_way', 'in_progress', 'paused', 'quoted'];
/** Statuses in which nobody is assigned. */
const UNASSIGNED: readonly WorkOrderStatus[] = ['submitted', 'pooled', 'reopened'];
const COLUMNS = new Set([
  'status',
  'assigneeId',
  'routingState',
  'offerExpiresAt',
  'excludedUserIds',
  'refusalCount',
  'reopenCount',
  'urgeCount',
  'visits',
  'acceptedAt',
  'arrivedAt',
  'firstCompletedAt',
  'completedAt',
  'completedById',
  'closedAt',
  'quoteItems',
  'quoteTotalFen',
  'quoteApproved',
  'quoteState',
  'quoteRejectReason',
  'ratingStars',
  'unrated',
]);
const ROLES: ActorRole[] = ['resident', 'technician', 'desk', 'supervisor', 'admin', 'system'];

const facts = fc
  .record({
    status: fc.constantFrom(...WORK_ORDER_STATUSES),
    assignee: fc.integer({ min: 1, max: 50 }),
    excluded: fc.uniqueArray(fc.integer({ min: 1, max: 50 }), { maxLength: 4 }),
    refusalCount: fc.nat(5),
    reopenCount: fc.nat(3),
    urgeCount: fc.nat(5),
    visits: fc.nat(3),
    accepted: fc.boolean(),
    rated: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
    quoteState: fc.option(fc.constantFrom(...QUOTE_STATES), { nil: null }),
  })
  .map((f): OrderFacts => ({
    status: f.status,
    assigneeId: UNASSIGNED.includes(f.status) ? null : f.assignee,
    excludedUserIds: f.excluded,
    refusalCount: f.refusalCount,
    reopenCount: f.reopenCount,
    urgeCount: f.urgeCount,
    visits: f.visits,
    acceptedAt: f.accepted ? new Date('2026-02-28T00:00:00Z') : null,
    arrivedAt: null,
    firstCompletedAt: null,
    ratingStars: f.rated,
    quoteState: f.quoteState,
  }));

const actorFor = (order: OrderFacts) =>
  fc
    .record({ role: fc.constantFrom(...ROLES), assignee: fc.boolean(), reporter: fc.boolean() })
    .map((a): EffectActor => ({
      role: a.role,
      userId: a.role === 'system' ? null : a.assignee && order.assigneeId !== null ? order.assigneeId : 99,
      isAssignee: a.role !== 'system' && a.assignee && order.assigneeId !== null,
      isReporter: a.reporter,
    }));

const line = (l: Pick<QuoteItem, 'kind' | 'name' | 'quantity' | 'unitPriceFen'>): QuoteItem => ({
  priceItemId: null,
  unit: '项',
  listPriceFen: null,
  amountFen: l.quantity * l.unitPriceFen,
  flag: 'off_list',
  reason: '标准外',
  ...l,
});
const input = {
  assigneeId: 7,
  reason: '太贵了',
  quoteItems: [
    line({ kind: 'labour', name: '上门费', quantity: 1, unitPriceFen: 3000 }),
    line({ kind: 'material', name: '阀芯', quantity: 2, unitPriceFen: 4550 }),
  ],
};

describe('planAction', () => {
  it('every allowed action from every state yields a patch the state machine accepts', () => {
    fc.assert(
      fc.property(
        facts.chain((order) => fc.tuple(fc.constant(order), actorFor(order), fc.constantFrom(...WORK_ORDER_ACTIONS))),
        ([order, actor, action]) => {
          const checked = transition(order.status, action, actor);
          const plan = planAction(order, { ...input, action }, actor, NOW);
          if (!checked.ok) {
            expect(plan).toEqual(checked);
            return;
          }
          // The quote's state refuses some actions the table allows (docs/fees.md).
          const refusal = quoteActionRefusal(action, (order.quoteState ?? null) as QuoteState | null);
          if (refusal) {
            expect(plan).toEqual({ ok: false, code: refusal });
            return;
          }
          if (!plan.ok) throw new Error('an allowed action was refused');
          const { effects } = plan;
          expect(effects.to).toBe(checked.to);
          expect(effects.patch.status).toBe(checked.to);
          expect(effects.from).toBe(order.status);
          for (const key of Object.keys(effects.patch)) expect(COLUMNS.has(key)).toBe(true);

          const after = { ...order, ...effects.patch };
          if (WORKED.includes(after.status)) expect(after.assigneeId).not.toBeNull();
          if (UNASSIGNED.includes(after.status)) expect(after.assigneeId).toBeNull();
          // The order the patch leaves behind is one the state machine can go on from.
          expect(WORK_ORDER_STATUSES).toContain(after.status);
          if (after.status !== 'cancelled') {
            expect(WORK_ORDER_ACTIONS.some((a) => targetStatus(after.status, a) !== undefined)).toBe(true);
          }
          // Counters only move the way their action says.
          expect(after.refusalCount).toBe(
            action === 'decline' ? order.refusalCount + 1 : action === 'reopen' ? 0 : order.refusalCount,
          );
          expect(after.reopenCount).toBe(order.reopenCount + (action === 'reopen' ? 1 : 0));
          expect(after.urgeCount).toBe(order.urgeCount + (action === 'urge' ? 1 : 0));
          expect(effects.ratingWindow === 'open').toBe(effects.to === 'completed');
          expect(effects.clocks.startCycle).toBe(action === 'reopen' ? order.reopenCount + 1 : null);
          if (effects.routing.touchAssignee) expect(after.assigneeId).not.toBeNull();
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('totals a priced quote, asks the resident again, and pauses the resolve clock while they decide', () => {
    const order = { ...planFacts('in_progress'), assigneeId: 5 };
    const plan = planAction(order, { action: 'quote', quoteItems: input.quoteItems }, tech(5), NOW);
    expect(plan.ok && plan.effects.patch).toEqual({
      status: 'quoted',
      quoteItems: input.quoteItems,
      quoteTotalFen: 3000 + 2 * 4550,
      quoteApproved: null,
      quoteState: 'resident',
      quoteRejectReason: null,
    });
    expect(plan.ok && plan.effects.clocks).toMatchObject({ pauseResolve: true, pauseReason: 'quote_resident' });
  });

  it('a quote above the ceiling waits for a supervisor: the resident cannot decide until it is released', () => {
    const order = { ...planFacts('in_progress'), assigneeId: 5 };
    const plan = planAction(
      order,
      { action: 'quote', quoteItems: input.quoteItems, quoteNeedsSupervisor: true },
      tech(5),
      NOW,
    );
    expect(plan.ok && plan.effects.patch.quoteState).toBe('supervisor');
    expect(plan.ok && plan.effects.clocks.pauseReason).toBe('quote_supervisor');
    const waiting = { ...order, status: 'quoted' as const, quoteState: 'supervisor' };
    const resident: EffectActor = { role: 'resident', userId: 9, isAssignee: false, isReporter: true };
    expect(planAction(waiting, { action: 'approve_quote' }, resident, NOW)).toEqual({
      ok: false,
      code: 'QUOTE_AWAITS_SUPERVISOR',
    });
    const supervisor: EffectActor = { role: 'supervisor', userId: 2, isAssignee: false, isReporter: false };
    const released = planAction(waiting, { action: 'release_quote' }, supervisor, NOW);
    expect(released.ok && released.effects.patch).toEqual({ status: 'quoted', quoteState: 'resident' });
    expect(released.ok && released.effects.clocks).toMatchObject({ pauseResolve: true, pauseReason: 'quote_resident' });
    const returned = planAction(waiting, { action: 'return_quote' }, supervisor, NOW);
    expect(returned.ok && returned.effects.patch).toEqual({ status: 'in_progress', quoteState: 'returned' });
    expect(returned.ok && returned.effects.clocks.resumeResolve).toBe(true);
    // Once released there is nothing left to review.
    expect(planAction({ ...waiting, quoteState: 'resident' }, { action: 'release_quote' }, supervisor, NOW)).toEqual({
      ok: false,
      code: 'TRANSITION_NOT_ALLOWED',
    });
  });

  it("the resident's decision resumes the clock; a rejection keeps its reason", () => {
    const waiting = { ...planFacts('quoted'), assigneeId: 5, quoteState: 'resident' };
    const resident: EffectActor = { role: 'resident', userId: 9, isAssignee: false, isReporter: true };
    const rejected = planAction(waiting, { action: 'reject_quote', reason: '太贵了' }, resident, NOW);
    expect(rejected.ok && rejected.effects.patch).toEqual({
      status: 'in_progress',
      quoteApproved: false,
      quoteState: 'rejected',
      quoteRejectReason: '太贵了',
    });
    expect(rejected.ok && rejected.effects.clocks.resumeResolve).toBe(true);
    const approved = planAction(waiting, { action: 'approve_quote' }, resident, NOW);
    expect(approved.ok && approved.effects.patch).toEqual({
      status: 'in_progress',
      quoteApproved: true,
      quoteState: 'approved',
    });
    expect(approved.ok && approved.effects.clocks.resumeResolve).toBe(true);
  });

  it('a completion carries its bill; no other action does', () => {
    const order = { ...planFacts('in_progress'), assigneeId: 5 };
    const bill = { status: 'free' as const, lines: [], totalFen: 0, approvedQuoteFen: 0 };
    const plan = planAction(order, { action: 'complete', bill }, tech(5), NOW);
    expect(plan.ok && plan.effects.bill).toEqual(bill);
    const pause = planAction(order, { action: 'pause', bill }, tech(5), NOW);
    expect(pause.ok && pause.effects.bill).toBeNull();
  });

  it('declines for the technician whose offer timed out, and leaves them out of the next round', () => {
    const order = { ...planFacts('assigned'), assigneeId: 5, excludedUserIds: [3] };
    const plan = planAction(order, { action: 'decline', declinedBy: 5 }, SYSTEM_ACTOR, NOW);
    expect(plan.ok && plan.effects.patch).toMatchObject({
      status: 'submitted',
      assigneeId: null,
      excludedUserIds: [3, 5],
      refusalCount: 1,
      routingState: null,
    });
    expect(plan.ok && plan.effects.routing.route).toBe(true);
  });

  it('tells a routing offer from an assignment by a person', () => {
    const order = planFacts('submitted');
    const offered = planAction(order, { action: 'assign', assigneeId: 5, offerExpiresAt: NOW }, SYSTEM_ACTOR, NOW);
    expect(offered.ok && offered.effects.patch.routingState).toBe('offered');
    const routed = planAction(order, { action: 'assign', assigneeId: 5 }, SYSTEM_ACTOR, NOW);
    expect(routed.ok && routed.effects.patch.routingState).toBe('assigned');
    expect(routed.ok && routed.effects.routing.freesCapacity).toBe(false);
    const desk = { role: 'desk' as const, userId: 2, isAssignee: false, isReporter: false };
    const manual = planAction(order, { action: 'assign', assigneeId: 5 }, desk, NOW);
    expect(manual.ok && manual.effects.patch.routingState).toBe('manual');
    expect(manual.ok && manual.effects.routing.freesCapacity).toBe(true);
  });

  it('closes an unrated order as unrated, a rated-then-redone one as rated', () => {
    expect(planAction(planFacts('completed'), { action: 'auto_close' }, SYSTEM_ACTOR, NOW)).toMatchObject({
      effects: { patch: { unrated: true, closedAt: NOW } },
    });
    const rated = { ...planFacts('completed'), ratingStars: 4 };
    expect(planAction(rated, { action: 'auto_close' }, SYSTEM_ACTOR, NOW)).toMatchObject({
      effects: { patch: { unrated: false } },
    });
  });

  it('refuses an action the input cannot carry out', () => {
    expect(() => planAction(planFacts('submitted'), { action: 'assign' }, SYSTEM_ACTOR, NOW)).toThrow(/assigneeId/);
  });
});

describe('planCreate', () => {
  it('files a submitted, unassigned order with its first clocks and routing queued', () => {
    const created = planCreate({
      companyId: 1,
      communityId: 2,
      houseId: 3,
      publicAreaId: null,
      kind: 'repair',
      channel: 'miniprogram',
      category: 'plumbing',
      priority: 'P2',
      description: '漏水',
      reporterId: 4,
      createdById: 4,
      preferredTime: null,
      photoIds: [],
    });
    expect(created.row).toMatchObject({ status: 'submitted', assigneeId: null, version: 1, unrated: false });
    expect(created.clocks.startCycle).toBe(0);
    expect(created.routing.route).toBe(true);
    const next = planAction(
      { ...created.row, excludedUserIds: [] },
      { action: 'assign', assigneeId: 9 },
      SYSTEM_ACTOR,
      NOW,
    );
    expect(next.ok).toBe(true);
  });
});

function planFacts(status: WorkOrderStatus): OrderFacts {
  return {
    status,
    assigneeId: null,
    excludedUserIds: [],
    refusalCount: 0,
    reopenCount: 0,
    urgeCount: 0,
    visits: 0,
    acceptedAt: null,
    arrivedAt: null,
    firstCompletedAt: null,
    ratingStars: null,
  };
}

function tech(userId: number): EffectActor {
  return { role: 'technician', userId, isAssignee: true, isReporter: false };
}
