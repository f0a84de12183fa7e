import {
  PAUSE_REASONS,
  PAUSE_REASON_LABELS,
  SLA_STAGES,
  SLA_STAGE_LABELS,
  WORK_ORDER_ACTIONS,
  type PauseReason,
  type SlaStage,
  type WorkOrderAction,
} from '@linli/shared';
import type { OutboxEventInput } from './outbox.js';

/**
 * Who hears about what: the one table from outbox events to in-app notifications.
 * Pure: the dispatcher gives it the event and the order's facts and resolves the audiences
 * it names (e.g. "the desk of the order's community") to users.
 */

/** A group of people, resolved against the order's company and community. */
export type Audience =
  | { kind: 'user'; userId: number }
  /** Active staff of that role in the order's company who serve the order's community. */
  | { kind: 'community-staff'; role: 'desk' | 'supervisor' }
  /** Active admins of the order's company (the "manager" of the SLA ladder). */
  | { kind: 'company-admins' }
  /** Active technicians serving the community with a skill row for the order's category. */
  | { kind: 'pool-technicians' };

/** What the dispatcher knows about the order an event is about. */
export interface OrderFacts {
  id: number;
  no: string;
  kind: string;
  categoryName: string;
  /** Community and house or public area, e.g. `海月花园 1栋1单元101`. */
  place: string;
  reporterId: number | null;
  /** Residents who joined the order ("我也遇到了") or whose duplicate was merged into it. */
  coReporterIds?: number[];
  /** The assignee and routing state now (at dispatch), not at the event. */
  assigneeId: number | null;
  routingState: string | null;
  quoteTotalFen: number | null;
  /** Where the quote stands now (docs/fees.md): supervisor | resident | approved | rejected | returned. */
  quoteState?: string | null;
  urgeCount: number;
}

export interface RuleContext {
  now: Date;
  /** Name of the assignee the event names (payload.assigneeId), when there is one. */
  assigneeName: string | null;
}

export interface NotificationPlan {
  /** Stored as notification.type: `order.<action>` for transitions, else the event type. */
  type: string;
  to: Audience[];
  title: string;
  body: string;
  /** The person who caused the event: never notified of their own action. */
  exceptUserId: number | null;
}

type TransitionPayload = Extract<OutboxEventInput, { type: 'order.transition' }>['payload'];

/** One row's answer: whom to tell and what, or null for nobody. */
interface Message {
  to: Audience[];
  title: string;
  detail?: string | null;
}

const DESK: Audience = { kind: 'community-staff', role: 'desk' };
const SUPERVISORS: Audience = { kind: 'community-staff', role: 'supervisor' };
const ADMINS: Audience = { kind: 'company-admins' };
const POOL: Audience = { kind: 'pool-technicians' };

function user(id: number | null | undefined): Audience[] {
  return id === null || id === undefined ? [] : [{ kind: 'user', userId: id }];
}

function reasonText(reason: string | null | undefined): string | null {
  if (!reason) return null;
  const label = (PAUSE_REASONS as readonly string[]).includes(reason)
    ? PAUSE_REASON_LABELS[reason as PauseReason]
    : reason;
  return `原因：${label}`;
}

export function formatYuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

/** Everyone who reported the order: progress reaches each of them (docs/notices.md). */
function reporters(o: OrderFacts): Audience[] {
  const ids = [...new Set([...(o.reporterId === null ? [] : [o.reporterId]), ...(o.coReporterIds ?? [])])];
  return ids.map((userId) => ({ kind: 'user', userId }));
}

const technician = (c: RuleContext) => (c.assigneeName ? `维修师傅：${c.assigneeName}` : null);

