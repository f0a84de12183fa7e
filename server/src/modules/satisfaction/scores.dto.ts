import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  BREAKDOWN_BY,
  daysBetween,
  PRIORITIES,
  SLA_STATES,
  WORK_ORDER_KINDS,
  WORK_ORDER_STATUSES,
  type BreakdownBy,
  type SlaState,
} from '@linli/shared';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { AppError } from '../../common/app-error.js';
import { Optional } from '../../common/validation.js';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').filter(Boolean) : value;
const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CATEGORY_CODE = /^[a-z][a-z0-9_]{0,31}$/;

/** The longest period a query may cover (3 years, leap day included). */
export const MAX_PERIOD_DAYS = 3 * 366;

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

  @ApiPropertyOptional() @Optional() @Transform(toInt) @IsInt() @Min(1) communityId?: number;
  @ApiPropertyOptional({ description: '0 = public areas outside any building' })
  @Optional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  buildingId?: number;
  @ApiPropertyOptional() @Optional() @Transform(toInt) @IsInt() @Min(1) teamId?: number;
  @ApiPropertyOptional() @Optional() @Transform(toInt) @IsInt() @Min(1) technicianId?: number;
  @ApiPropertyOptional({ example: 'plumbing' })
  @Optional()
  @IsString()
  @Matches(CATEGORY_CODE, { message: 'category must be a category code' })
  category?: string;

  @ApiPropertyOptional({ description: 'time-decayed index: each rating weighs 2^(-age/90 days)' })
  @Optional()
  @Transform(toBool)
  @IsBoolean()
  rolling?: boolean;

  @ApiPropertyOptional({ description: 'the day ages are counted from (rolling); default: to' })
  @Optional()
  @Matches(DATE, { message: 'asOf must be a date yyyy-mm-dd' })
  @IsISO8601({ strict: true }, { message: 'asOf must be a real date' })
  asOf?: string;
}

export class BreakdownQuery extends ScoresQuery {
  @ApiProperty({ enum: BREAKDOWN_BY }) @IsIn(BREAKDOWN_BY) by: BreakdownBy;
}

export class HotspotsQuery extends ScoresQuery {
  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @Optional()
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

  @ApiPropertyOptional() @Optional() @Transform(toInt) @IsInt() @Min(1) communityId?: number;

  // The work-order list's filters, so the console exports what its table shows.
  @ApiPropertyOptional({ description: 'comma-separated statuses' })
  @Optional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(WORK_ORDER_STATUSES.length)
  @IsIn(WORK_ORDER_STATUSES, { each: true })
  status?: string[];

  @ApiPropertyOptional({ description: 'comma-separated priorities' })
  @Optional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(PRIORITIES.length)
  @IsIn(PRIORITIES, { each: true })
  priority?: string[];

  @ApiPropertyOptional({ example: 'plumbing' })
  @Optional()
  @IsString()
  @Matches(CATEGORY_CODE, { message: 'category must be a category code' })
  category?: string;

  @ApiPropertyOptional({ enum: WORK_ORDER_KINDS }) @Optional() @IsIn(WORK_ORDER_KINDS) kind?: string;

  @ApiPropertyOptional({ description: 'the assigned technician' })
  @Optional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  assigneeId?: number;

  @ApiPropertyOptional({ description: 'comma-separated SLA states: ok, warning (>50%), critical (>75%), breached' })
  @Optional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(SLA_STATES.length)
  @IsIn(SLA_STATES, { each: true })
  slaState?: SlaState[];

  @ApiPropertyOptional({ description: 'order number or words of the description (as the list)' })
  @Optional()
  @IsString()
  @Length(1, 50)
  q?: string;
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
  const days = daysBetween(fromDay, toDay) + 1;
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
// Response shapes: in @linli/shared (scores-api.ts), so the console reads the same types.

export { BREAKDOWN_BY, type BreakdownBy };
export type {
  BreakdownRow,
  BreakdownView,
  DriversView,
  DurationStats,
  HotspotRow,
  HotspotsView,
  IndexLevel,
  SatisfactionIndexView,
  SliceMetrics,
  StageCompliance,
  SummaryView,
} from '@linli/shared';
