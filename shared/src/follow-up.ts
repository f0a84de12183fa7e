/**
 * Follow-up calls after the work is done (docs/closed-loop.md "Follow-ups (回访)"): which reasons open
 * one, how soon the desk must call, and which reason wins when an order already has one open.
 */
import { FOLLOW_UP_POLICY_VALUES, type FollowUpPolicyValue } from './admin-api.js';

/** Which completed orders get a follow-up call besides low ratings: every one, the unrated, or none. */
export const FOLLOW_UP_POLICIES = FOLLOW_UP_POLICY_VALUES;
export type FollowUpPolicy = FollowUpPolicyValue;
/** A community without a valid setting follows up low ratings, "not fixed" and complaints only. */
export const DEFAULT_FOLLOW_UP_POLICY: FollowUpPolicy = 'low';

export const FOLLOW_UP_REASONS = ['not_fixed', 'low_rating', 'complaint', 'unrated', 'policy'] as const;
export type FollowUpReason = (typeof FOLLOW_UP_REASONS)[number];

/** An order has at most one open follow-up; a more pressing reason replaces a milder one. */
const REASON_RANK: Record<FollowUpReason, number> = {
  not_fixed: 5,
  low_rating: 4,
  complaint: 3,
  unrated: 2,
  policy: 1,
};

/** How soon the desk must call: a dissatisfied resident within a day, a routine call within two. */
export const FOLLOW_UP_DUE_HOURS: Readonly<Record<FollowUpReason, number>> = {
  not_fixed: 24,
  low_rating: 24,
  complaint: 24,
  unrated: 48,
  policy: 48,
};

export function followUpDueAt(reason: FollowUpReason, now: Date): Date {
  return new Date(now.getTime() + FOLLOW_UP_DUE_HOURS[reason] * 3600_000);
}

/** The reason an open follow-up keeps when another trigger fires: the more pressing one. */
export function morePressingReason(open: FollowUpReason, incoming: FollowUpReason): FollowUpReason {
  return REASON_RANK[incoming] > REASON_RANK[open] ? incoming : open;
}

/** A community's follow-up policy as stored (free text), read safely. */
export function followUpPolicyOf(stored: string | null | undefined): FollowUpPolicy {
  return (FOLLOW_UP_POLICIES as readonly string[]).includes(stored ?? '')
    ? (stored as FollowUpPolicy)
    : DEFAULT_FOLLOW_UP_POLICY;
}

/** Whether completing an order of this kind under this policy opens a follow-up, and why. */
export function followUpOnCompletion(kind: string, policy: FollowUpPolicy): FollowUpReason | null {
  if (kind === 'complaint') return 'complaint';
  return policy === 'all' ? 'policy' : null;
}

/** Whether an order closed unrated by the rating window gets a follow-up call. */
export function followUpWhenUnrated(policy: FollowUpPolicy): boolean {
  return policy === 'unrated' || policy === 'all';
}
