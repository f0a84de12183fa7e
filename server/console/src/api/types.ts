/**
 * Shapes the console reads that @linli/shared does not describe (yet): the fields of list
 * endpoints used for pickers, and the routing decisions of an order. Everything else comes
 * from @linli/shared.
 */
import type { ExcludedCandidate, RankedCandidate, RoutingWeights, StaffRole } from '@linli/shared';

/** GET /api/communities */
export interface CommunityOption {
  id: number;
  name: string;
  address: string;
}

/** GET /api/staff (the fields the console uses). */
export interface StaffOption {
  id: number;
  name: string;
  role: StaffRole;
  active: boolean;
  communityIds: number[];
  openOrders: number;
  capacity: number;
  onShift: boolean;
}

/** GET /api/work-orders/:id/routing: one routing decision, newest first. */
export interface RoutingDecisionView {
  id: number;
  attempt: number;
  ruleId: number | null;
  mode: string;
  outcome: string;
  chosenUserId: number | null;
  ranked: RankedCandidate[];
  excluded: ExcludedCandidate[];
  weights: RoutingWeights;
  at: string;
}

/** GET /api/work-orders/:id/rating (404 while unrated). */
export interface RatingView {
  id: number;
  workOrderId: number;
  stars: number;
  dimensions: Record<'speed' | 'workmanship' | 'attitude' | 'communication', number | null>;
  fixed: boolean | null;
  tags: string[];
  comment: string | null;
  createdAt: string;
}

/** GET /api/work-orders/:id/sla: one SLA clock of the order. */
export interface SlaClockView {
  id: number;
  cycle: number;
  stage: 'accept' | 'arrive' | 'resolve';
  status: 'running' | 'paused' | 'stopped' | 'cancelled';
  startedAt: string;
  targetMinutes: number;
  dueAt: string;
  businessHours: boolean;
  pausedSeconds: number;
  pausedSince: string | null;
  pauseReason: string | null;
  level: number;
  breached: boolean;
  breachedAt: string | null;
  stoppedAt: string | null;
  escalations: Array<{ level: number; notified: boolean; at: string }>;
}

/**
 * The `slaState` filter of GET /api/work-orders: the highest escalation level reached by the
 * order's live clocks (server: work-order.dto.ts SLA_STATES).
 */
export const SLA_STATE_OPTIONS = [
  { value: 'ok', label: '正常' },
  { value: 'warning', label: '预警（已过 50%）' },
  { value: 'critical', label: '严重（已过 75%）' },
  { value: 'breached', label: '已超时' },
] as const;