/** order.transition, by action. Keyed by action so the compiler insists on a row for each. */
const ON_TRANSITION: Record<WorkOrderAction, (p: TransitionPayload, o: OrderFacts, c: RuleContext) => Message | null> =
  {
    // In offer mode routing also emits routing.offered, which carries the deadline: that one tells them.
    assign: (p, o) =>
      p.actorRole === 'system' && o.routingState === 'offered' && o.assigneeId === p.assigneeId
        ? null
        : { to: user(p.assigneeId), title: '新工单待接单' },
    transfer: (p) => ({ to: user(p.assigneeId), title: '新工单待接单', detail: '同事转派给您' }),
    // routing.pooled tells the technicians who may grab it.
    pool: () => null,
    accept: (_p, o, c) => ({ to: reporters(o), title: '师傅已接单', detail: technician(c) }),
    grab: (_p, o, c) => ({ to: reporters(o), title: '师傅已接单', detail: technician(c) }),
    // Routing re-routes the order; its own events tell whoever is next.
    decline: () => null,
    depart: (_p, o, c) => ({ to: reporters(o), title: '师傅已出发', detail: technician(c) }),
    arrive: (_p, o) => ({ to: reporters(o), title: '师傅已到达' }),
    pause: (p, o) => ({ to: reporters(o), title: '维修已暂停', detail: reasonText(p.reason) }),
    resume: (_p, o) => ({ to: reporters(o), title: '维修已恢复' }),
    // Above the community's ceiling a supervisor sees the quote first (release_quote tells the resident).
    quote: (_p, o) =>
      o.quoteState === 'supervisor'
        ? {
            to: [SUPERVISORS],
            title: '报价超过上限，待审核',
            detail: o.quoteTotalFen === null ? null : `报价合计 ${formatYuan(o.quoteTotalFen)}`,
          }
        : {
            to: user(o.reporterId),
            title: '请确认维修报价',
            detail: o.quoteTotalFen === null ? null : `报价合计 ${formatYuan(o.quoteTotalFen)}`,
          },
    release_quote: (_p, o) => ({
      to: user(o.reporterId),
      title: '请确认维修报价',
      detail: o.quoteTotalFen === null ? null : `报价合计 ${formatYuan(o.quoteTotalFen)}`,
    }),
    return_quote: (p, o) => ({ to: user(o.assigneeId), title: '报价被退回，请修改', detail: reasonText(p.reason) }),
    approve_quote: (p) => ({ to: user(p.assigneeId), title: '住户已同意报价' }),
    reject_quote: (p) => ({ to: user(p.assigneeId), title: '住户未同意报价', detail: reasonText(p.reason) }),
    complete: (_p, o) => ({ to: reporters(o), title: '维修已完成，请确认并评价' }),
    confirm: () => null,
    auto_close: () => null,
    // The resident hears of a cancellation only when someone else (staff) made it.
    cancel: (p, o) => ({
      to: [...user(p.assigneeId ?? p.previousAssigneeId), ...(p.actorRole === 'resident' ? [] : reporters(o))],
      title: '工单已取消',
      detail: reasonText(p.reason),
    }),
    reopen: (p) => ({ to: [DESK, ...user(p.previousAssigneeId)], title: '工单已返修', detail: reasonText(p.reason) }),
    // First urge: whoever holds the order (the desk when nobody does); from the second on (at
    // most one per URGE_COOLDOWN_MINUTES, shared/src/abuse-limits.ts) the supervisors too.
    urge: (p, o) => {
      const count = p.urgeCount ?? o.urgeCount;
      const holder = p.assigneeId === null ? [DESK] : user(p.assigneeId);
      return count >= 2
        ? { to: [SUPERVISORS, ...holder], title: `住户第${count}次催单`, detail: '已升级通知主管' }
        : { to: holder, title: '住户催单' };
    },
  };

/** The SLA ladder (docs/sla.md "Escalation ladder"): 50% the assignee, 75% the supervisors, 100% the manager. */
function onEscalation(level: number, stage: string, assigneeId: number | null): Message {
  const label = (SLA_STAGES as readonly string[]).includes(stage) ? SLA_STAGE_LABELS[stage as SlaStage] : stage;
  if (level <= 1) {
    return { to: assigneeId === null ? [DESK] : user(assigneeId), title: '工单即将超时', detail: `${label}时限已过半` };
  }
  if (level === 2) return { to: [SUPERVISORS], title: '工单超时预警', detail: `${label}时限已过75%` };
  return { to: [ADMINS, SUPERVISORS], title: '工单已超时', detail: `${label}已超时` };
}

/** `工单 HY-20261127-0007 水管漏水 海月花园 1栋1单元101[，detail]` */
export function orderBody(o: OrderFacts, detail?: string | null): string {
  const base = ['工单', o.no, o.categoryName, o.place].filter(Boolean).join(' ');
  return clip(detail ? `${base}，${detail}` : base, 500);
}

/** Whom to notify of `event` and with what text; null when nobody. */
export function recipientsFor(event: OutboxEventInput, order: OrderFacts, ctx: RuleContext): NotificationPlan | null {
  let type: string = event.type;
  let exceptUserId: number | null = null;
  let message: Message | null;
  switch (event.type) {
    case 'order.created':
      exceptUserId = event.payload.actorId;
      // Repairs are routed (the technician hears from routing); complaints go to the office.
      message = order.kind === 'complaint' ? { to: [DESK, SUPERVISORS], title: '收到新投诉' } : null;
      break;
    case 'order.transition': {
      const action = event.payload.action;
      if (!(WORK_ORDER_ACTIONS as readonly string[]).includes(action)) {
        throw new Error(`order.transition with unknown action "${action}"`);
      }
      type = `order.${action}`;
      exceptUserId = event.payload.actorId;
      message = ON_TRANSITION[action as WorkOrderAction](event.payload, order, ctx);
      break;
    }
    case 'routing.offered': {
      const minutes = Math.round((Date.parse(event.payload.expiresAt) - ctx.now.getTime()) / 60_000);
      message = {
        to: user(event.payload.userId),
        title: Number.isFinite(minutes) ? `新工单待接单，请在${Math.max(1, minutes)}分钟内接单` : '新工单待接单',
      };
      break;
    }
    case 'routing.waiting':
      message = event.payload.reasons.includes('manual')
        ? { to: [DESK], title: '新工单待派单' }
        : { to: [DESK], title: '工单暂无可派师傅', detail: '请人工派单' };
      break;
    case 'routing.pooled':
      message = { to: [POOL], title: '新工单可抢单' };
      break;
    case 'sla.escalation':
      message = onEscalation(event.payload.level, event.payload.stage, event.payload.assigneeId);
      break;
    default:
      // A newer server version may emit types this one does not know: fail, so it is retried.
      throw new Error(`unknown outbox event type "${(event as { type: string }).type}"`);
  }
  if (!message || message.to.length === 0) return null;
  return { type, to: message.to, title: message.title, body: orderBody(order, message.detail), exceptUserId };
}

/** At most `max` characters (code points), the last one an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
