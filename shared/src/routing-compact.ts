/**
 * The stored form of a routing decision. A decision over a company's whole technician list is
 * tens of KB (every candidate with five grades, every excluded one with reasons); what the
 * desk needs later is who was on top, why, and how many were filtered out by which rule. The
 * full list can be recomputed from current data when someone asks (the explanation view).
 */
import {
  EXCLUSION_REASONS,
  type ExcludedCandidate,
  type ExclusionReason,
  type RankedCandidate,
  type RoutingDecision,
  type RoutingWeights,
} from './routing.js';

/** Marks the stored shape; bump it when the shape changes. */
export const COMPACT_DECISION_VERSION = 1;
/** Candidates kept by default. */
export const COMPACT_DECISION_TOP = 5;
/** Upper bound of the JSON of a compact decision, in UTF-8 bytes. */
export const COMPACT_DECISION_MAX_BYTES = 4096;
/** Longer names are cut (with an ellipsis) so that the size bound holds. */
export const COMPACT_NAME_MAX_CHARS = 20;

export interface CompactCandidate extends RankedCandidate {
  /** 1 = best. */
  rank: number;
}

export interface CompactRoutingDecision {
  version: typeof COMPACT_DECISION_VERSION;
  /** The best eligible candidates, best first; plus the chosen one when it ranked lower. */
  top: CompactCandidate[];
  /** Candidates looked at: eligible + excluded. */
  considered: number;
  /** Candidates that passed every hard filter (top holds the first of them). */
  eligible: number;
  /**
   * Per hard filter, how many candidates failed it, in EXCLUSION_REASONS order; filters nobody
   * failed are left out. A candidate that failed two filters counts under both.
   */
  excludedByReason: Partial<Record<ExclusionReason, number>>;
  /** Every excluded candidate with its reasons when they are few (at most `top`), else null. */
  excluded: ExcludedCandidate[] | null;
  weights: RoutingWeights;
}

export interface CompactOptions {
  /** How many of the best candidates to keep (default COMPACT_DECISION_TOP). */
  top?: number;
  /** The candidate the decision went to: kept even when it ranked below `top`. */
  chosenUserId?: number | null;
}

/** UTF-8 bytes of the JSON, as stored (no TextEncoder: the mini-program runtime may lack it). */
export function jsonBytes(value: unknown): number {
  const json = JSON.stringify(value) ?? '';
  let bytes = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    // A surrogate pair is one 4-byte character: 2 bytes for each half.
    bytes += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
  }
  return bytes;
}

function shortName(name: string): string {
  const chars = Array.from(name);
  return chars.length <= COMPACT_NAME_MAX_CHARS ? name : `${chars.slice(0, COMPACT_NAME_MAX_CHARS - 1).join('')}…`;
}

/**
 * The stored shape of a decision: the best `top` candidates with their grades, the exclusion
 * counts per reason and the totals. Never more than COMPACT_DECISION_MAX_BYTES of JSON: when
 * unusual input (long names, odd weights) would exceed it, the excluded list goes first, then
 * the lowest kept candidates (never the chosen one).
 */
export function compactDecision(decision: RoutingDecision, options: CompactOptions = {}): CompactRoutingDecision {
  const limit = Math.max(0, Math.floor(options.top ?? COMPACT_DECISION_TOP));
  const chosen = options.chosenUserId ?? null;
  const keep = (r: RankedCandidate, i: number): CompactCandidate => ({
    userId: r.userId,
    name: shortName(r.name),
    score: r.score,
    grades: r.grades,
    rank: i + 1,
  });
  const top = decision.ranked.slice(0, limit).map(keep);
  if (chosen !== null && !top.some((c) => c.userId === chosen)) {
    const i = decision.ranked.findIndex((r) => r.userId === chosen);
    if (i >= 0) top.push(keep(decision.ranked[i], i));
  }
  const counts = new Map<ExclusionReason, number>();
  for (const x of decision.excluded) for (const r of x.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const excludedByReason: Partial<Record<ExclusionReason, number>> = {};
  for (const r of EXCLUSION_REASONS) if (counts.has(r)) excludedByReason[r] = counts.get(r)!;

  const compact: CompactRoutingDecision = {
    version: COMPACT_DECISION_VERSION,
    top,
    considered: decision.ranked.length + decision.excluded.length,
    eligible: decision.ranked.length,
    excludedByReason,
    excluded:
      decision.excluded.length <= limit
        ? decision.excluded.map((x) => ({ userId: x.userId, name: shortName(x.name), reasons: [...x.reasons] }))
        : null,
    weights: { ...decision.weights },
  };
  while (jsonBytes(compact) > COMPACT_DECISION_MAX_BYTES) {
    if (compact.excluded !== null) {
      compact.excluded = null;
      continue;
    }
    let drop = compact.top.length - 1;
    while (drop >= 0 && compact.top[drop].userId === chosen) drop--;
    if (drop < 0) break;
    compact.top.splice(drop, 1);
  }
  return compact;
}

/** A stored row: the compact shape, or (rows written before it) the full lists. */
export interface StoredRoutingDecision {
  summary?: CompactRoutingDecision | null;
  ranked?: RankedCandidate[] | null;
  excluded?: ExcludedCandidate[] | null;
  weights: RoutingWeights;
  chosenUserId: number | null;
}

/** The compact shape of a stored decision of either format (old rows are compacted on read). */
export function storedDecisionSummary(
  row: StoredRoutingDecision,
  options: CompactOptions = {},
): CompactRoutingDecision {
  if (row.summary) return row.summary;
  return compactDecision(
    { ranked: row.ranked ?? [], excluded: row.excluded ?? [], weights: row.weights },
    { chosenUserId: row.chosenUserId, ...options },
  );
}
