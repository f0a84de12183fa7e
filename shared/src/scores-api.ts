/**
 * Shapes of the satisfaction scores API (`/api/satisfaction/*`), returned by the server's
 * ScoresService and read by the web console. Proportions are 0..1, indexes 0..100.
 */
import type { FairComparison, Interval, KeyDriver, RatingDimension, Trend } from './satisfaction/index.js';

/** How a breakdown groups the slice. */
export const BREAKDOWN_BY = ['technician', 'team', 'category', 'building', 'month'] as const;
export type BreakdownBy = (typeof BREAKDOWN_BY)[number];

export interface StageCompliance {
  met: number;
  total: number;
  /** met / total, null when no clock of the stage stopped. */
  compliance: number | null;
}

export interface DurationStats {
  /** Orders of the period with this timestamp. */
  n: number;
  medianMinutes: number | null;
  p90Minutes: number | null;
  /**
   * Present when the percentiles are estimates from the rollups' duration sketches: each is
   * within this relative error of the exact percentile (0.01 = 1%). Absent = exact.
   */
  relativeError?: number;
}

export interface IndexLevel {
  level: 'company' | 'community' | 'team' | 'technician' | 'slice';
  id: number | string | null;
  /** Weighted ratings (sum of w) and their weighted mean 0..100 (null when none). */
  weight: number;
  mean: number | null;
  /** The level's shrunk index; the prior of the next level. */
  index: number;
}

export interface SatisfactionIndexView {
  /** 0..100, shrunk towards the parent slice. */
  value: number;
  /** The slice's own weighted mean 0..100 (null without ratings). */
  mean: number | null;
  /** Kish effective sample size (= ratings when not time-decayed). */
  effectiveN: number;
  /** Approximate 95% interval of `value` in index points (`shrunkIndexInterval`); null with ≤ 1 rating. */
  interval: Interval | null;
  /** Top down: company, community, team, technician, slice; each level's index is the next one's prior. */
  chain: IndexLevel[];
}

/** The metrics of one slice: a summary, or one breakdown row. */
export interface SliceMetrics {
  counts: {
    created: number;
    completed: number;
    rated: number;
    satisfied: number;
    closedUnrated: number;
    firstTimeFixed: number;
    reopened: number;
    repeats: number;
    complaints: number;
    followUpsDue: number;
    followUpsDone: number;
    fixedYes: number;
    fixedNo: number;
  };
  csat: { value: number | null; interval: Interval | null };
  responseRate: number | null;
  /** Mean stars 1..5 of the period's ratings. */
  meanStars: number | null;
  firstTimeFixRate: number | null;
  repeatRate: number | null;
  reopenRate: number | null;
  followUpCoverage: number | null;
  /** null for slices without a household count (building, team, technician). */
  complaintsPer1000Households: number | null;
  dimensions: Record<RatingDimension, { n: number; mean: number | null }>;
  sla: Record<'accept' | 'arrive' | 'resolve' | 'overall', StageCompliance>;
  durations: Record<'accept' | 'arrive' | 'resolve', DurationStats>;
}

/**
 * Where a dashboard answer was read and how stale it may be (docs/scaling.md "Read replicas").
 * Without replicas every answer is `{ readFrom: 'primary', staleMs: 0, fallback: null }`.
 */
export interface ReadFreshness {
  readFrom: 'primary' | 'replica';
  /** At most this many milliseconds behind the primary (0 from the primary). */
  staleMs: number;
  /**
   * Why the primary answered although replicas are configured: none could be reached
   * (`replica_down`), replication is stopped on it (`replica_stopped`), or it is further behind
   * than LINLI_DB_REPLICA_MAX_LAG_MS (`replica_lagging`). null otherwise.
   */
  fallback: 'replica_down' | 'replica_stopped' | 'replica_lagging' | null;
}

export interface SummaryView extends SliceMetrics {
  period: { from: string; to: string; rolling: boolean; asOf: string };
  slice: {
    companyId: number;
    communityId: number | null;
    buildingId: number | null;
    teamId: number | null;
    technicianId: number | null;
    category: string | null;
  };
  households: number | null;
  index: SatisfactionIndexView;
  /** Set by the API (absent in exports and internal uses). */
  freshness?: ReadFreshness;
}

export interface BreakdownRow extends SliceMetrics {
  key: number | string;
  label: string;
  index: number;
  effectiveN: number;
  /** Approximate 95% interval of `index` in index points (`shrunkIndexInterval`); null with ≤ 1 rating. */
  indexInterval: Interval | null;
  /** Technician rows: comparison with the company's mean of the same categories, and the rank. */
  fair?: FairComparison;
  rank?: number | null;
  enoughData?: boolean;
  teamId?: number | null;
}

export interface BreakdownView {
  by: BreakdownBy;
  period: SummaryView['period'];
  /** The index of the whole slice: the prior of team rows (and of technicians without a team). */
  sliceIndex: number;
  rows: BreakdownRow[];
  freshness?: ReadFreshness;
}

export interface DriversView {
  period: SummaryView['period'];
  /** Ratings used (the newest DRIVER_MAX_ROWS of the period). */
  ratings: number;
  drivers: Array<KeyDriver & { label: string }>;
  freshness?: ReadFreshness;
}

export interface HotspotRow {
  category: string;
  categoryName: string;
  buildingId: number;
  buildingName: string;
  communityId: number | null;
  complaints: number;
  repeats: number;
  /** Orders created in the period vs the previous period of the same length. */
  trend: Trend;
}

export interface HotspotsView {
  period: SummaryView['period'];
  previous: { from: string; to: string };
  rows: HotspotRow[];
  freshness?: ReadFreshness;
}
