/**
 * Routing (派单), the pure core: hard filters, weighted grades, and which routing rule applies.
 * The server gathers the candidates' facts (shift, leave, load, distance) and stores the
 * returned decision so that the console can show why each technician was chosen or not.
 */
import type { Priority } from './work-order.js';

export const GRADE_NAMES = ['skill', 'load', 'quality', 'rotation', 'distance'] as const;
export type GradeName = (typeof GRADE_NAMES)[number];

/** How much each grade counts; any non-negative numbers up to 1 with a positive sum. */
export type RoutingWeights = Record<GradeName, number>;

export const DEFAULT_ROUTING_WEIGHTS: Readonly<RoutingWeights> = Object.freeze({
  skill: 0.3,
  load: 0.25,
  quality: 0.2,
  rotation: 0.15,
  distance: 0.1,
});

/** Hours since the last assignment after which the rotation grade is full. */
export const ROTATION_FULL_HOURS = 24;
/** Distance at which the distance grade reaches 0. */
export const DISTANCE_ZERO_KM = 10;
/** Grade used when a fact is unknown (no quality history, no location). */
export const NEUTRAL_GRADE = 0.5;
export const MAX_SKILL_LEVEL = 5;

/** Why a candidate was filtered out, in the order the filters are checked. */
export const EXCLUSION_REASONS = [
  'inactive',
  'declined',
  'not_in_team',
  'no_skill',
  'not_serving_community',
  'not_serving_building',
  'on_leave',
  'off_shift',
  'at_capacity',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export const ROUTING_MODES = ['auto', 'offer', 'pool', 'manual'] as const;
export type RoutingMode = (typeof ROUTING_MODES)[number];

/** A technician as routing sees them; the server computes the facts for this order. */
export interface RoutingCandidate {
  userId: number;
  name: string;
  active: boolean;
  /** Category code -> level 1..5; a missing or non-positive level means no skill. */
  skills: Record<string, number>;
  communityIds: number[];
  /** null = every building of the communities served. */
  buildingIds: number[] | null;
  teamIds: number[];
  onShift: boolean;
  onLeave: boolean;
  openOrders: number;
  capacity: number;
  /** 0..1 shrunk satisfaction; null = unknown, graded neutral. */
  quality: number | null;
  /** Epoch ms of the last assignment; null = never assigned. */
  lastAssignedAt: number | null;
  /** null = location unknown, graded neutral. */
  distanceKm: number | null;
}

export interface RoutingOrder {
  category: string;
  communityId: number;
  /** null = a public area not tied to a building. */
  buildingId: number | null;
  priority: Priority;
  /** Technicians who declined this order or let an offer time out. */
  excludedUserIds: number[];
  /** The routing rule restricts candidates to this team. */
  teamId: number | null;
}

export interface GradeDetail {
  /** 0..1 */
  grade: number;
  /** As configured. */
  weight: number;
  /** grade * weight / sum of weights: the contributions add up to the score. */
  contribution: number;
}

export interface RankedCandidate {
  userId: number;
  name: string;
  /** 0..1, sum(weight * grade) / sum(weights), rounded to 4 decimals. */
  score: number;
  grades: Record<GradeName, GradeDetail>;
}

export interface ExcludedCandidate {
  userId: number;
  name: string;
  /** Every filter the candidate failed, in EXCLUSION_REASONS order; never empty. */
  reasons: ExclusionReason[];
}

export interface RoutingDecision {
  /** Best first. */
  ranked: RankedCandidate[];
  /** In the order the candidates were given. */
  excluded: ExcludedCandidate[];
  weights: RoutingWeights;
}

/** Problems with a set of weights, for the settings form; empty = valid. */
export function validateWeights(weights: Partial<Record<GradeName, unknown>>): string[] {
  const problems: string[] = [];
  let sum = 0;
  for (const name of GRADE_NAMES) {
    const w = weights[name];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 1) {
      problems.push(`${name}: weight must be a number between 0 and 1`);
    } else {
      sum += w;
    }
  }
  if (problems.length === 0 && sum <= 0) problems.push('at least one weight must be above 0');
  return problems;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

function skillLevel(candidate: RoutingCandidate, category: string): number {
  // Own properties only: a category called "constructor" must not find Object.prototype's.
  if (!Object.prototype.hasOwnProperty.call(candidate.skills, category)) return 0;
  const level = candidate.skills[category];
  return typeof level === 'number' && Number.isFinite(level) && level > 0 ? level : 0;
}

/** Every hard filter the candidate fails for this order, in EXCLUSION_REASONS order. */
export function exclusionReasons(
  order: RoutingOrder,
  candidate: RoutingCandidate,
  declined: ReadonlySet<number> = new Set(order.excludedUserIds),
): ExclusionReason[] {
  const reasons: ExclusionReason[] = [];
  if (!candidate.active) reasons.push('inactive');
  if (declined.has(candidate.userId)) reasons.push('declined');
  if (order.teamId !== null && !candidate.teamIds.includes(order.teamId)) {
    reasons.push('not_in_team');
  }
  if (skillLevel(candidate, order.category) === 0) reasons.push('no_skill');
  if (!candidate.communityIds.includes(order.communityId)) reasons.push('not_serving_community');
  if (
    candidate.buildingIds !== null &&
    order.buildingId !== null &&
    !candidate.buildingIds.includes(order.buildingId)
  ) {
    reasons.push('not_serving_building');
  }
  if (candidate.onLeave) reasons.push('on_leave');
  if (!candidate.onShift) reasons.push('off_shift');
  if (!(candidate.openOrders < candidate.capacity)) reasons.push('at_capacity');
  return reasons;
}

/** Each grade in [0,1] for a candidate that passed the filters. */
export function gradeCandidate(
  order: RoutingOrder,
  candidate: RoutingCandidate,
  now: number,
): Record<GradeName, number> {
  const hoursSince = candidate.lastAssignedAt === null ? null : (now - candidate.lastAssignedAt) / 3_600_000;
  return {
    skill: clamp01(skillLevel(candidate, order.category) / MAX_SKILL_LEVEL),
    load: candidate.capacity > 0 ? clamp01(1 - candidate.openOrders / candidate.capacity) : 0,
    quality:
      candidate.quality === null || !Number.isFinite(candidate.quality) ? NEUTRAL_GRADE : clamp01(candidate.quality),
    rotation: hoursSince === null ? 1 : clamp01(hoursSince / ROTATION_FULL_HOURS),
    distance:
      candidate.distanceKm === null || !Number.isFinite(candidate.distanceKm)
        ? NEUTRAL_GRADE
        : clamp01(1 - candidate.distanceKm / DISTANCE_ZERO_KM),
  };
}

/**
 * Filter and score the candidates for one order. Ties on score go to the lower open-order
 * count, then the lower user id, so that the same input always gives the same decision.
 * Throws RangeError for invalid weights (see validateWeights).
 */
export function rankCandidates(
  order: RoutingOrder,
  candidates: readonly RoutingCandidate[],
  weights: RoutingWeights,
  now: number,
): RoutingDecision {
  const problems = validateWeights(weights);
  if (problems.length > 0) throw new RangeError(`invalid routing weights: ${problems.join('; ')}`);
  const w: RoutingWeights = {
    skill: weights.skill,
    load: weights.load,
    quality: weights.quality,
    rotation: weights.rotation,
    distance: weights.distance,
  };
  const total = GRADE_NAMES.reduce((sum, name) => sum + w[name], 0);
  const declined = new Set(order.excludedUserIds);

  const ranked: Array<RankedCandidate & { openOrders: number }> = [];
  const excluded: ExcludedCandidate[] = [];
  for (const candidate of candidates) {
    const reasons = exclusionReasons(order, candidate, declined);
    if (reasons.length > 0) {
      excluded.push({ userId: candidate.userId, name: candidate.name, reasons });
      continue;
    }
    const raw = gradeCandidate(order, candidate, now);
    let score = 0;
    const grades = {} as Record<GradeName, GradeDetail>;
    for (const name of GRADE_NAMES) {
      const part = (raw[name] * w[name]) / total;
      score += part;
      grades[name] = { grade: round4(raw[name]), weight: w[name], contribution: round4(part) };
    }
    ranked.push({
      userId: candidate.userId,
      name: candidate.name,
      score: round4(score),
      grades,
      openOrders: candidate.openOrders,
    });
  }
  // Sort on the rounded score, the one shown, so that float noise cannot beat a tie-break.
  ranked.sort((a, b) => b.score - a.score || a.openOrders - b.openOrders || a.userId - b.userId);
  return {
    ranked: ranked.map(({ userId, name, score, grades }) => ({ userId, name, score, grades })),
    excluded,
    weights: w,
  };
}

/** The fields of a routing rule that decide whether it applies; null = any. */
export interface RoutingRuleMatch {
  communityId: number | null;
  category: string | null;
  priority: Priority | null;
  enabled: boolean;
}

/** 4 for a community, 2 for a category, 1 for a priority: a community rule beats any other. */
export function ruleSpecificity(rule: RoutingRuleMatch): number {
  return (rule.communityId !== null ? 4 : 0) + (rule.category !== null ? 2 : 0) + (rule.priority !== null ? 1 : 0);
}

/**
 * The most specific enabled rule whose every non-null field equals the order's; among equally
 * specific rules the first in the list. null when none applies.
 */
export function selectRule<T extends RoutingRuleMatch>(
  rules: readonly T[],
  order: { communityId: number; category: string; priority: Priority },
): T | null {
  let best: T | null = null;
  let bestSpecificity = -1;
  for (const rule of rules) {
    if (!rule.enabled) continue;
    if (rule.communityId !== null && rule.communityId !== order.communityId) continue;
    if (rule.category !== null && rule.category !== order.category) continue;
    if (rule.priority !== null && rule.priority !== order.priority) continue;
    const specificity = ruleSpecificity(rule);
    if (specificity > bestSpecificity) {
      best = rule;
      bestSpecificity = specificity;
    }
  }
  return best;
}

/** What one routing decision did with the order (RoutingDecisionView.outcome). */
export const ROUTING_OUTCOMES = ['assigned', 'offered', 'rematched', 'pooled', 'waiting', 'manual'] as const;
export type RoutingOutcome = (typeof ROUTING_OUTCOMES)[number];

/** Declines and offer timeouts after which routing stops offering an order and pools it. */
export const DEFAULT_MAX_REFUSALS = 3;

/** Whether an order that was refused `refusalCount` times goes to the grab pool instead. */
export function refusedTooOften(refusalCount: number, maxRefusals: number = DEFAULT_MAX_REFUSALS): boolean {
  return refusalCount >= maxRefusals;
}
