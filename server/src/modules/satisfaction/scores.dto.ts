import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FairComparison, Interval, KeyDriver, RatingDimension, Trend } from '@linli/shared';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { AppError } from '../../common/app-error.js';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CATEGORY_CODE = /^[a-z][a-z0-9_]{0,31}$/;

/** The longest period a query may cover (3 years, leap day included). */
export const MAX_PERIOD_DAYS = 3 * 366;
export const BREAKDOWN_BY = ['technician', 'team', 'category', 'building', 'month'] as const;
export type BreakdownBy = (typeof BREAKDOWN_BY)[number];

/** A period of China days and a slice: every scores query starts from this. */
export class ScoresQuery {
  @ApiProperty({ example: '2026-01-01', description: 'first China day of the period (yyyy-mm-dd)' })
  @Matches(DATE, { message: 'from must be a date yyyy-mm-dd' })
  @IsISO8601({ strict: true }, { message: 'from must be a real date' })
  from: string;

  @ApiProperty({ example: '2026-03-31', description: 'last China day of the period, included' })
  @Matches(DATE, { message: 'to must be a date yyyy-mm-dd' })
  @IsISO8601({ strict: true }, { message: 'to must be a real date' })
  to: string;

  @ApiPropertyOptional() @IsOptional() @Transform(toInt) @IsInt() @Min(1) communityId?: number;
  @ApiPropertyOptional({ description: '0 = public areas outside any building' })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  buildingId?: number;
  @ApiPropertyOptional() @IsOptional() @Transform(toInt) @IsInt() @Min(1) teamId?: number;
  @ApiPropertyOptional() @IsOptional() @Transform(toInt) @IsInt() @Min(1) technicianId?: number;
  @ApiPropertyOptional({ example: 'plumbing' })
  @IsOptional()
  @IsString()
  @Matches(CATEGORY_CODE, { message: 'category must be a category code' })
  category?: string;

  @ApiPropertyOptional({ description: 'time-decayed index: each rating weighs 2^(-age/90 days)' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  rolling?: boolean;

  @ApiPropertyOptional({ description: 'the day ages are counted from (rolling); default: to' })
  @IsOptional()
  @Matches(DATE, { message: 'asOf must be a date yyyy-mm-dd' })
  @IsISO8601({ strict: true }, { message: 'asOf must be a real date' })
  asOf?: string;
}

export class BreakdownQuery extends ScoresQuery {
  @ApiProperty({ enum: BREAKDOWN_BY }) @IsIn(BREAKDOWN_BY) by: BreakdownBy;
}

export class HotspotsQuery extends ScoresQuery {
  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class ExportOrdersQuery {
  @ApiProperty({ example: '2026-01-01' })
  @Matches(DATE, { message: 'from must be a date yyyy-mm-dd' })
  @IsISO8601({ strict: true }, { message: 'from must be a real date' })
  from: string;

  @ApiProperty({ example: '2026-01-31' })
  @Matches(DATE, { message: 'to must be a date yyyy-mm-dd' })
  @IsISO8601({ strict: true }, { message: 'to must be a real date' })
  to: string;

  @ApiPropertyOptional() @IsOptional() @Transform(toInt) @IsInt() @Min(1) communityId?: number;
}

/** A validated period: China days yyyymmdd, `to` included. */
export interface Period {
  fromDay: string;
  toDay: string;
  days: number;
}

const compact = (isoDate: string) => isoDate.replace(/-/g, '');

/** from <= to, at most MAX_PERIOD_DAYS long; asOf (when given) not before `to`. */
export function parsePeriod(q: { from: string; to: string; asOf?: string }): Period & { asOfDay: string } {
  const fromDay = compact(q.from);
  const toDay = compact(q.to);
  const ms = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8)));
  const days = Math.round((ms(toDay) - ms(fromDay)) / 86_400_000) + 1;
  const problems: Array<{ field: string; problems: string[] }> = [];
  if (days < 1) problems.push({ field: 'to', problems: ['to must not be before from'] });
  else if (days > MAX_PERIOD_DAYS) {
    problems.push({ field: 'to', problems: [`the period may cover at most ${MAX_PERIOD_DAYS} days (3 years)`] });
  }
  const asOfDay = q.asOf ? compact(q.asOf) : toDay;
  if (asOfDay < toDay) problems.push({ field: 'asOf', problems: ['asOf must not be before to'] });
  if (problems.length) throw new AppError('VALIDATION_FAILED', 'the period is invalid', problems);
  return { fromDay, toDay, days, asOfDay };
}

// ---------------------------------------------------------------------------------------------
// Response shapes

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
}

export interface BreakdownRow extends SliceMetrics {
  key: number | string;
  label: string;
  index: number;
  effectiveN: number;
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
}

export interface DriversView {
  period: SummaryView['period'];
  /** Ratings used (the newest DRIVER_MAX_ROWS of the period). */
  ratings: number;
  drivers: Array<KeyDriver & { label: string }>;
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
}
